#include "embedded/embedded_engine.h"
#include "engine/messages.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "common/bytes.h"
#include "common/parallel.h"
#include "embedded/store_event_source.h"
#include "engine/query_dates.h"
#include "fmt/format.h"
#include "model/stage_engine.h"

namespace aips {

namespace {

std::string HexName(std::string_view s) { return fmt::format("{:016x}", Hash64(s)); }

}  // namespace

Result<std::unique_ptr<EmbeddedEngine>> EmbeddedEngine::Open(const std::string& dir) {
  auto e = std::unique_ptr<EmbeddedEngine>(new EmbeddedEngine());
  AIPS_ASSIGN_OR_RETURN(e->store_, Store::Open(dir, Store::Mode::kRead));
  return e;
}

Status EmbeddedEngine::EnsureWritable() { return store_->UpgradeToWrite(); }

void EmbeddedEngine::RetireReader(const std::string& path) {
  auto it = readers_.find(path);
  if (it == readers_.end()) return;
  retired_readers_.push_back(std::move(it->second));  // callers may still hold the pointer
  readers_.erase(it);
}

Result<EmbeddedEngine::Resolved> EmbeddedEngine::Resolve(const ScopeRef& scope) {
  Resolved r;
  AIPS_ASSIGN_OR_RETURN(auto brand, store_->FindBrand(scope.brand));
  if (!brand) {
    AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
    if (!cat->CategoryOf(scope.brand)) {
      return Status::NotFound(UnknownBrandMessage(scope.brand));
    }
  }
  r.brand = brand;
  if (scope.spu) {
    AIPS_ASSIGN_OR_RETURN(Dictionary * spus, store_->dict(kDictSpu));
    auto spu = spus->Find(*scope.spu);
    bool of_brand = false;
    if (spu && brand && *brand < store_->manifest().brands.size()) {
      const auto& list = store_->manifest().brands[*brand].spus;
      of_brand = std::binary_search(list.begin(), list.end(), *spu);
    }
    if (!of_brand) {
      return Status::NotFound(
          fmt::format("unknown SPU '{}' of brand '{}' (no event names it)", *scope.spu, scope.brand));
    }
    r.scope = *spu;
  }
  return r;
}

Result<Day> EmbeddedEngine::DefaultDay() { return DateOrLast(std::nullopt, store_->manifest().LastDay()); }

Result<EmbeddedEngine::Subject> EmbeddedEngine::BrandSubject(uint32_t brand) {
  Subject s;
  s.brand = brand;
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, store_->dict(kDictBrand));
  const std::string name(brands->Name(brand));
  AIPS_ASSIGN_OR_RETURN(s.category, store_->CategoryOfBrand(name));
  const RuleSet& rs = store_->rules().ForCategory(s.category);
  s.max_window = rs.MaxWindow();
  s.fp = Hash64(fmt::format("brand|{:016x}|{}", store_->rules().Fingerprint(s.category), s.category));
  if (brand < store_->manifest().brands.size()) {
    s.first = store_->manifest().brands[brand].first_day;
    s.last = store_->manifest().brands[brand].last_day;
  }
  s.path = fmt::format("{}/snap/b{}.snap", store_->dir(), brand);
  return s;
}

Result<EmbeddedEngine::Subject> EmbeddedEngine::CategorySubject(const std::string& category) {
  Subject s;
  s.is_category = true;
  s.category = category;
  AIPS_ASSIGN_OR_RETURN(std::vector<std::string> names, store_->BrandsOfCategory(category));
  std::sort(names.begin(), names.end());
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, store_->dict(kDictBrand));
  std::string members;
  for (const std::string& n : names) {
    members += n + "\n";
    auto id = brands->Find(n);
    if (!id || *id >= store_->manifest().brands.size()) continue;
    const BrandInfo& bi = store_->manifest().brands[*id];
    if (bi.first_day == kNoDay) continue;
    s.brands.push_back(*id);
    s.first = s.first == kNoDay ? bi.first_day : std::min(s.first, bi.first_day);
    s.last = std::max(s.last, bi.last_day);
  }
  const RuleSet& rs = store_->rules().ForCategory(category);
  s.max_window = rs.MaxWindow();
  s.fp =
      Hash64(fmt::format("category|{:016x}|{}|{}", store_->rules().Fingerprint(category), category, members));
  s.path = fmt::format("{}/snap/c{}.snap", store_->dir(), HexName(category));
  return s;
}

