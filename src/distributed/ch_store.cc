#include "distributed/ch_store.h"

#include <thread>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>

#include "common/bytes.h"
#include "common/date.h"
#include "common/decimal.h"
#include "distributed/ch_content.h"
#include "distributed/ch_copy.h"
#include "domain/domain.h"
#include "fmt/format.h"
#include "ingest/hashed_id.h"
#include "store/manifest.h"

namespace aips {

namespace {

std::string EnumOf(const auto& names, int first) {
  std::string out;
  for (size_t i = static_cast<size_t>(first); i < names.size(); ++i)
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", ChQuote(names[i]), i);
  return out;
}

Result<Day> ToDay(const std::string& s) { return ParseDate(s); }

}  // namespace

uint64_t ChVersion() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

uint64_t ChIntHash64(uint64_t x) {
  x ^= 0x4CF2D2BAAE6DA887ULL;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::string ChDate(Day day) {
  const Day lo = DaysFromCivil(1970, 1, 1), hi = DaysFromCivil(2105, 12, 31);
  return ChQuote(FormatDate(std::clamp(day, lo, hi)));
}

Result<std::unique_ptr<ChStore>> ChStore::Connect(const std::string& url, Mode mode) {
  auto s = std::unique_ptr<ChStore>(new ChStore());
  AIPS_ASSIGN_OR_RETURN(s->url_, ParseChUrl(url));
  if (mode == Mode::kRead && s->url_.in_process() && !std::filesystem::is_directory(s->url_.chdb_dir)) {
    return Status::NotFound(
        fmt::format("{} does not exist (load events with 'aips ingest --engine {}' first)",
                    s->url_.entry.Name(), s->url_.Display()));
  }
  AIPS_ASSIGN_OR_RETURN(s->entry_, OpenChClient(s->url_, s->url_.entry));
  if (mode == Mode::kRead) {
    AIPS_ASSIGN_OR_RETURN(
        ChRows r, s->entry_->Select(
                      fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = 'events'",
                                  ChQuote(s->url_.database))));
    if (r.empty() || r[0].empty() || r[0][0] == "0") {
      return Status::NotFound(
          fmt::format("{} holds no aips database '{}' yet (load events with 'aips ingest "
                      "--engine {}' first)",
                      s->url_.entry.Name(), s->url_.database, s->url_.Display()));
    }
    return s;
  }
  for (const ChNode& n : s->url_.nodes) {
    AIPS_ASSIGN_OR_RETURN(auto c, OpenChClient(s->url_, n));
    s->nodes_.push_back(std::move(c));
  }
  AIPS_RETURN_IF_ERROR(s->MapShards());
  // The schema once per database and process: a server's writes (a tenant, a key, a saved crowd, an API
  // ingest) then cost no DDL round trips. A database dropped behind a running process is not re-created.
  static std::mutex ensured_mu;
  static std::set<std::string> ensured;
  const std::string key = s->url_.Display();
  {
    std::lock_guard<std::mutex> lock(ensured_mu);
    if (ensured.count(key)) return s;
  }
  AIPS_RETURN_IF_ERROR(s->CreateSchema());
  std::lock_guard<std::mutex> lock(ensured_mu);
  ensured.insert(key);
  return s;
}

std::string ChStore::Describe() const {
  if (url_.in_process()) return url_.Display();
  return clustered() ? fmt::format("{} (cluster {})", url_.Base(), url_.cluster) : url_.Base();
}

Status ChStore::MapShards() {
  if (!clustered()) {
    shard_nodes_.push_back(nodes_[0].get());
    return Status::OK();
  }
  const std::string c = ChQuote(url_.cluster);
  AIPS_ASSIGN_OR_RETURN(ChRows shape, entry_->Select(fmt::format(
                                          "SELECT shard_num, count(), min(shard_weight), max(shard_weight) "
                                          "FROM system.clusters WHERE cluster = {} GROUP BY shard_num "
                                          "ORDER BY shard_num",
                                          c)));
  if (shape.empty()) {
    return Status::InvalidArgument(
        fmt::format("{} knows no cluster '{}' (see its <remote_servers>)", url_.entry.Name(), url_.cluster));
  }
  for (auto& row : shape) {
    if (row.size() < 4) return Status::IOError("unexpected answer from system.clusters");
    if (row[1] != "1" || row[2] != "1" || row[3] != "1") {
      return Status::InvalidArgument(
          fmt::format("cluster '{}': aips writes each shard itself and needs one replica of weight 1 per "
                      "shard (shard {} has "
                      "{} replicas, weight {}); see docs/distributed.md for replicated tables",
                      url_.cluster, row[0], row[1], row[2]));
    }
  }
  shard_nodes_.assign(shape.size(), nullptr);
  for (auto& n : nodes_) {
    AIPS_ASSIGN_OR_RETURN(
        ChRows r,
        n->Select(fmt::format("SELECT shard_num FROM system.clusters WHERE cluster = {} AND is_local", c)));
    if (r.empty()) {
      return Status::InvalidArgument(
          fmt::format("node {} is not a member of cluster '{}'", n->Name(), url_.cluster));
    }
    const size_t shard = static_cast<size_t>(ChI64(r[0][0])) - 1;
    if (shard >= shard_nodes_.size()) return Status::IOError("unexpected shard number in system.clusters");
    shard_nodes_[shard] = n.get();
  }
  for (size_t i = 0; i < shard_nodes_.size(); ++i) {
    if (shard_nodes_[i] == nullptr) {
      return Status::InvalidArgument(
          fmt::format("cluster '{}' has {} shards but nodes= names no HTTP endpoint for shard {}; list one "
                      "per shard, e.g. "
                      "?cluster={}&nodes=host1:8123,host2:8123",
                      url_.cluster, shard_nodes_.size(), i + 1, url_.cluster));
    }
  }
  return Status::OK();
}

Status ChStore::CreateSchema() {
  const std::string db = url_.database;
  const std::string events_cols = fmt::format(
      "key UInt64, event_id String, user UInt64, day Date, ts Int64, brand String, spu String, action "
      "Enum8({}), "
      "campaign String, note String, amount Int64, channel String, sentiment Enum8({})",
      EnumOf(kActionNames, 0), EnumOf(kSentimentNames, 0));
  std::vector<std::string> ddl = {
      fmt::format("CREATE DATABASE IF NOT EXISTS {}", db),
      fmt::format("CREATE TABLE IF NOT EXISTS {} ({}) ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY "
                  "(brand, user, ts)",
                  EventsLocal(), events_cols),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {} (user UInt64, user_id String) ENGINE = ReplacingMergeTree ORDER "
          "BY user",
          UsersLocal()),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.categories (category String, decision_cycle_days UInt16, version "
          "UInt64) ENGINE = MergeTree ORDER BY category",
          db),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.brands (brand String, category String, version UInt64) ENGINE = "
          "MergeTree ORDER BY brand",
          db),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.campaigns (campaign String, brand String, spu String, `start` "
          "Date, `end` Date, version UInt64) ENGINE = MergeTree ORDER BY campaign",
          db),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.spend (campaign String, date Date, spend Int64, version UInt64) "
          "ENGINE = MergeTree ORDER BY (campaign, date)",
          db),
      fmt::format("CREATE TABLE IF NOT EXISTS {}.identity (id_type String, id_hash String, user_id String, "
                  "version UInt64) ENGINE = MergeTree ORDER BY (id_type, id_hash)",
                  db),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.orders (order_id String, id_type String, id_hash String, ts "
          "Int64, brand String, spu String, amount Int64, version UInt64) ENGINE = MergeTree ORDER BY "
          "order_id",
          db),
      fmt::format("CREATE TABLE IF NOT EXISTS {}.forgotten (fingerprint UInt64, version UInt64) ENGINE = "
                  "MergeTree ORDER BY fingerprint",
                  db),
      // Orders once matched to a user since forgotten: neither matched nor waiting, as in the embedded
      // engine's first-party file (firstparty, and the loader does not match them again).
      fmt::format("CREATE TABLE IF NOT EXISTS {}.forgotten_orders (order_id String, version UInt64) ENGINE = "
                  "MergeTree ORDER BY order_id",
                  db),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.rules (toml String, version UInt64) ENGINE = MergeTree ORDER BY "
          "version",
          db),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.rejects (run UInt64, source String, line UInt64, field String, "
          "reason String, row String) ENGINE = MergeTree ORDER BY (run, source, line)",
          db),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.loads (run UInt64, files String, accepted UInt64, duplicates "
          "UInt64, rejected UInt64) ENGINE = MergeTree ORDER BY run",
          db),
      // Tenants and API keys (distributed/ch_tenants.h): append-only, on every node. A tenant's row
      // per brand (brand '' when it has none yet); the salt of its first row is its export salt.
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.tenants (tenant String, brand String, salt String, version UInt64) "
          "ENGINE = MergeTree ORDER BY (tenant, version)",
          db),
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.api_keys (digest String, tenant String, admin UInt8, created Int64, "
          "version UInt64) ENGINE = MergeTree ORDER BY (version, digest)",
          db),
  };
  // Retention (distributed/ch_retain.h): the keys of dropped events stay known, so a re-sent old event
  // is still a duplicate.
  // Crowds (docs/distributed.md, "Crowds"): the order in which aips first saw each user (the embedded
  // engine's dense user number: exports and ties follow it) with the user id, user attributes (the
  // latest version of a user's tags wins) and saved crowds' members, all sharded by user; the saved
  // crowds' registry on every node.
  struct Sharded {
    const char *name, *columns, *engine, *key;
  };
  static constexpr Sharded kSharded[] = {
      {"dropped_keys", "key UInt64, day Date", "MergeTree PARTITION BY toYYYYMM(day) ORDER BY (day, key)",
       "key"},
      {"user_seq", "user UInt64, seq UInt64, user_id String", "MergeTree ORDER BY user", "user"},
      {"attributes", "user UInt64, tags Array(String), version UInt64", "MergeTree ORDER BY user", "user"},
      {"crowd_members", "tenant String, name String, version UInt32, user UInt64",
       "MergeTree ORDER BY (tenant, name, version, user)", "user"},
      // Experiment assignments (issue #17): a user's first row for a campaign is its group.
      {"experiments", "campaign String, user UInt64, treatment UInt8, version UInt64",
       "MergeTree ORDER BY (campaign, user)", "user"},
  };
  for (const Sharded& t : kSharded)
    for (std::string& sql : ShardedTableDdl(t.name, t.columns, t.engine, t.key))
      ddl.push_back(std::move(sql));
  ddl.push_back(fmt::format(
      "CREATE TABLE IF NOT EXISTS {}.saved_crowds (tenant String, name String, version UInt32, saved_at "
      "Int64, definition String, size UInt64, saved_us UInt64) ENGINE = MergeTree ORDER BY (tenant, name, "
      "version)",
      db));
  if (clustered()) {
    ddl.push_back(
        fmt::format("CREATE TABLE IF NOT EXISTS {}.events AS {} ENGINE = Distributed({}, {}, "
                    "events_local, intHash64(user))",
                    db, EventsLocal(), url_.cluster, db));
    ddl.push_back(
        fmt::format("CREATE TABLE IF NOT EXISTS {}.users AS {} ENGINE = Distributed({}, {}, "
                    "users_local, intHash64(user))",
                    db, UsersLocal(), url_.cluster, db));
  }
  // Content tables: notes, accounts, messages (distributed/ch_content.h); the event ids of a copied data
  // directory (distributed/ch_copy.h).
  for (std::string& sql : ChContentSchema(*this)) ddl.push_back(std::move(sql));
  for (std::string& sql : ChCopySchema(db)) ddl.push_back(std::move(sql));
  for (ChClient* c : AllNodes()) {
    for (const std::string& sql : ddl) {
      auto r = c->Execute(sql);
      if (!r.ok()) return r.status();
    }
  }
  return Status::OK();
}

