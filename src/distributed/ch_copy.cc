#include "distributed/ch_copy.h"

#include <map>

#include "absl/container/flat_hash_map.h"
#include "common/bytes.h"
#include "common/crypto.h"
#include "common/file_util.h"
#include "distributed/ch_content.h"
#include "distributed/ch_loader.h"
#include "distributed/ch_tenants.h"
#include "distributed/ch_user_rows.h"
#include "fmt/format.h"
#include "ingest/hashed_id.h"
#include "store/attributes.h"
#include "store/content.h"
#include "store/crowds.h"
#include "store/experiments.h"
#include "store/first_party.h"
#include "store/id_runs.h"

namespace aips {

namespace {

constexpr size_t kIdBatch = 500000;

// "<id_type>\t<id_hash>" of an identity key (docs/first-party.md), or "" for a key of an unknown type.
std::string KeyColumns(const std::string& key) {
  const auto type = static_cast<uint8_t>(key.empty() ? 0xff : key[0]);
  if (type >= std::size(kIdTypeNames) || key.size() != 33) return "";
  return fmt::format("{}\t{}", kIdTypeNames[type], HexOf(std::string_view(key).substr(1)));
}

class Copy {
 public:
  Copy(Store& store, ChStore& ch, ChTenantStore& tenants, bool progress)
      : store_(store), ch_(ch), tenants_(tenants), progress_(progress) {}
  Result<CopyResult> Run();

 private:
  Status Rules();
  Status Catalog();
  Status FirstParty();
  Status Events();
  Status Content();
  Status ImportedIds();
  Status Attributes();
  Status Assignments();
  Status Crowds();
  Status Tenants();

