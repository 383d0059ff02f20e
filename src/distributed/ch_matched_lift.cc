// The matched design of lift on ClickHouse (docs/distributed.md, "Lift"; docs/measures.md#matched-lift):
// the strata of engine/results.h LiftStratum in one statement per shard. A level-1 aggregate per user over
// the category's events (shard-local) gives whether the campaign reached the user, whether the user met
// the brand otherwise in the flight (the pool), the user's active days in the category in [d0 - 30,
// d0 - 1], GMV of the brand in the window and the scope's stage arrays; the stage codes on d0 - 1 and the
// highest on [d0, measured_through] follow per day; the user's `segment:` tag comes from the shard's
// attributes, joined inside the statement each shard runs (a join outside it would run on the entry node
// and see only its own shard's attributes). What comes back: users per (reached, stage before, segment,
// active days, GMV) with their conversions per stage.
#include "distributed/ch_engine.h"
#include "distributed/ch_sql.h"
#include "domain/domain.h"
#include "engine/lift_math.h"
#include "fmt/format.h"
#include "store/catalog.h"

namespace aips {

Result<LiftResult> ClickHouseEngine::MatchedLift(const std::string& campaign, const CampaignResult& c) {
  LiftResult out = LiftFrame(campaign, c);
  out.design = "matched";
  if (c.start == kNoDay || out.measured_through < c.start) return out;
  const RuleSet& rs = RulesOf(c.brand);
  const Day lo = std::min(c.start - kMatchedActivityDays, c.start - rs.MaxWindow());
  const Day hi = std::max(c.end, out.measured_through);
  const std::string brand = ChQuote(c.brand);
  const std::string met = "action IN ('impression', 'click')";
  const std::string flight_days = fmt::format("day >= {} AND day <= {}", ChDay(c.start), ChDay(c.end));
  std::string days;
  for (Day d = c.start - 1; d <= out.measured_through; ++d) days += (days.empty() ? "" : ", ") + ChDay(d);
  std::string counts;
  for (int s = 2; s <= kNumStages; ++s) counts += fmt::format(", countIf(pre < {} AND top >= {})", s, s);
  const std::string segments = fmt::format(
      "SELECT user, arrayReduce('min', arrayFilter(t -> substring(t, 1, {}) = {}, argMax(tags, version))) "
      "AS seg FROM {} GROUP BY user",
      std::string_view(kSegmentTagPrefix).size(), ChQuote(kSegmentTagPrefix), ch_->Local("attributes"));
  // n: in the brand's asset (A+ in the brand scope) at the flight's end, the naive comparison's group.
  const Day asset_day = std::min(c.end, out.measured_through);
  const std::string per_user = fmt::format(
      "SELECT user, r, p, {13} >= 1 AS n, seg, act, g, a1, a2, a3, a4, a5 FROM (SELECT user, any(seg) AS "
      "seg, max(brand = {0} AND campaign = {1} AND {2} AND "
      "{3}) AS r, max(brand = {0} AND campaign != {1} AND {2} AND {3}) AS p, uniqExactIf(day, day >= {4} AND "
      "day <= {5}) AS act, sumIf(amount, brand = {0} AND action = 'purchase' AND day >= {6} AND day <= {7}) "
      "AS g, {8}, {14} FROM {9} ANY LEFT JOIN ({15}) AS tagged USING user WHERE brand IN ({10}) AND day >= "
      "{11} AND day <= {12} GROUP BY user) WHERE r "
      "OR p OR n",
      brand, ChQuote(campaign), met, flight_days, ChDay(c.start - kMatchedActivityDays), ChDay(c.start - 1),
      ChDay(c.start), ChDay(out.measured_through), ChStageArrays(rs, ChScopeFilter(c.brand, c.spu), "a"),
      ch_->Table("events"), ChQuoteList(aips::BrandsOfCategory(catalog_, CategoryName(c.brand))), ChDay(lo),
      ChDay(hi), ChStageAt(rs, ChDay(asset_day), "b"),
      ChStageArrays(rs, fmt::format("brand = {}", brand), "b"), segments);
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch_->Select(fmt::format(
          "SELECT r, p, n, pre, seg, act, g, count(){} FROM (SELECT user, r, p, n, seg, act, g, maxIf(st, d "
          "= {}) "
          "AS pre, maxIf(st, d >= {}) AS top FROM (SELECT user, r, p, n, seg, act, g, d, {} AS st FROM ({}) "
          "ARRAY "
          "JOIN [{}] AS d) GROUP BY user, r, p, n, seg, act, g) GROUP BY r, p, n, pre, seg, act, g",
          counts, ChDay(c.start - 1), ChDay(c.start), ChStageAt(rs, "d", "a"), per_user, days)));
  std::map<std::tuple<int, std::string, int>, LiftStratum> strata;
  for (auto& row : rows) {
    const bool reached = ChU64(row.at(0)) != 0, pool = ChU64(row.at(1)) != 0, asset = ChU64(row.at(2)) != 0;
    const int64_t g = ChI64(row.at(6));
    const uint64_t n = ChU64(row.at(7));
    if (reached || asset) {  // the naive comparison: reached against the unreached asset
      (reached ? out.treatment_size : out.control_size) += n;
      (reached ? out.treatment_gmv : out.control_gmv)[g] += n;
      for (size_t s = 0; s < 4; ++s)
        (reached ? out.treatment_converted : out.control_converted)[s] += ChU64(row.at(8 + s));
    }
    if (!reached && !pool) continue;
    const size_t side = reached ? 0 : 1;
    LiftStratum& k =
        strata[{static_cast<int>(ChU64(row.at(3))), row.at(4), ActivityBucket(ChU64(row.at(5)))}];
    k.size[side] += n;
    k.gmv[side][g] += n;
    for (size_t s = 0; s < 4; ++s) k.converted[side][s] += ChU64(row.at(8 + s));
  }
  out.treatment_reached = out.treatment_size;  // every reached user is in the query
  for (auto& [key, k] : strata) {
    std::tie(k.pre_stage, k.segment, k.activity) = key;
    out.strata.push_back(std::move(k));
  }
  return out;
}

}  // namespace aips