std::vector<ChClient*> ChStore::AllNodes() const {
  std::vector<ChClient*> targets;
  for (auto& n : nodes_) targets.push_back(n.get());
  bool entry_listed = false;
  for (auto& n : url_.nodes) entry_listed |= n.Name() == url_.entry.Name();
  if (!entry_listed) targets.push_back(entry_.get());
  return targets;
}

// Long on purpose: each count of ForgetResult beside the statement that erases what it counts.
Result<ForgetResult> ChStore::Forget(const std::vector<std::string>& users, bool block, bool dry_run) {
  AIPS_RETURN_IF_ERROR(CheckForgetUsers(users));
  std::string keys, names, quoted_match, fingerprints;
  for (const std::string& u : users) {
    keys += fmt::format("{}{}", keys.empty() ? "" : ",", Hash64(u));
    names += (names.empty() ? "" : ",") + ChQuote(u);
    quoted_match += fmt::format("{}position(row, {}) > 0", quoted_match.empty() ? "" : " OR ", ChQuote(u));
    fingerprints += fmt::format("{}\t{}\n", ForgetFingerprint(u), ChVersion());
  }
  ForgetResult out;
  // Per shard on a cluster (Select is shard-local): users found, events and the brands they touch.
  AIPS_ASSIGN_OR_RETURN(
      out.users_found,
      SumOverShards(fmt::format("SELECT uniqExact(user) FROM {} WHERE user IN ({})", Table("users"), keys)));
  AIPS_ASSIGN_OR_RETURN(ChRows ev,
                        Select(fmt::format("SELECT brand, count() FROM {} WHERE user IN ({}) GROUP "
                                           "BY brand",
                                           Table("events"), keys)));
  std::set<std::string> brands;
  for (auto& row : ev) {
    brands.insert(row.at(0));
    out.events_removed += ChU64(row.at(1));
  }
  out.brands_affected = brands.size();
  AIPS_ASSIGN_OR_RETURN(ChRows id, entry_->Select(fmt::format("SELECT count() FROM {} WHERE user_id IN ({})",
                                                              Table("identity"), names)));
  if (!id.empty()) out.identity_links_removed = ChU64(id[0].at(0));
  AIPS_ASSIGN_OR_RETURN(ChRows rj, entry_->Select(fmt::format("SELECT count() FROM {} WHERE {}",
                                                              Table("rejects"), quoted_match)));
  if (!rj.empty()) out.reject_lines_removed = ChU64(rj[0].at(0));
  // Content tables (distributed/ch_content.h): their private messages, their authorship of notes.
  const std::string messages_local = Local("messages");
  AIPS_ASSIGN_OR_RETURN(
      out.messages_removed,
      SumOverShards(fmt::format("SELECT count() FROM {} WHERE user IN ({})", Table("messages"), names)));
  AIPS_ASSIGN_OR_RETURN(ChRows authored, entry_->Select(fmt::format(
                                             "SELECT count() FROM (SELECT note, argMax(author, version) AS a "
                                             "FROM {} GROUP BY note) WHERE a IN ({})",
                                             Table("notes"), names)));
  if (!authored.empty()) out.notes_unlinked = ChU64(authored[0].at(0));
  // Crowd tables (docs/distributed.md, "Crowds"): the users' current tags, and the saved crowd versions
  // holding any of them (per shard; a version seen on two shards counts once).
  AIPS_ASSIGN_OR_RETURN(out.attribute_tags_removed,
                        SumOverShards(fmt::format("SELECT sum(length(t)) FROM (SELECT user, argMax(tags, "
                                                  "version) AS t FROM {} WHERE user IN ({}) GROUP BY user)",
                                                  Table("attributes"), keys)));
  AIPS_ASSIGN_OR_RETURN(ChRows held,
                        Select(fmt::format("SELECT tenant, name, version FROM {} WHERE user IN ({}) "
                                           "GROUP BY tenant, name, version",
                                           Table("crowd_members"), keys)));
  std::set<std::vector<std::string>> versions(held.begin(), held.end());
  out.crowds_changed = versions.size();
  AIPS_ASSIGN_OR_RETURN(
      out.assignments_removed,
      SumOverShards(fmt::format("SELECT count() FROM {} WHERE user IN ({})", Table("experiments"), keys)));
  out.blocked = block;
  if (dry_run) return out;
  // Blocked first: a load that starts while the mutations run already refuses the users' rows.
  if (block) AIPS_RETURN_IF_ERROR(InsertEverywhere("forgotten", "fingerprint, version", fingerprints));
  AIPS_RETURN_IF_ERROR(ExecuteEverywhere({
      // Before their identity links go: the orders matched through them only stay matched (not waiting).
      fmt::format(
          "INSERT INTO {0} SELECT order_id, {1} FROM {2} WHERE (id_type, id_hash) IN (SELECT id_type, "
          "id_hash FROM {3} WHERE user_id IN ({4})) AND (id_type, id_hash) NOT IN (SELECT id_type, "
          "id_hash FROM {3} WHERE user_id NOT IN ({4}))",
          Table("forgotten_orders"), ChVersion(), Table("orders"), Table("identity"), names),
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", EventsLocal(), keys),
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", UsersLocal(), keys),
      fmt::format("ALTER TABLE {} DELETE WHERE user_id IN ({})", Table("identity"), names),
      fmt::format("ALTER TABLE {} DELETE WHERE {}", Table("rejects"), quoted_match),
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", messages_local, names),
      fmt::format("ALTER TABLE {} UPDATE author = '' WHERE author IN ({})", Table("notes"), names),
      // Crowds: the user's number, attributes and saved-crowd memberships.
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", Local("user_seq"), keys),
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", Local("attributes"), keys),
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", Local("crowd_members"), keys),
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", Local("experiments"), keys),
  }));
  AIPS_RETURN_IF_ERROR(WaitForMutations());
  return out;
}