Result<const SnapshotReader*> EmbeddedEngine::Snapshot(const Subject& s, Day day, Day* effective_day) {
  *effective_day = day;
  if (s.first == kNoDay || day < s.first) return nullptr;
  const Day eff = std::min(day, s.last + s.max_window);
  *effective_day = eff;
  SnapState st = StoredSnapState(s);
  uint64_t expected_fp = s.fp;  // the fingerprint the snapshot file must carry (newer after the lock)
  if (!st.Covers(s.fp, eff)) {
    if (const SnapshotReader* held = HeldInMemory(s, eff)) return held;  // storing it failed before
    Subject fresh = s;
    Status stored = StoreSnapshot(day, eff, &fresh);
    if (!stored.ok()) {
      // A full disk or a read-only directory does not stop a read: answer from memory.
      if (stored.code() != Status::Code::kIOError) return stored;
      return MemorySnapshot(fresh, day, eff, stored);
    }
    expected_fp = fresh.fp;
  }
  // A reader opened before another engine replaced the file is reopened once before the mismatch counts.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto& reader = readers_[s.path];
    if (!reader) {
      AIPS_ASSIGN_OR_RETURN(reader, SnapshotReader::Open(s.path));
    }
    if (reader->fingerprint() == expected_fp && reader->through() >= eff) return reader.get();
    RetireReader(s.path);
  }
  return Status::Corruption(fmt::format("{}: does not match the manifest (run 'aips check')", s.path));
}

Status EmbeddedEngine::StoreSnapshot(Day day, Day eff, Subject* s) {
  // A reader that stores what it computed holds the directory's lock only for that: a long-lived
  // engine (the server's) must not keep other writers out afterwards.
  const bool was_writable = store_->writable();
  struct GiveBack {
    Store* store;
    bool keep;
    ~GiveBack() {
      if (!keep) store->ReleaseWriteLock();
    }
  } give_back{store_.get(), was_writable};
  AIPS_RETURN_IF_ERROR(EnsureWritable());
  // Recompute the subject against the (possibly newer) manifest seen under the lock.
  if (s->is_category) {
    AIPS_ASSIGN_OR_RETURN(*s, CategorySubject(s->category));
  } else {
    AIPS_ASSIGN_OR_RETURN(*s, BrandSubject(s->brand));
  }
  const SnapState st = StoredSnapState(*s);
  if (st.Covers(s->fp, eff)) return Status::OK();
  return ComputeAndCommit({*s}, {ThroughFor(*s, day)}, nullptr);
}

Day EmbeddedEngine::ThroughFor(const Subject& s, Day day) const {
  return std::min(std::max(day, store_->manifest().LastDay()), s.last + s.max_window);
}

Result<const SnapshotReader*> EmbeddedEngine::MemorySnapshot(const Subject& s, Day day, Day eff,
                                                             const Status& why) {
  if (const SnapshotReader* held = HeldInMemory(s, eff)) return held;
  const Day through = ThroughFor(s, day);
  AIPS_ASSIGN_OR_RETURN(auto source, StoreEventSource::Open(*store_, s.first, through));
  AIPS_ASSIGN_OR_RETURN(Dictionary * channels, store_->dict(kDictChannel));
  AIPS_ASSIGN_OR_RETURN(SubjectOutput out, ComputeSubject(*source, *channels, s, through));
  AIPS_ASSIGN_OR_RETURN(auto reader,
                        SnapshotReader::FromBytes(std::move(out.snapshot), s.path + " (in memory)"));
  fmt::print(stderr, "aips: warning: could not store the snapshot {} ({}); answering from memory\n", s.path,
             why.message());
  auto& held = memory_readers_[s.path];
  if (held.reader) retired_readers_.push_back(std::move(held.reader));  // callers may still hold it
  held = {store_->manifest().generation, std::move(reader)};
  return held.reader.get();
}

