#include "distributed/ch_sql.h"

#include "distributed/ch_client.h"
#include "distributed/ch_store.h"
#include "domain/domain.h"
#include "fmt/format.h"

namespace aips {

std::string ChDay(Day day) { return fmt::format("toDate({})", ChDate(day)); }

std::string ChScopeFilter(const std::string& brand, const std::optional<std::string>& spu) {
  std::string f = "brand = " + ChQuote(brand);
  if (spu) f += " AND spu = " + ChQuote(*spu);
  return f;
}

std::string ChStageCondition(const StageRule& r) {
  std::string actions;
  for (int a = 0; a < kNumActions; ++a)
    if (r.action_mask & (1u << a)) actions += (actions.empty() ? "" : ", ") + ChQuote(kActionNames[a]);
  if (actions.empty()) return "0";
  std::string c = "(action IN (" + actions + ")";
  if (!r.channels.empty()) {
    std::string list;
    for (const std::string& ch : r.channels) list += (list.empty() ? "" : ", ") + ChQuote(ch);
    c += " AND channel IN (" + list + ")";
  }
  if (r.sentiment_mask != 0) {
    std::string list;
    for (int s = 0; s < 4; ++s)
      if (r.sentiment_mask & (1u << s)) list += (list.empty() ? "" : ", ") + ChQuote(kSentimentNames[s]);
    c += " AND sentiment IN (" + list + ")";
  }
  return c + ")";
}

std::string ChAnyStageCondition(const RuleSet& rules) {
  std::string c;
  for (const StageRule& r : rules.stages) c += (c.empty() ? "(" : " OR ") + ChStageCondition(r);
  return c + ")";
}

std::string ChStageArrays(const RuleSet& rules, const std::string& filter, const std::string& prefix) {
  std::string out;
  for (int s = 0; s < kNumStages; ++s) {
    out += fmt::format("{}groupArrayIf(day, {} AND {}) AS {}{}", s ? ", " : "", filter,
                       ChStageCondition(rules.stages[s]), prefix, s + 1);
  }
  return out;
}

std::string ChStageAt(const RuleSet& rules, const std::string& day_expr, const std::string& prefix) {
  std::string out = "multiIf(";
  for (int s = kNumStages - 1; s >= 0; --s) {
    const StageRule& r = rules.stages[s];
    out += fmt::format("arrayCount(x -> x >= {} - {} AND x <= {}, {}{}) >= {}, {}, ", day_expr,
                       r.window_days - 1, day_expr, prefix, s + 1, r.min_count, s + 1);
  }
  return out + "0)";
}

}  // namespace aips