Status ChStore::LoadForgotten(absl::flat_hash_set<uint64_t>* out) {
  AIPS_ASSIGN_OR_RETURN(ChRows rows,
                        entry_->Select(fmt::format("SELECT fingerprint FROM {}", Table("forgotten"))));
  for (auto& r : rows) out->insert(ChU64(r.at(0)));
  return Status::OK();
}

std::vector<std::string> ChStore::ShardedTableDdl(const std::string& name, const std::string& columns,
                                                  const std::string& engine, const std::string& key) const {
  std::vector<std::string> ddl = {
      fmt::format("CREATE TABLE IF NOT EXISTS {} ({}) ENGINE = {}", Local(name), columns, engine)};
  if (clustered()) {
    ddl.push_back(
        fmt::format("CREATE TABLE IF NOT EXISTS {} AS {} ENGINE = Distributed({}, {}, {}_local, "
                    "intHash64({}))",
                    Table(name), Local(name), url_.cluster, url_.database, name, key));
  }
  return ddl;
}

Status ChStore::ExecuteEverywhere(const std::vector<std::string>& statements) {
  for (ChClient* c : AllNodes()) {
    for (const std::string& sql : statements) AIPS_RETURN_IF_ERROR(c->Execute(sql).status());
  }
  return Status::OK();
}