  Store& store_;
  ChStore& ch_;
  ChTenantStore& tenants_;
  bool progress_;
  uint64_t version_ = ChVersion();
  CopyResult out_;
};

Status Copy::Rules() {
  if (!FileExists(RulesPath(store_.dir()))) return Status::OK();  // the defaults: nothing to copy
  AIPS_ASSIGN_OR_RETURN(std::string toml, ReadFile(RulesPath(store_.dir())));
  AIPS_ASSIGN_OR_RETURN(aips::Rules stored, ch_.LoadRules());
  AIPS_ASSIGN_OR_RETURN(ChRows n, ch_.Select(fmt::format("SELECT count() FROM {}", ch_.Table("rules"))));
  const bool has_rules = !n.empty() && n[0].at(0) != "0";
  if (has_rules && stored.ToToml() == store_.rules().ToToml()) return Status::OK();
  // The events' days are in the rules' zone: a database holding events in another zone cannot take these.
  AIPS_ASSIGN_OR_RETURN(auto days, ch_.DataDays());
  if (days.first != kNoDay && stored.timezone != store_.rules().timezone) {
    return Status::InvalidArgument(
        fmt::format("{} holds events in time zone {}, {} uses {}: copy into an empty database",
                    ch_.Describe(), stored.timezone, store_.dir(), store_.rules().timezone));
  }
  AIPS_RETURN_IF_ERROR(ch_.SaveRules(toml));
  out_.rules_copied = true;
  return Status::OK();
}

Status Copy::Catalog() {
  AIPS_ASSIGN_OR_RETURN(const aips::Catalog* mine, store_.catalog());
  AIPS_ASSIGN_OR_RETURN(aips::Catalog theirs, ch_.LoadCatalog());
  aips::Catalog merged = theirs;
  for (auto& [k, v] : mine->decision_cycle_days) merged.decision_cycle_days[k] = v;
  for (auto& [k, v] : mine->brand_category) merged.brand_category[k] = v;
  for (auto& [k, v] : mine->campaigns) merged.campaigns[k] = v;
  for (auto& [k, v] : mine->spend) merged.spend[k] = v;
  out_.catalog_changed = merged != theirs;
  return ch_.SaveCatalogChanges(theirs, merged, version_);
}

// The identity map and the orders no identity matched yet. A matched order lives on in DIR only as its
// purchase event (copied with the events) and its id "fp:<order_id>" (copied into imported_ids).
Status Copy::FirstParty() {
  AIPS_ASSIGN_OR_RETURN(FirstPartyData fp,
                        LoadFirstParty(store_.dir(), store_.manifest().firstparty_generation));
  FirstPartyData stored;
  std::set<std::string> stored_orders;
  AIPS_RETURN_IF_ERROR(ch_.LoadFirstParty(&stored, &stored_orders));
  std::string identity, orders;
  for (auto& [key, user] : fp.identity) {
    auto it = stored.identity.find(key);
    const std::string cols = KeyColumns(key);
    if ((it != stored.identity.end() && it->second == user) || cols.empty()) continue;
    identity += cols + '\t';
    AppendTsv(user, &identity);
    identity += fmt::format("\t{}\n", version_);
    ++out_.identity_links;
  }
  for (auto& [id, o] : fp.unmatched) {
    const std::string cols = KeyColumns(o.key);
    if (stored_orders.count(id) || cols.empty()) continue;
    AppendTsv(id, &orders);
    orders += '\t' + cols + fmt::format("\t{}\t", o.ts);
    AppendTsv(o.brand, &orders);
    orders += '\t';
    AppendTsv(o.spu, &orders);
    orders += fmt::format("\t{}\t{}\n", o.amount, version_);
    ++out_.orders;
  }
  AIPS_RETURN_IF_ERROR(ch_.InsertEverywhere("identity", "id_type, id_hash, user_id, version", identity));
  return ch_.InsertEverywhere("orders", "order_id, id_type, id_hash, ts, brand, spu, amount, version",
                              orders);
}

// Long on purpose: one pass over every stored event, day by day, turning dictionary ids back into names.
Status Copy::Events() {
  std::array<Dictionary*, kNumDicts> dict{};
  for (int k = 0; k < kNumDicts; ++k) {
    AIPS_ASSIGN_OR_RETURN(dict[static_cast<size_t>(k)], store_.dict(k));
  }
  auto name = [&](int kind, uint32_t id) -> std::string_view {
    return id == kNoId ? std::string_view() : dict[static_cast<size_t>(kind)]->Name(id);
  };
  std::vector<Day> days;
  for (const SegmentInfo& s : store_.manifest().segments)
    if (days.empty() || days.back() != s.day) days.push_back(s.day);
  ChEventWriter writer(ch_);
  // Users are numbered in the directory's order (its user ids) before any event: exports and lookalike
  // ties then order users as the directory does.
  for (uint32_t u = 0; u < dict[kDictUser]->size(); ++u) {
    const std::string_view id = dict[kDictUser]->Name(u);
    if (!IsTombstone(id)) writer.SeeUser(Hash64(id), id);
  }
  std::vector<bool> seen_user(dict[kDictUser]->size());
  uint64_t added = 0;
  std::string content;
  for (size_t i = 0; i < days.size(); ++i) {
    const Day day = days[i];
    // A copied event's key: its content and its occurrence among identical events of its day.
    absl::flat_hash_map<uint64_t, uint32_t> occurrences;
    AIPS_ASSIGN_OR_RETURN(std::vector<const Segment*> segs, store_.SegmentsOfDay(day));
    for (const Segment* seg : segs) {
      for (uint32_t b : seg->Brands()) {
        AIPS_ASSIGN_OR_RETURN(BrandBlock blk, seg->Block(b));
        for (size_t r = 0; r < blk.n; ++r) {
          ParsedEvent ev;
          ev.user = name(kDictUser, blk.user[r]);
          ev.brand = name(kDictBrand, b);
          ev.spu = name(kDictSpu, blk.spu[r]);
          ev.campaign = name(kDictCampaign, blk.campaign[r]);
          ev.note = name(kDictNote, blk.note[r]);
          ev.channel = name(kDictChannel, blk.channel[r]);
          ev.ts = blk.ts[r];
          ev.amount = blk.amount[r];
          ev.action = static_cast<Action>(blk.action[r]);
          ev.sentiment = static_cast<Sentiment>(blk.sentiment[r]);
          content.clear();
          for (std::string_view f : {ev.user, ev.brand, ev.spu, ev.campaign, ev.note, ev.channel}) {
            content += f;
            content += '\x1f';
          }
          content += fmt::format("{}\x1f{}\x1f{}\x1f{}", ev.ts, ev.amount, blk.action[r], blk.sentiment[r]);
          const uint64_t h = Hash64(content);
          const uint32_t k = occurrences[h]++;
          AIPS_RETURN_IF_ERROR(writer.Add(ev, Hash64(fmt::format("copy:{:016x}#{}", h, k)), day, 0));
          if (blk.user[r] < seen_user.size() && !seen_user[blk.user[r]]) {
            seen_user[blk.user[r]] = true;
            ++out_.users;
          }
          ++added;
        }
      }
    }
    if (progress_) {
      fmt::print(stderr, "aips copy: events of {} ({} of {} days), {} events so far\n", FormatDate(day),
                 i + 1, days.size(), added);
    }
  }
  AIPS_RETURN_IF_ERROR(writer.Finish());
  out_.events_present = writer.TakeDuplicates().size();
  out_.events = added - out_.events_present;
  return Status::OK();
}

Status Copy::Content() {
  const Manifest& m = store_.manifest();
  AIPS_ASSIGN_OR_RETURN(NotesTable notes, LoadNotes(store_.dir(), m.notes_generation));
  AIPS_ASSIGN_OR_RETURN(ConsultData consult, LoadConsult(store_.dir(), m.consult_generation));
  AIPS_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(store_.rules().timezone));
  ChContentLoad load(ch_, version_, zone);
  for (auto& [id, n] : notes.notes) {
    AIPS_ASSIGN_OR_RETURN(ChContentLoad::Outcome o, load.AddNote(id, n));
    out_.notes += o == ChContentLoad::Outcome::kChanged;
  }
  for (auto& [id, a] : consult.accounts) {
    AIPS_ASSIGN_OR_RETURN(ChContentLoad::Outcome o, load.AddAccount(id, a));
    out_.accounts += o == ChContentLoad::Outcome::kChanged;
  }
  uint64_t added = 0;
  for (const Message& msg : consult.messages) {  // in arrival order, which breaks ties of first messages
    AIPS_ASSIGN_OR_RETURN(ChContentLoad::Outcome o, load.AddMessage(msg, 0));
    added += o == ChContentLoad::Outcome::kChanged;
  }
  std::vector<uint32_t> present;
  AIPS_RETURN_IF_ERROR(load.Commit(&present));
  out_.messages_present = present.size();
  out_.messages = added - present.size();
  return Status::OK();
}

// Every event id DIR has seen, by id run; a run is written whole, or completed by the ids it lacks.
Status Copy::ImportedIds() {
  const std::vector<uint64_t>& runs = store_.manifest().id_runs;
  AIPS_ASSIGN_OR_RETURN(StoredIds ids, StoredIds::Open(store_.dir(), runs));
  AIPS_ASSIGN_OR_RETURN(ChRows have, ch_.Select(fmt::format("SELECT run, count() FROM {} GROUP BY run",
                                                            ch_.Table("imported_ids"))));
  std::map<uint64_t, uint64_t> stored;
  for (auto& r : have) stored[ChU64(r.at(0))] = ChU64(r.at(1));
  for (size_t i = 0; i < runs.size(); ++i) {
    if (stored[runs[i]] == ids.RunSize(i)) continue;
    std::vector<uint64_t> batch;
    auto flush = [&]() -> Status {
      std::string keys;
      for (uint64_t k : batch) fmt::format_to(std::back_inserter(keys), "{}\n", k);
      AIPS_ASSIGN_OR_RETURN(auto present,
                            ch_.FoundKeys(fmt::format("SELECT key FROM {} WHERE run = {} AND key IN _keys",
                                                      ch_.Table("imported_ids"), runs[i]),
                                          keys));
      std::string rows;
      for (uint64_t k : batch) {
        if (present.contains(k)) continue;
        fmt::format_to(std::back_inserter(rows), "{}\t{}\n", runs[i], k);
        ++out_.imported_ids;
      }
      batch.clear();
      return ch_.InsertEverywhere("imported_ids", "run, key", rows);
    };
    // Numeric ids are stored exactly: ForEachHash formats each back to its string and hashes it, so the
    // keys equal Hash64(event_id) as ChLoad computes them.
    AIPS_RETURN_IF_ERROR(ids.ForEachHash(i, [&](uint64_t hash) -> Status {
      batch.push_back(hash);
      return batch.size() >= kIdBatch ? flush() : Status::OK();
    }));
    if (!batch.empty()) AIPS_RETURN_IF_ERROR(flush());
  }
  return Status::OK();
}

// Each user's tags, a batch of users at a time: the stored tags of the batch are read once, and only
// users whose tags differ are written.
Status Copy::Attributes() {
  const Manifest& m = store_.manifest();
  if (m.attributes_generation == 0) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(UserAttributes attrs, LoadAttributes(store_.dir(), m.attributes_generation));
  AIPS_ASSIGN_OR_RETURN(Dictionary * users, store_.dict(kDictUser));
  std::vector<std::vector<const std::string*>> tags_of(users->size());
  for (const auto& [tag, members] : attrs.tags) {
    for (uint32_t u : members)
      if (u < tags_of.size()) tags_of[u].push_back(&tag);
  }
  for (uint32_t lo = 0; lo < users->size(); lo += kIdBatch) {
    const auto hi = static_cast<uint32_t>(std::min<size_t>(users->size(), lo + kIdBatch));
    auto tagged = [&](uint32_t u) { return !tags_of[u].empty() && !IsTombstone(users->Name(u)); };
    absl::flat_hash_set<uint64_t> batch;
    for (uint32_t u = lo; u < hi; ++u)
      if (tagged(u)) batch.insert(Hash64(users->Name(u)));
    ChAttributesLoad load(ch_);
    AIPS_RETURN_IF_ERROR(load.PrepareUsers(batch));
    for (uint32_t u = lo; u < hi; ++u) {
      if (!tagged(u)) continue;
      std::vector<std::string> tags;
      for (const std::string* t : tags_of[u]) tags.push_back(*t);
      out_.attribute_users += load.Apply(Hash64(users->Name(u)), std::move(tags));
    }
    AIPS_RETURN_IF_ERROR(load.Commit(version_));
  }
  return Status::OK();
}

// Every experiment assignment (one lookup of the stored groups of the assigned users, then the new ones).
Status Copy::Assignments() {
  AIPS_ASSIGN_OR_RETURN(Experiments e,
                        LoadExperiments(store_.dir(), store_.manifest().experiments_generation));
  if (e.campaigns.empty()) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(Dictionary * users, store_.dict(kDictUser));
  absl::flat_hash_set<uint64_t> assigned;
  auto each = [&](auto&& fn) {
    for (auto& [campaign, g] : e.campaigns) {
      for (bool treatment : {true, false}) {
        for (uint32_t u : treatment ? g.treatment : g.control)
          if (u < users->size() && !IsTombstone(users->Name(u)))
            fn(campaign, Hash64(users->Name(u)), treatment);
      }
    }
  };
  each([&](const std::string&, uint64_t h, bool) { assigned.insert(h); });
  ChExperimentsLoad load(ch_);
  AIPS_RETURN_IF_ERROR(load.PrepareUsers(assigned));
  each([&](const std::string& campaign, uint64_t h, bool treatment) {
    out_.assignments += load.Assign(campaign, h, treatment) == Experiments::Assigned::kNew;
  });
  return load.Commit(version_);
}

// Every version of every saved crowd, with its time, definition and members (each on its shard). A version
// the database holds already (same time and definition) is skipped; members a killed copy stored are not
// written twice; the registry row goes last, so a version is listed only once its members are all stored.
Status Copy::Crowds() {
  AIPS_ASSIGN_OR_RETURN(std::vector<SavedCrowd> crowds, LoadCrowds(store_.dir()));
  if (crowds.empty()) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(ChRows reg,
                        ch_.Select(fmt::format("SELECT tenant, name, version, saved_at, definition "
                                               "FROM {}",
                                               ch_.Table("saved_crowds"))));
  std::map<std::tuple<std::string, std::string, uint64_t>, std::pair<int64_t, std::string>> stored;
  for (auto& r : reg) stored[{r.at(0), r.at(1), ChU64(r.at(2))}] = {ChI64(r.at(3)), r.at(4)};
  AIPS_ASSIGN_OR_RETURN(Dictionary * users, store_.dict(kDictUser));
  for (size_t i = 0; i < crowds.size(); ++i) {
    const SavedCrowd& c = crowds[i];
    auto it = stored.find({c.tenant, c.name, c.version});
    if (it != stored.end()) {
      if (it->second != std::make_pair(c.saved_at, c.definition)) {
        out_.skipped.push_back(fmt::format(
            "saved crowd '{}' version {} of tenant '{}': the database has a different version {} of it",
            c.name, c.version, c.tenant, c.version));
      }
      continue;
    }
    const std::string where = fmt::format("tenant = {} AND name = {} AND version = {}", ChQuote(c.tenant),
                                          ChQuote(c.name), c.version);
    const Roaring members = Roaring::readSafe(c.members.data(), c.members.size());
    std::vector<uint64_t> hashes;
    for (uint32_t u : members)
      if (u < users->size() && !IsTombstone(users->Name(u))) hashes.push_back(Hash64(users->Name(u)));
    absl::flat_hash_set<uint64_t> present;
    AIPS_ASSIGN_OR_RETURN(uint64_t have, ch_.SumOverShards(fmt::format("SELECT count() FROM {} WHERE {}",
                                                                       ch_.Table("crowd_members"), where)));
    if (have > 0) {
      std::string keys;
      for (uint64_t h : hashes) fmt::format_to(std::back_inserter(keys), "{}\n", h);
      AIPS_ASSIGN_OR_RETURN(present,
                            ch_.FoundKeys(fmt::format("SELECT user FROM {} WHERE {} AND user IN _keys",
                                                      ch_.Table("crowd_members"), where),
                                          keys));
    }
    std::vector<std::string> by_shard(ch_.shards());
    for (uint64_t h : hashes) {
      if (present.contains(h)) continue;
      std::string& rows = by_shard[ch_.ShardOf(h)];
      AppendTsv(c.tenant, &rows);
      rows += '\t';
      AppendTsv(c.name, &rows);
      rows += fmt::format("\t{}\t{}\n", c.version, h);
    }
    for (size_t s = 0; s < by_shard.size(); ++s) {
      if (by_shard[s].empty()) continue;
      AIPS_RETURN_IF_ERROR(ch_.InsertShard(s, ch_.Local("crowd_members"), "tenant, name, version, user",
                                           by_shard[s], "TabSeparated"));
    }
    // The directory's order of saving: its seconds, then its place in the file.
    const uint64_t saved_us = static_cast<uint64_t>(std::max<int64_t>(c.saved_at, 0)) * 1000000 + i;
    AIPS_RETURN_IF_ERROR(ch_.InsertEverywhere("saved_crowds",
                                              "tenant, name, version, saved_at, definition, size, saved_us",
                                              ChSavedCrowdRow(c, saved_us)));
    ++out_.crowds;
  }
  return Status::OK();
}

Status Copy::Tenants() {
  AIPS_ASSIGN_OR_RETURN(TenantRegistry reg, TenantRegistry::Load(store_.dir()));
  AIPS_ASSIGN_OR_RETURN(ChTenantStore::Imported n, tenants_.Import(reg, &out_.skipped));
  out_.tenants = n.tenants;
  out_.tenant_brands = n.brands;
  out_.keys = n.keys;
  return Status::OK();
}

Result<CopyResult> Copy::Run() {
  out_.source = store_.dir();
  out_.target = ch_.Describe();
  // Rules first (the events' days are in their zone), then events (the bulk, resumable by key), then
  // what refers to them; a kill at any point leaves what a re-run completes.
  AIPS_RETURN_IF_ERROR(Rules());
  AIPS_RETURN_IF_ERROR(Catalog());
  AIPS_RETURN_IF_ERROR(ImportedIds());
  AIPS_RETURN_IF_ERROR(Events());
  AIPS_RETURN_IF_ERROR(FirstParty());
  AIPS_RETURN_IF_ERROR(Content());
  AIPS_RETURN_IF_ERROR(Attributes());
  AIPS_RETURN_IF_ERROR(Assignments());
  AIPS_RETURN_IF_ERROR(Crowds());
  AIPS_RETURN_IF_ERROR(Tenants());
  std::string load = fmt::format("{}\t", version_);
  AppendTsv("copy of " + store_.dir(), &load);
  load += fmt::format("\t{}\t{}\t0\n", out_.events, out_.events_present);
  AIPS_RETURN_IF_ERROR(ch_.InsertEverywhere("loads", "run, files, accepted, duplicates, rejected", load));
  return out_;
}

}  // namespace

std::vector<std::string> ChCopySchema(const std::string& database) {
  return {
      fmt::format("CREATE TABLE IF NOT EXISTS {}.imported_ids (run UInt64, key UInt64) ENGINE = MergeTree "
                  "ORDER BY key",
                  database)};
}

Result<CopyResult> CopyToClickHouse(Store& store, ChStore& ch, ChTenantStore& tenants, bool progress) {
  Copy copy(store, ch, tenants, progress);
  return copy.Run();
}

}  // namespace aips
