// The cohorts a forecast learns from, on ClickHouse (engine/results.h CohortPurchases; docs/distributed.md,
// "Forecast"): one statement per shard over the brand's events dated on or before the forecast day. Per
// user: the scope's stage arrays and the sorted days of the brand's purchases; then per asked day (the
// origins, and the forecast day last) the user's stage on it and the first purchase day after it. What comes
// back: users per (day index, delay to the first purchase; 0 = none by the forecast day), and the number of
// distinct users in the origins' cohorts.
#include "distributed/ch_engine.h"
#include "distributed/ch_sql.h"
#include "domain/domain.h"
#include "fmt/format.h"
#include "store/catalog.h"

namespace aips {

Result<int> ClickHouseEngine::DecisionCycleOf(const std::string& brand) {
  return catalog_.DecisionCycle(CategoryName(brand));
}

Result<CohortPurchases> ClickHouseEngine::PurchasesOfCohorts(const ScopeRef& scope, int stage, Day date,
                                                             const std::vector<Day>& origins) {
  if (stage < 1 || stage > kNumStages) return Status::InvalidArgument(fmt::format("no stage {}", stage));
  AIPS_RETURN_IF_ERROR(Resolve(scope));
  CohortPurchases out;
  out.scope = scope;
  out.stage = stage;
  out.date = date;
  Day first = date;
  std::string days;
  for (Day d : origins) {
    if (d >= date) return Status::InvalidArgument("a forecast's origins come before its date");
    first = std::min(first, d);
    days += ChDay(d) + ", ";
    out.origins.push_back({d, 0, {}});
  }
  days += ChDay(date);
  const RuleSet& rs = RulesOf(scope.brand);
  // Per (user, asked day): the stage on the day and the first purchase after it. Lambdas capture only the
  // ARRAY JOIN day (18.16 drops subquery columns captured by a lambda).
  const std::string per_day = fmt::format(
      "SELECT user, i, {} AS st, arrayFirst(p -> p > o, ps) AS fp, o FROM (SELECT user, {}, "
      "arraySort(groupUniqArrayIf(day, action = 'purchase')) AS ps FROM {} WHERE brand = {} AND day >= {} "
      "AND "
      "day <= {} GROUP BY user) ARRAY JOIN [{}] AS o, arrayEnumerate([{}]) AS i",
      ChStageAt(rs, "o", "a"), ChStageArrays(rs, ChScopeFilter(scope.brand, scope.spu), "a"),
      ch_->Table("events"), ChQuote(scope.brand), ChDay(first - rs.MaxWindow()), ChDay(date), days, days);
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch_->Select(fmt::format("SELECT i, if(fp > o, toInt64(fp) - toInt64(o), 0) AS k, count() FROM "
                              "({}) WHERE st = {} GROUP BY i, k",
                              per_day, stage)));
  for (auto& r : rows) {
    const size_t i = ChU64(r.at(0));
    const int64_t k = ChI64(r.at(1));
    const uint64_t n = ChU64(r.at(2));
    if (i == origins.size() + 1) {
      out.members += n;
      continue;
    }
    if (i < 1 || i > origins.size())
      return Status::Corruption("forecast cohorts: ClickHouse answered an unexpected day index");
    CohortPurchases::Origin& o = out.origins[i - 1];
    o.size += n;
    if (k > 0) o.first_purchase[static_cast<int>(k)] += n;
  }
  if (!origins.empty()) {
    AIPS_ASSIGN_OR_RETURN(
        out.distinct_users,
        ch_->SumOverShards(fmt::format("SELECT uniqExact(user) FROM ({}) WHERE st = {} AND i <= {}", per_day,
                                       stage, origins.size())));
  }
  return out;
}

}  // namespace aips