const SnapshotReader* EmbeddedEngine::HeldInMemory(const Subject& s, Day eff) const {
  auto it = memory_readers_.find(s.path);
  if (it == memory_readers_.end()) return nullptr;
  const HeldSnapshot& held = it->second;
  const bool current = held.generation == store_->manifest().generation &&
                       held.reader->fingerprint() == s.fp && held.reader->through() >= eff;
  return current ? held.reader.get() : nullptr;
}

std::string EmbeddedEngine::StatePath(const Subject& s) {
  return s.path.substr(0, s.path.size() - 5) + ".state";  // snap/b3.snap -> snap/b3.state
}

SnapState EmbeddedEngine::StoredSnapState(const Subject& s) const {
  const Manifest& m = store_->manifest();
  if (s.is_category) {
    auto it = m.category_snaps.find(s.category);
    return it == m.category_snaps.end() ? SnapState{} : it->second;
  }
  return s.brand < m.brands.size() ? m.brands[s.brand].snap : SnapState{};
}

Result<SubjectOutput> EmbeddedEngine::ComputeSubject(const EventSource& source, const Dictionary& channels,
                                                     const Subject& s, Day through) {
  RuleMatcher matcher(store_->rules().ForCategory(s.category), channels);
  SubjectRun run{s.first, through};
  auto compute = [&](const ResumeFrom* resume) {
    return s.is_category ? ComputeCategory(source, s.brands, matcher, run, s.fp, resume)
                         : ComputeBrand(source, s.brand, store_->manifest().brands[s.brand].spus, matcher,
                                        run, s.fp, resume);
  };
  // Continue after the stored days when the stored snapshot and engine state are current (a daily
  // refresh then costs only the new days); otherwise, or if that fails, compute from the first day.
  const SnapState stored = StoredSnapState(s);
  if (stored.Covers(s.fp, s.first) && stored.through < through) {
    auto reader = SnapshotReader::Open(s.path);
    auto state = ReadFile(StatePath(s));
    if (reader.ok() && state.ok() && reader.value()->fingerprint() == s.fp &&
        reader.value()->through() == stored.through) {
      ResumeFrom resume{reader.value().get(), state.value()};
      Result<SubjectOutput> out = compute(&resume);
      if (out.ok()) {
        ++resumed_;
        return out;
      }
    }
  }
  return compute(nullptr);
}

Status EmbeddedEngine::ComputeAndCommit(std::vector<Subject> subjects, std::vector<Day> through,
                                        const std::function<void(const ComputeProgress&)>& progress) {
  if (subjects.empty()) return Status::OK();
  const auto started = std::chrono::steady_clock::now();
  struct AddTime {
    double* total;
    std::chrono::steady_clock::time_point t0;
    ~AddTime() { *total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }
  } add_time{&compute_seconds_, started};
  Day lo = kNoDay, hi = kNoDay;
  for (size_t i = 0; i < subjects.size(); ++i) {
    lo = lo == kNoDay ? subjects[i].first : std::min(lo, subjects[i].first);
    hi = std::max(hi, through[i]);
  }
  AIPS_ASSIGN_OR_RETURN(auto source, StoreEventSource::Open(*store_, lo, hi));
  AIPS_ASSIGN_OR_RETURN(Dictionary * channels, store_->dict(kDictChannel));
  std::atomic<size_t> next{0}, done{0};
  std::mutex mu;
  Status first_error;
  auto work = [&]() {
    for (;;) {
      const size_t i = next++;
      if (i >= subjects.size()) return;
      const Subject& s = subjects[i];
      Result<SubjectOutput> out = ComputeSubject(*source, *channels, s, through[i]);
      // The engine state is a cache (a missing or stale one means a full compute), so it is replaced
      // atomically but not fsync'd; the snapshot, which the manifest vouches for, is durable.
      Status st = out.ok() ? WriteFileAtomic(StatePath(s), out->state, false) : out.status();
      if (st.ok()) st = WriteFileAtomic(s.path, out->snapshot);
      std::lock_guard<std::mutex> l(mu);
      if (!st.ok() && first_error.ok()) first_error = st;
      ++done;
      if (progress)
        progress({done.load(), subjects.size(),
                  s.is_category ? "category " + s.category : "brand #" + std::to_string(s.brand),
                  resumed_.load()});
    }
  };
  const unsigned n_threads =
      std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), subjects.size());
  RunInParallel(static_cast<int>(n_threads), [&](int) { work(); });  // rethrows a worker's bad_alloc
  AIPS_RETURN_IF_ERROR(first_error);
  Manifest m = store_->manifest();
  for (size_t i = 0; i < subjects.size(); ++i) {
    const Subject& s = subjects[i];
    SnapState st{through[i], s.fp};
    if (s.is_category) {
      m.category_snaps[s.category] = st;
    } else {
      m.brands[s.brand].snap = st;
    }
    RetireReader(s.path);
  }
  return store_->CommitManifest(std::move(m));
}

