// The cohorts a forecast learns from, on the embedded engine (engine/results.h CohortPurchases;
// docs/measures.md#forecast): the scope's stage snapshots on the asked days and the brand's purchases
// dated after the earliest origin and on or before the forecast day.
#include <algorithm>

#include "common/hash_tables.h"
#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "fmt/format.h"
#include "model/snapshot.h"

namespace aips {

Result<int> EmbeddedEngine::DecisionCycleOf(const std::string& brand) {
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  AIPS_ASSIGN_OR_RETURN(std::string category, store_->CategoryOfBrand(brand));
  return cat->DecisionCycle(category);
}

Result<CohortPurchases> EmbeddedEngine::PurchasesOfCohorts(const ScopeRef& scope, int stage, Day date,
                                                           const std::vector<Day>& origins) {
  if (stage < 1 || stage > kNumStages) return Status::InvalidArgument(fmt::format("no stage {}", stage));
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(scope));
  CohortPurchases out;
  out.scope = scope;
  out.stage = stage;
  out.date = date;
  const auto at = static_cast<size_t>(stage - 1);
  if (!r.brand) {  // named only by a brands row: no members, no history
    for (Day d : origins) out.origins.push_back({d, 0, {}});
    return out;
  }
  AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> now, MembersOn(r, date));
  out.members = now[at].cardinality();
  std::vector<Roaring> cohorts;
  Roaring all;
  Day first = date;
  for (Day d : origins) {
    if (d >= date) return Status::InvalidArgument("a forecast's origins come before its date");
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> on, MembersOn(r, d));
    cohorts.push_back(std::move(on[at]));
    all |= cohorts.back();
    first = std::min(first, d);
  }
  out.distinct_users = all.cardinality();
  // Each cohort user's purchase days of the brand in (first origin, date], ascending.
  KeyedLists<Day> bought;  // by user (common/hash_tables.h)
  if (first < date && !all.isEmpty()) {
    AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, first + 1, date));
    AIPS_RETURN_IF_ERROR(src->ForEachBlock(*r.brand, first + 1, date, [&](Day day, const BrandBlock& b) {
      for (size_t i = 0; i < b.n; ++i) {
        if (static_cast<Action>(b.action[i]) != Action::kPurchase || !all.contains(b.user[i])) continue;
        std::vector<Day>& days = bought[b.user[i]];
        if (days.empty() || days.back() != day) days.push_back(day);
      }
    }));
  }
  for (size_t i = 0; i < origins.size(); ++i) {
    CohortPurchases::Origin o;
    o.day = origins[i];
    o.size = cohorts[i].cardinality();
    for (uint32_t u : cohorts[i]) {
      const std::vector<Day>* days = bought.Find(u);
      if (days == nullptr) continue;
      auto next = std::upper_bound(days->begin(), days->end(), o.day);
      if (next != days->end()) ++o.first_purchase[static_cast<int>(*next - o.day)];
    }
    out.origins.push_back(std::move(o));
  }
  return out;
}

}  // namespace aips
