// Holdout lift on ClickHouse (docs/distributed.md, "Lift"; docs/measures.md#lift): the counts of
// engine/results.h LiftResult, evaluated in SQL over the assigned users only. A group is the users whose
// first assignment to the campaign is that group (`experiments`, sharded by user); each group's members
// get their stage code on d0 - 1 and their highest code on the days [d0, measured_through] from one level-1
// aggregate per user (shard-local), and their GMV of the brand in the window. What comes back: counts per
// stage, and the number of members per GMV value.
#include "distributed/ch_engine.h"
#include "distributed/ch_sql.h"
#include "distributed/ch_user_rows.h"
#include "domain/domain.h"
#include "engine/lift_math.h"
#include "engine/messages.h"
#include "fmt/format.h"

namespace aips {

Result<LiftResult> ClickHouseEngine::Lift(const std::string& campaign, std::optional<int> x,
                                          LiftDesign design) {
  ReachFlight flight;
  AIPS_ASSIGN_OR_RETURN(CampaignResult c, CampaignHeader(campaign, x, &flight));
  const std::string experiments = ch_->Table("experiments");
  LiftResult out = LiftFrame(campaign, c);
  AIPS_ASSIGN_OR_RETURN(out.treatment_size,
                        ch_->SumOverShards(fmt::format("SELECT count() FROM ({})",
                                                       ChExperimentGroupSql(experiments, campaign, true))));
  AIPS_ASSIGN_OR_RETURN(out.control_size,
                        ch_->SumOverShards(fmt::format("SELECT count() FROM ({})",
                                                       ChExperimentGroupSql(experiments, campaign, false))));
  const bool assigned = out.treatment_size > 0 || out.control_size > 0;
  if (design == LiftDesign::kMatched || (design == LiftDesign::kAuto && !assigned))
    return MatchedLift(campaign, c);
  if (!assigned) return Status::InvalidArgument(NoAssignmentMessage(campaign));
  const bool measurable = c.start != kNoDay && out.measured_through >= c.start;
  const std::string events = ch_->Table("events");
  for (bool treatment : {true, false}) {
    const std::string members = ChExperimentGroupSql(ch_->Local("experiments"), campaign, treatment);
    uint64_t& reached = treatment ? out.treatment_reached : out.control_reached;
    std::array<uint64_t, 4>& converted = treatment ? out.treatment_converted : out.control_converted;
    std::map<int64_t, uint64_t>& gmv = treatment ? out.treatment_gmv : out.control_gmv;
    const uint64_t size = treatment ? out.treatment_size : out.control_size;
    if (flight.carried > 0 && c.start != kNoDay) {
      // Reach as the campaign measures it: an impression or click carrying it, on its brand, in the flight.
      AIPS_ASSIGN_OR_RETURN(
          reached, ch_->SumOverShards(fmt::format(
                       "SELECT uniqExact(user) FROM {} WHERE brand = {} AND campaign = {} AND action IN "
                       "('impression', 'click') AND day >= {} AND day <= {} AND user IN ({})",
                       events, ChQuote(c.brand), ChQuote(campaign), ChDay(c.start), ChDay(c.end), members)));
    }
    if (measurable) {
      const RuleSet& rs = RulesOf(c.brand);
      std::string days;
      for (Day d = c.start - 1; d <= out.measured_through; ++d) days += (days.empty() ? "" : ", ") + ChDay(d);
      std::string counts;
      for (int s = 2; s <= kNumStages; ++s)
        counts += fmt::format("{}countIf(pre < {} AND top >= {})", counts.empty() ? "" : ", ", s, s);
      AIPS_ASSIGN_OR_RETURN(
          ChRows rows, ch_->Select(fmt::format("SELECT {} FROM (SELECT user, maxIf(st, d = {}) AS pre, "
                                               "maxIf(st, d >= {}) AS top FROM (SELECT user, "
                                               "d, {} AS st FROM (SELECT user, {} FROM {} WHERE {} AND day "
                                               ">= {} AND day <= {} AND user IN ({}) "
                                               "GROUP BY user) ARRAY JOIN [{}] AS d) GROUP BY user)",
                                               counts, ChDay(c.start - 1), ChDay(c.start),
                                               ChStageAt(rs, "d", "a"), ChStageArrays(rs, "1", "a"), events,
                                               ChScopeFilter(c.brand, c.spu), ChDay(c.start - rs.MaxWindow()),
                                               ChDay(out.measured_through), members, days)));
      for (auto& r : rows)
        for (size_t s = 0; s < 4; ++s) converted[s] += ChU64(r.at(s));
      // GMV of the brand (every SPU and channel) per member who bought, then members per value.
      AIPS_ASSIGN_OR_RETURN(
          ChRows values,
          ch_->Select(
              fmt::format("SELECT g, count() FROM (SELECT user, sum(amount) AS g FROM {} WHERE brand = {} "
                          "AND action = 'purchase' AND day >= {} AND day <= {} AND user IN ({}) GROUP BY "
                          "user) GROUP BY g",
                          events, ChQuote(c.brand), ChDay(c.start), ChDay(out.measured_through), members)));
      for (auto& r : values) gmv[ChI64(r.at(0))] += ChU64(r.at(1));
    }
    AddNonBuyers(size, &gmv);
  }
  return out;
}

}  // namespace aips
