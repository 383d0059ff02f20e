// The stage rules of docs/definitions.md#stage-rules compiled to ClickHouse SQL (docs/distributed.md, "Rules
// compiled to SQL").
//
// Every query has the same shape, which runs on Debian's ClickHouse 18.16 and on current releases:
//   level 1, on each shard (users never span shards):  SELECT user, groupArrayIf(day, <scope> AND <stage s
//            qualifies>) AS a1 .. a5, <other per-user aggregates> FROM events WHERE <days> GROUP BY user
//   level 2: each user's stage as of day D = multiIf(arrayCount(x -> x >= D-W5+1 AND x <= D, a5) >= k5, 5,
//            ..., 0): the highest stage with at least min_count qualifying events inside its window
//   level 3: counts per stage (or per pair of stages, per day, ...).
// Lambdas only capture the day (never a column of level 1): 18.16 drops such columns from subqueries.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "domain/rules.h"

namespace aips {

// "brand = 'b'" or "brand = 'b' AND spu = 's'".
std::string ChScopeFilter(const std::string& brand, const std::optional<std::string>& spu);
// "(action IN ('click', 'like') [AND channel IN (...)] [AND sentiment IN (...)])".
std::string ChStageCondition(const StageRule& rule);
// An event that qualifies for any stage (the category crowd).
std::string ChAnyStageCondition(const RuleSet& rules);
// Level-1 columns "groupArrayIf(day, <filter> AND <stage s>) AS <prefix>s" for s = 1..5.
std::string ChStageArrays(const RuleSet& rules, const std::string& filter, const std::string& prefix);
// Level-2 expression: the stage code (0 = none .. 5 = S) as of `day_expr` from the arrays <prefix>1..5.
std::string ChStageAt(const RuleSet& rules, const std::string& day_expr, const std::string& prefix);
// toDate('YYYY-MM-DD').
std::string ChDay(Day day);

}  // namespace aips