Status EmbeddedEngine::Compute(std::optional<Day> until,
                               const std::function<void(const ComputeProgress&)>& progress) {
  AIPS_RETURN_IF_ERROR(EnsureWritable());
  const Manifest& m = store_->manifest();
  if (m.LastDay() == kNoDay) return Status::OK();
  const Day target = until.value_or(m.LastDay());
  std::vector<Subject> subjects;
  std::vector<Day> through;
  std::set<std::string> categories;
  auto want = [&](Subject s, SnapState st) {
    if (s.first == kNoDay || target < s.first) return;
    const Day t = std::min(target, s.last + s.max_window);
    if (st.Covers(s.fp, t)) return;  // already current
    subjects.push_back(std::move(s));
    through.push_back(t);
  };
  for (uint32_t b = 0; b < m.brands.size(); ++b) {
    if (m.brands[b].first_day == kNoDay) continue;
    AIPS_ASSIGN_OR_RETURN(Subject s, BrandSubject(b));
    categories.insert(s.category);
    want(std::move(s), m.brands[b].snap);
  }
  for (const std::string& c : categories) {
    AIPS_ASSIGN_OR_RETURN(Subject s, CategorySubject(c));
    auto it = m.category_snaps.find(c);
    want(std::move(s), it == m.category_snaps.end() ? SnapState{} : it->second);
  }
  return ComputeAndCommit(std::move(subjects), std::move(through), progress);
}

Result<StageSizes> EmbeddedEngine::SizesOn(const Resolved& r, Day day) {
  StageSizes out{};
  if (!r.brand) return out;
  AIPS_ASSIGN_OR_RETURN(Subject s, BrandSubject(*r.brand));
  Day eff;
  AIPS_ASSIGN_OR_RETURN(const SnapshotReader* snap, Snapshot(s, day, &eff));
  if (snap == nullptr) return out;
  AIPS_ASSIGN_OR_RETURN(StageCounts c, snap->Counts(r.scope, eff));
  for (int i = 0; i < kNumStages; ++i) out[i] = c[i];
  return out;
}

Result<std::vector<Roaring>> EmbeddedEngine::MembersOn(const Resolved& r, Day day) {
  if (!r.brand) return std::vector<Roaring>(kNumStages);
  AIPS_ASSIGN_OR_RETURN(Subject s, BrandSubject(*r.brand));
  Day eff;
  AIPS_ASSIGN_OR_RETURN(const SnapshotReader* snap, Snapshot(s, day, &eff));
  if (snap == nullptr) return std::vector<Roaring>(kNumStages);
  return snap->Members(r.scope, eff);
}

