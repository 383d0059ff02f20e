// An aips database on ClickHouse (docs/distributed.md): its tables, the nodes that hold them, and the
// small tables (rules, side tables, first-party data) read into the same structures the embedded store
// uses, so that validation and answers share one code path.
//
// Events live in `events` (one server: a MergeTree; a cluster: `events_local` MergeTree on every shard
// plus the Distributed table `events` sharded by intHash64(user)). The small tables are written to every
// node, so any node answers.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "distributed/ch_client.h"
#include "domain/rules.h"
#include "store/catalog.h"
#include "store/first_party.h"
#include "store/forget.h"

namespace aips {

// The event columns in insert order.
inline constexpr const char* kChEventColumns =
    "key, event_id, user, day, ts, brand, spu, action, campaign, note, amount, channel, sentiment";

class ChStore {
 public:
  enum class Mode { kRead, kWrite };
  // kRead: NotFound when the database holds no aips tables. kWrite: creates the database and tables on
  // every node (once per database and process; cluster: needs nodes= naming one HTTP endpoint per shard)
  // and maps nodes to shards.
  static Result<std::unique_ptr<ChStore>> Connect(const std::string& url, Mode mode);

  const ChUrl& url() const { return url_; }
  std::string Describe() const;  // "clickhouse://[user:***@]…/db (cluster two_shards)", "chdb:/dir"
  bool clustered() const { return !url_.cluster.empty(); }
  // Fully qualified table name: Table("events") = "db.events".
  std::string Table(const std::string& name) const { return url_.database + "." + name; }

  // A SELECT on the entry node. In a cluster the settings make every per-user aggregate shard-local
  // (distributed_group_by_no_merge): each shard answers for its own users and the caller's outer query
  // (or the caller) sums.
  Result<ChRows> Select(const std::string& sql);
  // The sum of the first column of a Select's rows: a count answered per shard on a cluster, one row each.
  Result<uint64_t> SumOverShards(const std::string& sql);
  // Which of `keys` (one UInt64 per line) a SELECT of one UInt64 column finds; the SELECT reads them as the
  // external table `_keys` (key UInt64), sent with it: one round trip whatever the number of keys.
  Result<absl::flat_hash_set<uint64_t>> FoundKeys(const std::string& sql, const std::string& keys);
  Result<ChRows> SelectWithTable(const std::string& sql, const std::string& name,
                                 const std::string& structure, const std::string& tsv);
  // kWrite only. Shard index in [0, shards()) of a user hash, as the Distributed table places it.
  size_t shards() const { return shard_nodes_.size(); }
  size_t ShardOf(uint64_t user) const;
  Status InsertShard(size_t shard, const std::string& local_table, const std::string& columns,
                     const std::string& data, const char* format);
  // Small tables: the same rows to every node.
  Status InsertEverywhere(const std::string& table, const std::string& columns, const std::string& tsv);

  Result<Rules> LoadRules();
  Status SaveRules(const std::string& toml_text);
  Result<Catalog> LoadCatalog();
  // Writes the rows of `after` that differ from `before`.
  Status SaveCatalogChanges(const Catalog& before, const Catalog& after, uint64_t version);
  // The identity map and the orders; *orders receives every stored order id.
  Status LoadFirstParty(FirstPartyData* fp, std::set<std::string>* orders);
  // First and last day with events (kNoDay both when none).
  Result<std::pair<Day, Day>> DataDays();

  // aips forget on ClickHouse, with the embedded engine's meaning and counts (store/forget.h): deletes
  // the users' events, user-dictionary rows, identity links and the rejected rows quoting them on every
  // node (ALTER TABLE ... DELETE) and waits until the mutations are done. With `block` their fingerprints
  // go to the `forgotten` table first, and later loads refuse their rows. With dry_run only counts.
  // Counts that have no meaning on ClickHouse (segments rewritten, snapshot files) stay 0.
  Result<ForgetResult> Forget(const std::vector<std::string>& users, bool block, bool dry_run);
  // The fingerprints (ForgetFingerprint) of every forgotten user.
  Status LoadForgotten(absl::flat_hash_set<uint64_t>* out);

  // Runs each statement on every node (DDL and mutations of tables held by every node or per shard).
  Status ExecuteEverywhere(const std::vector<std::string>& statements);
  // Mutations run in the background: waits until every node reports this database's done (at most 5
  // minutes, then Busy).
  Status WaitForMutations();

  // The name of the events table for local (per-shard) writes.
  std::string EventsLocal() const { return Local("events"); }
  std::string UsersLocal() const { return Local("users"); }

  // Crowds (distributed/ch_crowds.cc). The per-shard table of a sharded table ("db.x_local" on a cluster,
  // "db.x" on one server).
  std::string Local(const std::string& name) const { return Table(clustered() ? name + "_local" : name); }
  // A table sharded by `key`: its local table (`columns`, `engine`) on every node and, on a cluster, the
  // Distributed table `name` over them. Local tables come first in the list.
  std::vector<std::string> ShardedTableDdl(const std::string& name, const std::string& columns,
                                           const std::string& engine, const std::string& key) const;
  // kWrite only: runs a statement on every shard's node (INSERT ... SELECT over that shard's own tables).
  Status ExecuteOnShards(const std::string& sql);

 private:
  Status CreateSchema();
  Status MapShards();
  // Every node DDL and mutations go to: the listed nodes, and the entry when it is not one of them.
  std::vector<ChClient*> AllNodes() const;
  ChUrl url_;
  std::unique_ptr<ChClient> entry_;
  std::vector<std::unique_ptr<ChClient>> nodes_;  // every node of url_.nodes
  std::vector<ChClient*> shard_nodes_;            // by shard index (shard_num - 1)
};

// Microseconds since 1970: the version of rows written now (a later version replaces an earlier one).
uint64_t ChVersion();
// ClickHouse's intHash64, which the Distributed table's sharding key applies to the user hash.
uint64_t ChIntHash64(uint64_t x);
// 'YYYY-MM-DD' for a day, clamped to ClickHouse's Date range [1970-01-01, 2105-12-31].
std::string ChDate(Day day);

}  // namespace aips