Status ChStore::WaitForMutations() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  for (ChClient* c : AllNodes()) {
    for (;;) {
      AIPS_ASSIGN_OR_RETURN(
          ChRows pending,
          c->Select(fmt::format("SELECT count() FROM system.mutations WHERE database = {} AND "
                                "is_done = 0",
                                ChQuote(url_.database))));
      if (pending.empty() || pending[0].at(0) == "0") break;
      if (std::chrono::steady_clock::now() > deadline)
        return Status::Busy("ClickHouse mutations still running after 5 minutes (see system.mutations)");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return Status::OK();
}

Result<ChRows> ChStore::Select(const std::string& sql) {
  ChSettings s;
  if (clustered()) s["distributed_group_by_no_merge"] = "1";
  return entry_->Select(sql, s);
}

Result<uint64_t> ChStore::SumOverShards(const std::string& sql) {
  AIPS_ASSIGN_OR_RETURN(ChRows rows, Select(sql));
  uint64_t n = 0;
  for (auto& r : rows) n += ChU64(r.at(0));
  return n;
}

Result<absl::flat_hash_set<uint64_t>> ChStore::FoundKeys(const std::string& sql, const std::string& keys) {
  AIPS_ASSIGN_OR_RETURN(ChRows rows, SelectWithTable(sql, "_keys", "key UInt64", keys));
  absl::flat_hash_set<uint64_t> found;
  for (auto& r : rows) found.insert(ChU64(r.at(0)));
  return found;
}

Result<ChRows> ChStore::SelectWithTable(const std::string& sql, const std::string& name,
                                        const std::string& structure, const std::string& tsv) {
  return entry_->SelectWithTable(sql, name, structure, tsv, ChSettings{});
}

Status ChStore::ExecuteOnShards(const std::string& sql) {
  if (shard_nodes_.empty())
    return Status::InvalidArgument("ExecuteOnShards needs a store opened for writing");
  for (ChClient* c : shard_nodes_) AIPS_RETURN_IF_ERROR(c->Execute(sql).status());
  return Status::OK();
}

size_t ChStore::ShardOf(uint64_t user) const {
  return shard_nodes_.size() <= 1 ? 0 : ChIntHash64(user) % shard_nodes_.size();
}

Status ChStore::InsertShard(size_t shard, const std::string& local_table, const std::string& columns,
                            const std::string& data, const char* format) {
  return shard_nodes_[shard]->Insert(local_table, columns, data, format);
}

Status ChStore::InsertEverywhere(const std::string& table, const std::string& columns,
                                 const std::string& tsv) {
  if (nodes_.empty()) return entry_->Insert(Table(table), columns, tsv);
  for (auto& n : nodes_) AIPS_RETURN_IF_ERROR(n->Insert(Table(table), columns, tsv));
  return Status::OK();
}

Result<Rules> ChStore::LoadRules() {
  AIPS_ASSIGN_OR_RETURN(ChRows r, entry_->Select(fmt::format(
                                      "SELECT toml FROM {} ORDER BY version DESC LIMIT 1", Table("rules"))));
  if (r.empty()) return DefaultRules();
  return ParseRules(r[0][0], Describe() + " rules");
}

Status ChStore::SaveRules(const std::string& toml_text) {
  std::string row;
  AppendTsv(toml_text, &row);
  row += fmt::format("\t{}\n", ChVersion());
  return InsertEverywhere("rules", "toml, version", row);
}

Result<Catalog> ChStore::LoadCatalog() {
  Catalog c;
  AIPS_ASSIGN_OR_RETURN(ChRows cats,
                        entry_->Select(fmt::format(
                            "SELECT category, argMax(decision_cycle_days, version) FROM {} GROUP BY category",
                            Table("categories"))));
  for (auto& r : cats) c.decision_cycle_days[r[0]] = static_cast<int>(ChI64(r[1]));
  AIPS_ASSIGN_OR_RETURN(
      ChRows brands, entry_->Select(fmt::format(
                         "SELECT brand, argMax(category, version) FROM {} GROUP BY brand", Table("brands"))));
  for (auto& r : brands) c.brand_category[r[0]] = r[1];
  AIPS_ASSIGN_OR_RETURN(
      ChRows camps,
      entry_->Select(fmt::format("SELECT campaign, argMax(brand, version), argMax(spu, version), "
                                 "argMax(`start`, version), argMax(`end`, version) FROM {} GROUP BY campaign",
                                 Table("campaigns"))));
  for (auto& r : camps) {
    AIPS_ASSIGN_OR_RETURN(Day start, ToDay(r[3]));
    AIPS_ASSIGN_OR_RETURN(Day end, ToDay(r[4]));
    c.campaigns[r[0]] = CampaignInfo{r[1], r[2], start, end};
  }
  AIPS_ASSIGN_OR_RETURN(
      ChRows spend,
      entry_->Select(fmt::format(
          "SELECT campaign, date, argMax(spend, version) FROM {} GROUP BY campaign, date", Table("spend"))));
  for (auto& r : spend) {
    AIPS_ASSIGN_OR_RETURN(Day d, ToDay(r[1]));
    c.spend[{r[0], d}] = ChI64(r[2]);
  }
  return c;
}

Status ChStore::SaveCatalogChanges(const Catalog& before, const Catalog& after, uint64_t version) {
  auto changed = [](const auto& b, const auto& key, const auto& value) {
    auto it = b.find(key);
    return it == b.end() || !(it->second == value);
  };
  std::string tsv;
  for (auto& [k, v] : after.decision_cycle_days) {
    if (!changed(before.decision_cycle_days, k, v)) continue;
    AppendTsv(k, &tsv);
    tsv += fmt::format("\t{}\t{}\n", v, version);
  }
  AIPS_RETURN_IF_ERROR(InsertEverywhere("categories", "category, decision_cycle_days, version", tsv));
  tsv.clear();
  for (auto& [k, v] : after.brand_category) {
    if (!changed(before.brand_category, k, v)) continue;
    AppendTsv(k, &tsv);
    tsv += '\t';
    AppendTsv(v, &tsv);
    tsv += fmt::format("\t{}\n", version);
  }
  AIPS_RETURN_IF_ERROR(InsertEverywhere("brands", "brand, category, version", tsv));
  tsv.clear();
  for (auto& [k, v] : after.campaigns) {
    if (!changed(before.campaigns, k, v)) continue;
    AppendTsv(k, &tsv);
    tsv += '\t';
    AppendTsv(v.brand, &tsv);
    tsv += '\t';
    AppendTsv(v.spu, &tsv);
    tsv += fmt::format("\t{}\t{}\t{}\n", FormatDate(v.start), FormatDate(v.end), version);
  }
  AIPS_RETURN_IF_ERROR(InsertEverywhere("campaigns", "campaign, brand, spu, `start`, `end`, version", tsv));
  tsv.clear();
  for (auto& [k, v] : after.spend) {
    if (!changed(before.spend, k, v)) continue;
    AppendTsv(k.first, &tsv);
    tsv += fmt::format("\t{}\t{}\t{}\n", FormatDate(k.second), v, version);
  }
  return InsertEverywhere("spend", "campaign, date, spend, version", tsv);
}

Status ChStore::LoadFirstParty(FirstPartyData* fp, std::set<std::string>* orders) {
  AIPS_ASSIGN_OR_RETURN(
      ChRows ids, entry_->Select(fmt::format(
                      "SELECT id_type, id_hash, argMax(user_id, version) FROM {} GROUP BY id_type, id_hash",
                      Table("identity"))));
  for (auto& r : ids) {
    auto type = ParseIdType(r[0]);
    if (!type) return Status::Corruption(fmt::format("{}: identity row with id_type '{}'", Describe(), r[0]));
    fp->identity[IdentityKey(static_cast<uint8_t>(*type), r[1])] = r[2];
  }
  AIPS_ASSIGN_OR_RETURN(ChRows rows,
                        entry_->Select(fmt::format(
                            "SELECT order_id, any(id_type), any(id_hash), any(ts), any(brand), any(spu), "
                            "any(amount), order_id IN (SELECT order_id FROM {}) FROM {} GROUP BY order_id",
                            Table("forgotten_orders"), Table("orders"))));
  for (auto& r : rows) {
    auto type = ParseIdType(r[1]);
    if (!type)
      return Status::Corruption(fmt::format("{}: order '{}' with id_type '{}'", Describe(), r[0], r[1]));
    PendingOrder o{IdentityKey(static_cast<uint8_t>(*type), r[2]), ChI64(r[3]), r[4], r[5], ChI64(r[6])};
    orders->insert(r[0]);
    ++fp->orders;
    if (fp->identity.count(o.key) || r[7] == "1") {  // matched, or matched to a user since forgotten
      ++fp->matched;
    } else {
      fp->unmatched.emplace(r[0], std::move(o));
    }
  }
  return Status::OK();
}

Result<std::pair<Day, Day>> ChStore::DataDays() {
  AIPS_ASSIGN_OR_RETURN(ChRows r,
                        // minIf/maxIf: a shard without events answers a zero Date for min(day).
                        Select(fmt::format("SELECT minIf(d0, n > 0), maxIf(d1, n > 0), sum(n) FROM (SELECT "
                                           "min(day) AS d0, max(day) AS d1, count() AS n FROM {})",
                                           Table("events"))));
  if (r.empty() || r[0].size() < 3 || r[0][2] == "0") return std::make_pair(kNoDay, kNoDay);
  AIPS_ASSIGN_OR_RETURN(Day first, ParseDate(r[0][0]));
  AIPS_ASSIGN_OR_RETURN(Day last, ParseDate(r[0][1]));
  return std::make_pair(first, last);
}

}  // namespace aips