Result<StagesResult> EmbeddedEngine::Stages(const ScopeRef& scope, std::optional<Day> date) {
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(scope));
  StagesResult out;
  out.scope = scope;
  AIPS_ASSIGN_OR_RETURN(out.date, DateOrLast(date, store_->manifest().LastDay()));
  AIPS_ASSIGN_OR_RETURN(out.stages, SizesOn(r, out.date));
  return out;
}

Result<TrendResult> EmbeddedEngine::Trend(const ScopeRef& scope, std::optional<Day> from,
                                          std::optional<Day> to) {
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(scope));
  TrendResult out;
  out.scope = scope;
  AIPS_ASSIGN_OR_RETURN(out.to, DateOrLast(to, store_->manifest().LastDay()));
  AIPS_ASSIGN_OR_RETURN(out.from, TrendFrom(from, out.to, store_->manifest().FirstDay()));
  if (!r.brand) {
    out.days.assign(static_cast<size_t>(out.to - out.from + 1), StageSizes{});
    return out;
  }
  AIPS_ASSIGN_OR_RETURN(Subject s, BrandSubject(*r.brand));
  Day eff;
  AIPS_ASSIGN_OR_RETURN(const SnapshotReader* snap, Snapshot(s, out.to, &eff));
  for (Day d = out.from; d <= out.to; ++d) {
    StageSizes sz{};
    if (snap != nullptr && d >= snap->first_day()) {
      AIPS_ASSIGN_OR_RETURN(StageCounts c, snap->Counts(r.scope, std::min(d, eff)));
      for (int i = 0; i < kNumStages; ++i) sz[i] = c[i];
    }
    out.days.push_back(sz);
  }
  return out;
}

Result<FlowResult> EmbeddedEngine::Flow(const ScopeRef& scope, std::optional<Day> from,
                                        std::optional<Day> to) {
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(scope));
  FlowResult out;
  out.scope = scope;
  AIPS_ASSIGN_OR_RETURN(out.to, DateOrLast(to, store_->manifest().LastDay()));
  AIPS_ASSIGN_OR_RETURN(out.from, FlowFrom(from, out.to, store_->manifest().FirstDay()));
  if (r.brand) {
    // Each day as a view (its members in user order with their codes, decoded once and kept by this
    // engine: embedded/day_view.h), then one merge of the two views.
    AIPS_ASSIGN_OR_RETURN(Subject s, BrandSubject(*r.brand));
    Day eff1, eff0;
    AIPS_ASSIGN_OR_RETURN(const SnapshotReader* snap1, Snapshot(s, out.to, &eff1));
    AIPS_ASSIGN_OR_RETURN(const SnapshotReader* snap0, Snapshot(s, out.from, &eff0));
    const size_t users = store_->manifest().dicts[kDictUser].count;
    const uint64_t generation = store_->manifest().generation;
    static const DayView kNoMembers;
    const DayView* v0 = &kNoMembers;
    const DayView* v1 = &kNoMembers;
    if (snap0 != nullptr) {
      AIPS_ASSIGN_OR_RETURN(v0, day_views_.Get(generation, *snap0, r.scope, eff0, users));
    }
    if (snap1 != nullptr) {
      AIPS_ASSIGN_OR_RETURN(v1, day_views_.Get(generation, *snap1, r.scope, eff1, users));
    }
    day_views_.CountFlow(*v0, *v1, &out);
  }
  CountFlowMoves(&out);
  return out;
}

Result<PenetrationResult> EmbeddedEngine::Penetration(const ScopeRef& scope, std::optional<Day> date) {
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(scope));
  PenetrationResult out;
  out.scope = scope;
  AIPS_ASSIGN_OR_RETURN(out.date, DateOrLast(date, store_->manifest().LastDay()));
  AIPS_ASSIGN_OR_RETURN(out.category, store_->CategoryOfBrand(scope.brand));
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  out.category_listed = cat->CategoryOf(scope.brand).has_value();
  AIPS_ASSIGN_OR_RETURN(Subject cs, CategorySubject(out.category));
  Day eff;
  AIPS_ASSIGN_OR_RETURN(const SnapshotReader* crowd_snap, Snapshot(cs, out.date, &eff));
  if (crowd_snap == nullptr) return out;
  AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> crowd, crowd_snap->Members(kBrandScope, eff));
  out.category_crowd = crowd[0].cardinality();
  AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> members, MembersOn(r, out.date));
  for (int i = 0; i < kNumStages; ++i) out.in_crowd[i] = members[i].and_cardinality(crowd[0]);
  return out;
}

