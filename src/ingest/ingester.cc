// One ingest run (ingester.h). Over 500 lines on purpose: the run's steps (read, deduplicate, intern,
// store, commit) share the run's private state (IngestRun), and keeping them in one file keeps the order
// of the crash-safe commit readable in one place; the parsing, validation and side tables live in their
// own files (event_parser, side_rows, content_rows, row_source).
#include "ingest/ingester.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/bytes.h"
#include "common/date.h"
#include "common/decimal.h"
#include "common/file_util.h"
#include "common/hash_tables.h"
#include "common/huge_alloc.h"
#include "common/json_writer.h"
#include "common/memory_limit.h"
#include "common/parallel.h"
#include "fmt/format.h"
#include "ingest/content_rows.h"
#include "ingest/event_parser.h"
#include "ingest/event_pipe.h"
#include "ingest/hashed_id.h"
#include "ingest/progress.h"
#include "ingest/row_source.h"
#include "ingest/side_rows.h"
#include "store/attributes.h"
#include "store/content.h"
#include "store/experiments.h"
#include "store/first_party.h"
#include "store/id_runs.h"

namespace aips {

namespace {

class IngestRun {
 public:
  IngestRun(Store& store, const IngestOptions& opt)
      : store_(store), opt_(opt), m_(store.manifest()), mapper_(absl::UTCTimeZone()) {}

  Status Run(const std::vector<std::string>& files);
  Status RunBuffers(const std::vector<InputBuffer>& inputs);
  IngestResult& result() { return result_; }

 private:
  Status Prepare();
  Status IngestFile(const std::string& file);
  Status IngestData(const std::string& source, std::string_view data, const MappedFile* mapped);
  void Reject(const std::string& source, const InputRow& row, std::string_view field, std::string_view reason,
              bool redact = false);

  // An event row parsed (and validated) by the parsing thread: dedup, intern, store.
  void OnParsedEvent(const std::string& source, const PipedBatch& batch, const PipedRow& row, FileCounts* fc);
  void OnSideRow(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc);
  void OnAttributes(const std::string& source, const InputRow& row, FileCounts* fc);
  void OnExperiment(const std::string& source, const InputRow& row, FileCounts* fc);
  void OnFirstParty(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc);
  // Notes, messages and accounts (issue #9); their tables are loaded on the first such row.
  void OnContent(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc);
  Status LoadContent();
  void StoreEvent(const ParsedEvent& ev, Day day);
  // Turns a first-party order into a purchase event when the identity map knows its id.
  bool MatchOrder(const std::string& order_id, const PendingOrder& o);
  // Matches the kept unmatched orders against an identity map that grew in this run.
  void Rematch();
  Status Commit();

  Store& store_;
  const IngestOptions& opt_;
  Manifest m_;
  DayMapper mapper_;
  std::array<Dictionary*, kNumDicts> dicts_{};
  using Rows = std::vector<EventRow, HugeAllocator<EventRow>>;
  Rows& RowsOf(Day day);

