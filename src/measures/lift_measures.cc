// Holdout lift on the embedded engine (docs/measures.md#lift): the counts of engine/results.h LiftResult,
// from the campaign's experiment assignments, its scope's stage snapshots and the brand's purchases.
#include "absl/container/flat_hash_map.h"
#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "engine/lift_math.h"
#include "engine/messages.h"
#include "fmt/format.h"
#include "model/snapshot.h"
#include "store/experiments.h"

namespace aips {

Result<LiftResult> EmbeddedEngine::Lift(const std::string& campaign, std::optional<int> x,
                                        LiftDesign design) {
  Roaring reached;
  AIPS_ASSIGN_OR_RETURN(CampaignResult c, CampaignWithReach(campaign, x, &reached));
  AIPS_ASSIGN_OR_RETURN(Experiments experiments,
                        LoadExperiments(store_->dir(), store_->manifest().experiments_generation));
  auto it = experiments.campaigns.find(campaign);
  const bool assigned =
      it != experiments.campaigns.end() && !(it->second.treatment.isEmpty() && it->second.control.isEmpty());
  if (design == LiftDesign::kMatched || (design == LiftDesign::kAuto && !assigned))
    return MatchedLift(campaign, c, reached);
  if (!assigned) return Status::InvalidArgument(NoAssignmentMessage(campaign));
  const Roaring& treatment = it->second.treatment;
  const Roaring& control = it->second.control;
  LiftResult out = LiftFrame(campaign, c);
  out.treatment_size = treatment.cardinality();
  out.control_size = control.cardinality();
  out.treatment_reached = treatment.and_cardinality(reached);
  out.control_reached = control.and_cardinality(reached);
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, store_->dict(kDictBrand));
  const auto brand_id = brands->Find(c.brand);
  // Every member counts with GMV 0 until a purchase says otherwise.
  absl::flat_hash_map<uint32_t, int64_t> gmv;
  if (brand_id && c.start != kNoDay && out.measured_through >= c.start) {
    // Conversions in the campaign's scope: below s on d0 - 1, at s or above on some day to the end.
    // An SPU without events yet has no members: nobody converts in it.
    auto r = Resolve(ScopeRef{c.brand, c.spu});
    if (r.ok()) {
      AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> before, MembersOn(*r, c.start - 1));
      std::array<Roaring, 4> ever;
      for (Day d = c.start; d <= out.measured_through; ++d) {
        AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> on, MembersOn(*r, d));
        for (int s = 2; s <= kNumStages; ++s) ever[static_cast<size_t>(s - 2)] |= AtLeast(on, s);
      }
      for (int s = 2; s <= kNumStages; ++s) {
        const Roaring converted = ever[static_cast<size_t>(s - 2)] - AtLeast(before, s);
        out.treatment_converted[static_cast<size_t>(s - 2)] = converted.and_cardinality(treatment);
        out.control_converted[static_cast<size_t>(s - 2)] = converted.and_cardinality(control);
      }
    }
    // GMV: every purchase of the brand (any SPU, any channel) dated in [d0, measured_through].
    AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, c.start, out.measured_through));
    AIPS_RETURN_IF_ERROR(
        src->ForEachBlock(*brand_id, c.start, out.measured_through, [&](Day, const BrandBlock& b) {
          for (size_t i = 0; i < b.n; ++i) {
            if (static_cast<Action>(b.action[i]) != Action::kPurchase) continue;
            if (treatment.contains(b.user[i]) || control.contains(b.user[i])) gmv[b.user[i]] += b.amount[i];
          }
        }));
  }
  auto values = [&](const Roaring& group, std::map<int64_t, uint64_t>* out_values) {
    for (auto& [u, v] : gmv)
      if (group.contains(u)) ++(*out_values)[v];
    AddNonBuyers(group.cardinality(), out_values);
  };
  values(treatment, &out.treatment_gmv);
  values(control, &out.control_gmv);
  return out;
}

}  // namespace aips
