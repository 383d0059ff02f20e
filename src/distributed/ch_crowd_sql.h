// Crowd expressions (docs/crowds.md, engine/crowd_expr.h) compiled to ClickHouse SQL (docs/distributed.md,
// "Crowds"). 18.16 has no bitmap functions, so a crowd is one row per user:
//
//   SELECT user FROM (
//     SELECT user, max(v0) AS c0, max(v1) AS c1, ... FROM (       -- every source's rows of a user merged
//       SELECT user, <stage code on D> AS v0, 0 AS v1 ... FROM (SELECT user, groupArrayIf(...) ... FROM
//                                                          events WHERE <brands and days> GROUP BY user)
//       UNION ALL SELECT user, 0, 1 ... FROM crowd_members WHERE tenant = .. AND name = .. AND version = ..
//       UNION ALL SELECT user, 0, 0 ... FROM attributes GROUP BY user HAVING has(argMax(tags, version), 't')
//       UNION ALL SELECT user, 0, 0 ... FROM (<the tier's users>)     -- tier(): ch_first_party.h
//       UNION ALL SELECT user, 0, 0 ... FROM user_seq                -- the universe, only when needed
//     ) GROUP BY user)
//   WHERE <the expression over c0, c1, ...>                             -- c0 IN (3) AND NOT (c1 = 1) ...
//
// Stage atoms read the stage code (0 = none .. 5 = S) the rules give on their day (ch_sql.h), flowed
// atoms two codes, the other atoms a 0/1 flag. A user absent from every source has every code and flag
// 0; when the expression holds for such a user (`not`, `none`) the universe (every user aips numbered,
// table user_seq) is a source too, so that those users are rows.
//
// The tables are the per-shard ones: on a cluster the SQL runs on each shard over its own users (users
// never span shards), e.g. as `user IN (<crowd>)` inside a query over a Distributed table, or in an
// INSERT ... SELECT on each shard's node. The compiler does no I/O: the engine resolves every atom first
// (names, rules, campaign flights, saved crowd versions), in the order the embedded engine evaluates
// them, so that the first error is the same.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "aips/status.h"
#include "common/date.h"
#include "domain/rules.h"
#include "engine/crowd_expr.h"

namespace aips {

// One row per user merged from several sources (the shape above).
class ChPerUser {
 public:
  // Adds a column; returns its name. `zero` is its value in the rows of sources that do not set it (typed,
  // e.g. "toUInt8(0)"), `agg` merges a user's rows.
  std::string AddColumn(const std::string& zero, const std::string& agg = "max");
  // A source: `from` is a SELECT yielding `user` and the columns `values` reads (column name →
  // expression over `from`'s columns).
  void AddSource(const std::string& from, const std::map<std::string, std::string>& values);
  // "SELECT user, max(v0) AS c0, ... FROM (... UNION ALL ...) GROUP BY user"; empty without sources.
  std::string Sql() const;
  bool empty() const { return sources_.empty(); }

 private:
  struct Column {
    std::string name, zero, agg;
  };
  std::vector<Column> columns_;
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> sources_;
};

// The per-shard tables a crowd reads.
struct ChCrowdTables {
  std::string events, user_seq, attributes, crowd_members;
};

// What the engine resolved for one atom.
struct ChAtomFacts {
  const RuleSet* rules = nullptr;  // stage, flowed: the brand's category's rules
  // reached: the campaign's brand and flight (reach = its brand's impressions and clicks carrying it
  // during the flight); empty brand: nobody reached.
  std::string reach_brand;
  Day reach_start = kNoDay, reach_end = kNoDay;
  std::string tier_users;    // tier: a SELECT of the tier's users (empty: nobody)
  std::string crowd_tenant;  // crowd: the saved crowd's tenant and latest version
  uint32_t crowd_version = 0;
};
using ChAtomResolver = std::function<Result<ChAtomFacts>(const CrowdNode&)>;

struct ChCrowd {
  ChPerUser rows;
  std::string formula;  // true for the crowd's members, over rows' columns
  bool needs_universe = false;
};

// Compiles an expression; `resolve` is called once per atom, in evaluation order (left to right).
Result<ChCrowd> CompileCrowd(const CrowdNode& expr, const ChCrowdTables& tables,
                             const ChAtomResolver& resolve);
// "SELECT user FROM (<rows>) WHERE <formula>": the members, one row each.
std::string ChCrowdMembers(const ChCrowd& crowd);

// True when a user in no source (every stage none, no flag) belongs to the expression.
bool ChHoldsForNobody(const CrowdNode& expr);

}  // namespace aips