  StoredIds stored_ids_;                        // ids of earlier ingests
  IdRunBuilder ids_;                            // ids of this run
  absl::flat_hash_map<Day, size_t> day_index_;  // day -> index into days_
  std::vector<std::pair<Day, Rows>> days_;      // the run's accepted rows, by local day
  Day last_day_ = kNoDay;
  size_t day_reserve_ = 1024;  // rows reserved for each new day (see RowsOf)
  Rows* last_rows_ = nullptr;
  Catalog catalog_;
  bool catalog_changed_ = false;
  UserAttributes attrs_;
  bool attrs_changed_ = false;
  Experiments experiments_;
  bool experiments_changed_ = false;
  FirstPartyData fp_;
  bool fp_changed_ = false, identity_changed_ = false;
  NotesTable notes_;
  ConsultData consult_;
  bool content_loaded_ = false, notes_changed_ = false, consult_changed_ = false;
  absl::flat_hash_set<uint64_t> forgotten_;  // users erased by `aips forget` (ForgetFingerprint)
  bool Forgotten(std::string_view user) const {
    return !forgotten_.empty() && forgotten_.contains(ForgetFingerprint(user));
  }
  // Rejects (redacted) a row of a user erased by `aips forget`; false when the user is not one.
  bool RefuseForgotten(const std::string& source, const InputRow& row, std::string_view field,
                       std::string_view user, FileCounts* fc) {
    if (!Forgotten(user)) return false;
    Reject(source, row, field, kForgottenUserReason, true);
    ++fc->rejected;
    return true;
  }
  std::string rejects_;
  IngestResult result_;
  uint64_t generation_ = 0;
};

Status IngestRun::Prepare() {
  generation_ = m_.generation + 1;
  const std::string& tz = store_.rules().timezone;
  if (!m_.timezone.empty() && m_.timezone != tz && !m_.segments.empty()) {
    return Status::InvalidArgument(fmt::format(
        "this data directory's events are in days of {}, but its rules say timezone = \"{}\"; the time zone "
        "cannot change once events are stored (ingest into a new data directory instead)",
        m_.timezone, tz));
  }
  AIPS_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(tz));
  mapper_ = DayMapper(zone);
  for (int k = 0; k < kNumDicts; ++k) {
    AIPS_ASSIGN_OR_RETURN(dicts_[k], store_.dict(k));
  }
  AIPS_ASSIGN_OR_RETURN(const Catalog* c, store_.catalog());
  catalog_ = *c;
  AIPS_ASSIGN_OR_RETURN(fp_, LoadFirstParty(store_.dir(), m_.firstparty_generation));
  AIPS_ASSIGN_OR_RETURN(attrs_, LoadAttributes(store_.dir(), m_.attributes_generation));
  AIPS_ASSIGN_OR_RETURN(experiments_, LoadExperiments(store_.dir(), m_.experiments_generation));
  AIPS_ASSIGN_OR_RETURN(stored_ids_, StoredIds::Open(store_.dir(), m_.id_runs));
  result_.rejects_file = fmt::format("{}/rejects/{}.jsonl", store_.dir(), generation_);
  forgotten_.insert(m_.forgotten.begin(), m_.forgotten.end());
  return Status::OK();
}

void IngestRun::Reject(const std::string& source, const InputRow& row, std::string_view field,
                       std::string_view reason, bool redact) {
  rejects_ += RejectRecord(source, row, field, reason, redact);
  rejects_ += '\n';
  ++result_.rejected;
  if (result_.first_errors.size() < 10) {
    result_.first_errors.push_back(
        fmt::format("{}:{}: {}{}{}", source, row.line, field, field.empty() ? "" : ": ", reason));
  }
}

IngestRun::Rows& IngestRun::RowsOf(Day day) {
  if (day == last_day_) return *last_rows_;
  auto [it, inserted] = day_index_.try_emplace(day, days_.size());
  if (inserted) {
    days_.emplace_back(day, Rows());  // may move the Rows objects: last_rows_ is reset below
    // Large reservations are mmap'ed and only the pages written are ever touched, so reserving for a busy
    // day up front costs address space, not memory, and saves the copies of doubling (unless address
    // space is scarce: IngestData).
    days_.back().second.reserve(day_reserve_);
  }
  last_day_ = day;
  last_rows_ = &days_[it->second].second;
  return *last_rows_;
}

void IngestRun::StoreEvent(const ParsedEvent& ev, Day day) {
  EventRow e;
  e.ts = ev.ts;
  e.amount = ev.amount;
  e.user = dicts_[kDictUser]->GetOrAdd(ev.user);
  e.brand = dicts_[kDictBrand]->GetOrAdd(ev.brand);
  e.spu = ev.spu.empty() ? kNoId : dicts_[kDictSpu]->GetOrAdd(ev.spu);
  e.campaign = ev.campaign.empty() ? kNoId : dicts_[kDictCampaign]->GetOrAdd(ev.campaign);
  e.note = ev.note.empty() ? kNoId : dicts_[kDictNote]->GetOrAdd(ev.note);
  e.channel = static_cast<uint16_t>(dicts_[kDictChannel]->GetOrAdd(ev.channel));
  e.action = static_cast<uint8_t>(ev.action);
  e.sentiment = static_cast<uint8_t>(ev.sentiment);
  RowsOf(day).push_back(e);
}

bool IngestRun::MatchOrder(const std::string& order_id, const PendingOrder& o) {
  auto user = fp_.identity.find(o.key);
  if (user == fp_.identity.end()) return false;
  const std::string event_id = "fp:" + order_id;
  const uint64_t h = Hash64(event_id);
  if (!stored_ids_.Contains(event_id, h)) ids_.Insert(event_id, h);
  ParsedEvent ev;
  ev.event_id = event_id;
  ev.ts = o.ts;
  ev.user = user->second;
  ev.brand = o.brand;
  ev.spu = o.spu;
  ev.action = Action::kPurchase;
  ev.amount = o.amount;
  ev.has_amount = true;
  ev.channel = "first_party";
  StoreEvent(ev, mapper_.LocalDay(ev.ts));
  ++fp_.matched;
  return true;
}

void IngestRun::OnFirstParty(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc) {
  FirstPartyRow r;
  RowError err;
  if (!ParseFirstPartyRow(kind, row, &r, &err)) {
    Reject(source, row, err.field, err.reason, err.redact);
    ++fc->rejected;
    return;
  }
  if (kind == TableKind::kIdentity) {
    if (RefuseForgotten(source, row, "user_id", r.user, fc)) return;
    if (!fp_.SetIdentity(r.key, r.user)) {
      ++result_.duplicates;
      ++fc->duplicates;
      return;
    }
    identity_changed_ = fp_changed_ = true;
    ++result_.accepted;
    ++fc->accepted;
    return;
  }
  const std::string order_event_id = "fp:" + r.order_id;
  const uint64_t order_hash = Hash64(order_event_id);
  if (stored_ids_.Contains(order_event_id, order_hash) || ids_.Contains(order_event_id, order_hash) ||
      fp_.unmatched.count(r.order_id)) {
    ++result_.duplicates;
    ++fc->duplicates;
    return;
  }
  ++fp_.orders;
  ++result_.orders;
  if (MatchOrder(r.order_id, r.order)) {
    ++result_.orders_matched;
    ++fc->matched;
  } else {
    fp_.unmatched.emplace(r.order_id, std::move(r.order));
  }
  fp_changed_ = true;
  ++result_.accepted;
  ++fc->accepted;
}

Status IngestRun::LoadContent() {
  if (content_loaded_) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(notes_, LoadNotes(store_.dir(), m_.notes_generation));
  AIPS_ASSIGN_OR_RETURN(consult_, LoadConsult(store_.dir(), m_.consult_generation));
  content_loaded_ = true;
  return Status::OK();
}

void IngestRun::OnContent(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc) {
  RowError err;
  auto rejected = [&] {
    Reject(source, row, err.field, err.reason, err.redact);
    ++fc->rejected;
  };
  // A keyed row replaces the stored one; true when that changed anything.
  auto upsert = [](auto& map, std::string id, auto value) {
    auto [it, fresh] = map.try_emplace(std::move(id), value);
    if (!fresh && it->second == value) return false;
    it->second = std::move(value);
    return true;
  };
  bool changed = false;
  if (kind == TableKind::kNotes) {
    std::string id;
    NoteRow n;
    if (!ParseNoteRow(row, &id, &n, &err)) return rejected();
    if (Forgotten(n.author)) n.author.clear();  // content stays; its link to an erased person does not
    changed = upsert(notes_.notes, std::move(id), std::move(n));
    notes_changed_ |= changed;
  } else if (kind == TableKind::kMessages) {
    Message m;
    if (!ParseMessageRow(row, &m, &err)) return rejected();
    if (RefuseForgotten(source, row, "user", m.user, fc)) return;
    changed = consult_.Add(std::move(m));
    consult_changed_ |= changed;
  } else {
    std::string id;
    Account a;
    if (!ParseAccountRow(row, &id, &a, &err)) return rejected();
    changed = upsert(consult_.accounts, std::move(id), std::move(a));
    consult_changed_ |= changed;
  }
  ++(changed ? result_.accepted : result_.duplicates);
  ++(changed ? fc->accepted : fc->duplicates);
}

void IngestRun::OnAttributes(const std::string& source, const InputRow& row, FileCounts* fc) {
  std::string_view user;
  std::vector<std::string> list;
  RowError err;
  if (!ParseAttributesRow(row, &user, &list, &err)) {
    Reject(source, row, err.field, err.reason, err.redact);
    ++fc->rejected;
    return;
  }
  if (RefuseForgotten(source, row, "user_id", user, fc)) return;
  if (attrs_.Set(dicts_[kDictUser]->GetOrAdd(user), list)) {
    attrs_changed_ = true;
    ++result_.accepted;
    ++fc->accepted;
  } else {
    ++result_.duplicates;
    ++fc->duplicates;
  }
}

void IngestRun::OnExperiment(const std::string& source, const InputRow& row, FileCounts* fc) {
  std::string_view campaign, user;
  bool treatment = false;
  RowError err;
  if (!ParseExperimentRow(row, &campaign, &user, &treatment, &err)) {
    Reject(source, row, err.field, err.reason, err.redact);
    ++fc->rejected;
    return;
  }
  if (RefuseForgotten(source, row, "user_id", user, fc)) return;
  const std::string c(campaign);
  switch (experiments_.Assign(c, dicts_[kDictUser]->GetOrAdd(user), treatment)) {
    case Experiments::Assigned::kNew:
      experiments_changed_ = true;
      ++result_.accepted;
      ++fc->accepted;
      return;
    case Experiments::Assigned::kSame:
      ++result_.duplicates;
      ++fc->duplicates;
      return;
    case Experiments::Assigned::kConflict:
      Reject(source, row, "group", ExperimentConflictReason(treatment, c), false);
      ++fc->rejected;
      return;
  }
}

void IngestRun::Rematch() {
  if (!identity_changed_) return;
  for (auto it = fp_.unmatched.begin(); it != fp_.unmatched.end();) {
    if (MatchOrder(it->first, it->second)) {
      ++result_.orders_rematched;
      it = fp_.unmatched.erase(it);
    } else {
      ++it;
    }
  }
}

void IngestRun::OnParsedEvent(const std::string& source, const PipedBatch& batch, const PipedRow& r,
                              FileCounts* fc) {
  if (r.rejected) {
    InputRow row;
    row.line = r.line;
    row.raw = batch.Text(r.raw);
    Reject(source, row, batch.Text(r.field), batch.Text(r.reason), r.redact);
    ++fc->rejected;
    return;
  }
  const ParsedEvent ev = batch.Event(r);
  {
    InputRow row;
    row.line = r.line;
    if (RefuseForgotten(source, row, "user_id", ev.user, fc)) return;
  }
  if (dicts_[kDictChannel]->size() >= 0xFFFF && dicts_[kDictChannel]->Find(ev.channel) == std::nullopt) {
    InputRow row;
    row.line = r.line;
    Reject(source, row, "channel", "too many distinct channels (at most 65535)");
    ++fc->rejected;
    return;
  }
  if (!ev.event_id.empty()) {
    if (r.stored_id || !ids_.Insert(ev.event_id, r.id_hash)) {
      ++result_.duplicates;
      ++fc->duplicates;
      return;
    }
  }
  StoreEvent(ev, r.day);
  ++result_.accepted;
  ++fc->accepted;
}

void IngestRun::OnSideRow(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc) {
  RowError err;
  switch (ApplySideRow(kind, row, &catalog_, &err)) {
    case SideOutcome::kRejected:
      Reject(source, row, err.field, err.reason);
      ++fc->rejected;
      return;
    case SideOutcome::kChanged:
      catalog_changed_ = true;
      ++result_.accepted;
      ++fc->accepted;
      return;
    case SideOutcome::kUnchanged:
      ++result_.duplicates;
      ++fc->duplicates;
      return;
  }
}

Status IngestRun::IngestFile(const std::string& file) {
  std::string owned;
  MappedFile mapped;
  std::string_view data;
  if (file == "-") {
    AIPS_ASSIGN_OR_RETURN(owned, ReadStdin());
    data = owned;
  } else {
    auto mf = MappedFile::Open(file);
    if (!mf.ok()) {
      const std::string what = fmt::format("cannot read input: {}", mf.status().message());
      return mf.status().IsOutOfMemory() ? Status::OutOfMemory(what) : Status::IOError(what);
    }
    mapped = std::move(mf).value();
    data = mapped.view();
  }
  return IngestData(file == "-" ? "<stdin>" : file, data, &mapped);
}

Status IngestRun::IngestData(const std::string& source, std::string_view data, const MappedFile* mapped) {
  AIPS_ASSIGN_OR_RETURN(FileFormat format, DetectFormat(data, opt_.kind, source));
  if (!format.ignored_columns.empty()) {
    std::string cols;
    for (auto& c : format.ignored_columns) cols += (cols.empty() ? "" : ", ") + c;
    fmt::print(stderr, "aips ingest: {}: ignoring column(s) not in the {} table: {}\n", source,
               TableKindName(format.kind), cols);
  }
  FileCounts fc;
  fc.source = source;
  fc.kind = format.kind;
  Progress progress(
      opt_.progress,
      fmt::format("ingest {}", source.size() > 30 ? "..." + source.substr(source.size() - 27) : source),
      data.size());
  if (format.kind == TableKind::kEvents) {
    // Reserve the id set for this file's rows, estimated from the first MiB.
    std::string_view sample = data.substr(0, 1 << 20);
    const size_t lines =
        std::max<size_t>(1, static_cast<size_t>(std::count(sample.begin(), sample.end(), '\n')));
    const size_t rows = data.size() / std::max<size_t>(1, sample.size() / lines) + 16;
    ids_.Expect(rows);  // reserved for ids that are not numeric, when the first one arrives
    // Under an address-space limit these reservations (room for the whole file's rows on every day it
    // touches: 90 x 84 MiB for a file of 2.2 M events) fail long before memory runs out; the day vectors
    // then grow as they fill (docs/reliability.md, "Memory limits").
    day_reserve_ = AddressSpaceIsScarce() ? 1024 : std::clamp<size_t>(rows, 1024, size_t{4} << 20);
  }
  auto on_progress = [&](size_t done) {
    progress.Update(done);
    if (mapped) mapped->DropPrefix(done);  // rows before `done` are consumed: keep resident memory flat
  };
  if (format.kind == TableKind::kEvents) {
    // Parsing and validation on a second thread; dedup, interning and storing here, in input order.
    PipeEvents(data, format, mapper_, stored_ids_, on_progress, [&](const PipedBatch& batch) {
      // The user and note dictionaries outgrow the caches: their lookups are prefetched kAhead rows early.
      constexpr size_t kAhead = 16;
      const std::vector<PipedRow>& rows = batch.rows;
      auto prefetch = [&](const PipedRow& r) {
        if (r.rejected) return;
        dicts_[kDictUser]->Prefetch(batch.Text(r.text[PipedRow::kUser]));
        if (r.text[PipedRow::kNote].second != 0)
          dicts_[kDictNote]->Prefetch(batch.Text(r.text[PipedRow::kNote]));
      };
      for (size_t i = 0; i < std::min(kAhead, rows.size()); ++i) prefetch(rows[i]);
      for (size_t i = 0; i < rows.size(); ++i) {
        if (i + kAhead < rows.size()) prefetch(rows[i + kAhead]);
        OnParsedEvent(source, batch, rows[i], &fc);
      }
    });
    progress.Done();
    result_.files.push_back(fc);
    return Status::OK();
  }
  if (IsContentKind(format.kind)) AIPS_RETURN_IF_ERROR(LoadContent());
  ForEachRow(
      data, format,
      [&](const InputRow& row) {
        if (format.kind == TableKind::kAttributes) {
          OnAttributes(source, row, &fc);
        } else if (format.kind == TableKind::kExperiments) {
          OnExperiment(source, row, &fc);
        } else if (IsContentKind(format.kind)) {
          OnContent(source, format.kind, row, &fc);
        } else if (format.kind == TableKind::kOrders || format.kind == TableKind::kIdentity) {
          OnFirstParty(source, format.kind, row, &fc);
        } else {
          OnSideRow(source, format.kind, row, &fc);
        }
      },
      on_progress);
  progress.Done();
  result_.files.push_back(fc);
  return Status::OK();
}

// Long on purpose: the commit is one ordered sequence of writes (segments, dictionaries, id runs, side
// tables, then the manifest rename); keeping it in one function keeps the crash-safety order visible.
Status IngestRun::Commit() {
  const std::string& dir = store_.dir();
  ids_.Seal();  // its hash set is only needed while rows arrive; freed before the segments are encoded
  Manifest next = m_;
  next.generation = generation_;
  // 1. Event segments, one per day touched, rows in segment order, sorted and written on two threads.
  if (!days_.empty()) {
    std::sort(days_.begin(), days_.end(), [](auto& a, auto& b) { return a.first < b.first; });
    Status errors[2];
    auto work = [&](int t) {
      for (size_t k = static_cast<size_t>(t); k < days_.size(); k += 2) {
        auto& [d, rows] = days_[k];
        std::sort(rows.begin(), rows.end(), SegmentOrder);
        SegmentInfo si{d, generation_, rows.size()};
        Status s = WriteAt(SegmentPath(dir, si), 0,
                           EncodeSegment(d, std::span<const EventRow>(rows.data(), rows.size())));
        if (!s.ok() && errors[t].ok()) errors[t] = s;
      }
    };
    RunInParallel(2, work);
    for (auto& e : errors) AIPS_RETURN_IF_ERROR(e);
    for (auto& [d, rows] : days_) next.segments.push_back({d, generation_, rows.size()});
    SortSegments(&next.segments);
    // Brand facts and snapshot invalidation.
    next.brands.resize(dicts_[kDictBrand]->size());
    std::vector<std::vector<uint32_t>> spus(next.brands.size());  // a brand's SPUs of each day (repeats)
    std::vector<Day> min_day(next.brands.size(), kNoDay), max_day(next.brands.size(), kNoDay);
    std::vector<uint64_t> count(next.brands.size(), 0);
    for (auto& [day, rows] : days_) {
      uint32_t last_brand = kNoId, last_spu = kNoId;
      for (const EventRow& r : rows) {  // sorted by (brand, spu, ...)
        ++count[r.brand];
        if (r.brand == last_brand && r.spu == last_spu) continue;
        if (r.spu != kNoId) spus[r.brand].push_back(r.spu);
        if (min_day[r.brand] == kNoDay || day < min_day[r.brand]) min_day[r.brand] = day;
        if (max_day[r.brand] == kNoDay || day > max_day[r.brand]) max_day[r.brand] = day;
        last_brand = r.brand;
        last_spu = r.spu;
      }
    }
    for (uint32_t b = 0; b < next.brands.size(); ++b) {
      if (count[b] == 0) continue;
      BrandInfo& bi = next.brands[b];
      for (uint32_t s : spus[b])
        if (!std::binary_search(bi.spus.begin(), bi.spus.end(), s))
          bi.spus.insert(std::upper_bound(bi.spus.begin(), bi.spus.end(), s), s);
      bi.first_day = bi.first_day == kNoDay ? min_day[b] : std::min(bi.first_day, min_day[b]);
      bi.last_day = std::max(bi.last_day, max_day[b]);
      bi.rows += count[b];
      if (bi.snap.through != kNoDay && bi.snap.through >= min_day[b]) bi.snap.through = min_day[b] - 1;
      std::string name(dicts_[kDictBrand]->Name(b));
      auto cat = catalog_.CategoryOf(name);
      auto it = next.category_snaps.find(cat ? *cat : "brand:" + name);
      if (it != next.category_snaps.end() && it->second.through >= min_day[b])
        it->second.through = min_day[b] - 1;
    }
    if (next.timezone.empty()) next.timezone = store_.rules().timezone;
  }
  // 2. Dictionaries, ids, side tables, rejects.
  for (int k = 0; k < kNumDicts; ++k) {
    AIPS_ASSIGN_OR_RETURN(next.dicts[k], dicts_[k]->Flush(DictPath(dir, k, next.dicts[k].file_gen)));
  }
  if (!ids_.empty()) {
    AIPS_RETURN_IF_ERROR(WriteIdRun(dir, generation_, std::move(ids_)));
    next.id_runs.push_back(generation_);
  }
  if (catalog_changed_) {
    AIPS_RETURN_IF_ERROR(SaveCatalog(dir, generation_, catalog_));
    next.tables_generation = generation_;
  }
  if (attrs_changed_) {
    AIPS_RETURN_IF_ERROR(SaveAttributes(dir, generation_, attrs_));
    next.attributes_generation = generation_;
  }
  if (experiments_changed_) {
    AIPS_RETURN_IF_ERROR(SaveExperiments(dir, generation_, experiments_));
    next.experiments_generation = generation_;
  }
  if (fp_changed_) {
    AIPS_RETURN_IF_ERROR(SaveFirstParty(dir, generation_, fp_));
    next.firstparty_generation = generation_;
  }
  if (notes_changed_) {
    AIPS_RETURN_IF_ERROR(SaveNotes(dir, generation_, notes_));
    next.notes_generation = generation_;
  }
  if (consult_changed_) {
    AIPS_RETURN_IF_ERROR(SaveConsult(dir, generation_, consult_));
    next.consult_generation = generation_;
  }
  result_.orders_unmatched_total = fp_.unmatched.size();
  result_.orders_total = fp_.orders;
  result_.orders_matched_total = fp_.matched;
  AIPS_RETURN_IF_ERROR(WriteAt(result_.rejects_file, 0, rejects_));
  AIPS_RETURN_IF_ERROR(SyncDir(dir + "/seg"));
  // 3. The commit.
  AIPS_RETURN_IF_ERROR(store_.CommitManifest(std::move(next)));
  return Status::OK();
}

Status IngestRun::Run(const std::vector<std::string>& files) {
  AIPS_RETURN_IF_ERROR(store_.RemoveGarbage());
  AIPS_RETURN_IF_ERROR(Prepare());
  for (const std::string& f : files) {
    AIPS_RETURN_IF_ERROR(IngestFile(f));
  }
  Rematch();
  return Commit();
}

Status IngestRun::RunBuffers(const std::vector<InputBuffer>& inputs) {
  AIPS_RETURN_IF_ERROR(store_.RemoveGarbage());
  AIPS_RETURN_IF_ERROR(Prepare());
  for (const InputBuffer& in : inputs) {
    AIPS_RETURN_IF_ERROR(IngestData(in.name, in.data, nullptr));
  }
  Rematch();
  return Commit();
}

}  // namespace

Result<IngestResult> IngestBuffers(Store& store, const std::vector<InputBuffer>& inputs,
                                   const IngestOptions& options) {
  IngestRun run(store, options);
  AIPS_RETURN_IF_ERROR(run.RunBuffers(inputs));
  return std::move(run.result());
}

Result<IngestResult> Ingest(Store& store, const std::vector<std::string>& files,
                            const IngestOptions& options) {
  IngestRun run(store, options);
  AIPS_RETURN_IF_ERROR(run.Run(files));
  return std::move(run.result());
}

}  // namespace aips