Result<InfoResult> EmbeddedEngine::Info() {
  InfoResult out;
  const Manifest& m = store_->manifest();
  out.data_dir = store_->dir();
  out.timezone = m.timezone.empty() ? store_->rules().timezone : m.timezone;
  out.events = m.TotalRows();
  AIPS_ASSIGN_OR_RETURN(Dictionary * users, store_->dict(kDictUser));
  out.users = m.dicts[kDictUser].count - users->tombstoned().size();  // numbered users, erased ones excluded
  out.first_day = m.FirstDay();
  out.last_day = m.LastDay();
  for (auto& s : m.segments)
    if (out.days.empty() || out.days.back() != s.day) out.days.push_back(s.day);
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, store_->dict(kDictBrand));
  AIPS_ASSIGN_OR_RETURN(Dictionary * spus, store_->dict(kDictSpu));
  AIPS_ASSIGN_OR_RETURN(Dictionary * campaigns, store_->dict(kDictCampaign));
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  std::set<std::string> seen;
  for (uint32_t b = 0; b < brands->size(); ++b) {
    BrandSummary bs;
    bs.name = std::string(brands->Name(b));
    bs.category = cat->CategoryOf(bs.name);
    if (b < m.brands.size()) {
      const BrandInfo& bi = m.brands[b];
      for (uint32_t s : bi.spus) bs.spus.emplace_back(spus->Name(s));
      std::sort(bs.spus.begin(), bs.spus.end());
      bs.events = bi.rows;
      bs.first_day = bi.first_day;
      bs.last_day = bi.last_day;
      bs.computed_through = bi.snap.through;
    }
    seen.insert(bs.name);
    out.brands.push_back(std::move(bs));
  }
  for (auto& [name, c] : cat->brand_category) {
    if (seen.count(name)) continue;
    BrandSummary bs;
    bs.name = name;
    bs.category = c;
    out.brands.push_back(std::move(bs));
  }
  std::sort(out.brands.begin(), out.brands.end(), [](auto& a, auto& b) { return a.name < b.name; });
  std::set<std::string> camp;
  for (uint32_t c = 0; c < campaigns->size(); ++c) camp.emplace(campaigns->Name(c));
  for (auto& [name, ci] : cat->campaigns) camp.insert(name);
  out.campaigns.assign(camp.begin(), camp.end());
  for (auto& [name, x] : cat->decision_cycle_days) out.categories.emplace_back(name, x);
  out.rules_toml = store_->rules().ToToml();
  out.rules_default = !FileExists(RulesPath(store_->dir()));
  return out;
}

Result<std::pair<Day, Day>> EmbeddedEngine::DataDays() {
  const Manifest& m = store_->manifest();
  return std::make_pair(m.FirstDay(), m.LastDay());
}

Result<std::vector<std::string>> EmbeddedEngine::BrandsOfCategory(const std::string& category) {
  return store_->BrandsOfCategory(category);
}

Result<std::string> EmbeddedEngine::BrandOfCampaign(const std::string& campaign) {
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  auto it = cat->campaigns.find(campaign);
  if (it != cat->campaigns.end()) return it->second.brand;
  // A campaign that only events name: its measures know its brand (found once per engine).
  if (auto known = event_campaign_brands_.find(campaign); known != event_campaign_brands_.end())
    return known->second;
  AIPS_ASSIGN_OR_RETURN(CampaignResult c, Campaign(campaign, std::nullopt));
  event_campaign_brands_[campaign] = c.brand;
  return c.brand;
}

}  // namespace aips
