// The matched design of lift on the embedded engine (docs/measures.md#matched-lift): the strata of
// engine/results.h LiftStratum, from the campaign's reach, the brand's other impressions and clicks in the
// flight (the comparison pool), the scope's stage snapshots, the user attributes' `segment:` tags, the
// category's events of the 30 days before the flight and the brand's purchases.
#include <algorithm>
#include <bit>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "engine/lift_math.h"
#include "model/snapshot.h"
#include "store/attributes.h"

namespace aips {

namespace {

// The stage code (0 = none .. 5 = S) of every user in `members` (one set per stage 1..5).
void StageCodes(const std::vector<Roaring>& members, absl::flat_hash_map<uint32_t, int>* code) {
  for (size_t s = 0; s < members.size(); ++s)
    for (uint32_t u : members[s]) (*code)[u] = std::max((*code)[u], static_cast<int>(s) + 1);
}

}  // namespace

Result<LiftResult> EmbeddedEngine::MatchedLift(const std::string& campaign, const CampaignResult& c,
                                               const Roaring& reached) {
  LiftResult out = LiftFrame(campaign, c);
  out.design = "matched";
  out.treatment_reached = reached.cardinality();
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, store_->dict(kDictBrand));
  AIPS_ASSIGN_OR_RETURN(Dictionary * campaigns, store_->dict(kDictCampaign));
  const auto brand_id = brands->Find(c.brand);
  const auto cid = campaigns->Find(campaign);
  if (!brand_id || c.start == kNoDay || out.measured_through < c.start) return out;
  const Day first = c.start - kMatchedActivityDays, last = std::max(c.end, out.measured_through);
  AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, first, last));

  // The pool: users who met the brand in the flight (an impression or click not carrying the campaign)
  // and were not reached.
  Roaring pool;
  AIPS_RETURN_IF_ERROR(src->ForEachBlock(*brand_id, c.start, c.end, [&](Day, const BrandBlock& b) {
    for (size_t i = 0; i < b.n; ++i) {
      const auto a = static_cast<Action>(b.action[i]);
      if ((a == Action::kImpression || a == Action::kClick) && (!cid || b.campaign[i] != *cid))
        pool.add(b.user[i]);
    }
  }));
  pool -= reached;
  // The naive comparison: the brand's unreached asset (A+ in the brand scope) at the flight's end, as the
  // campaign's seeded/unseeded split counts it.
  Roaring asset;
  const Day asset_day = std::min(c.end, out.measured_through);
  {
    Resolved brand_scope;
    brand_scope.brand = *brand_id;
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> on, MembersOn(brand_scope, asset_day));
    asset = AtLeast(on, 1) - reached;
  }
  const Roaring exposed = reached | pool, universe = exposed | asset;

  // Before the flight: stage in the scope, segment, active days in the category.
  absl::flat_hash_map<uint32_t, int> pre;
  std::array<Roaring, 4> ever;  // at I, TI, P, S on some day of [d0, measured_through]
  Roaring before_at[4];
  auto r = Resolve(ScopeRef{c.brand, c.spu});
  if (!r.ok() && !r.status().IsNotFound()) return r.status();  // an SPU without events: nobody converts
  if (r.ok()) {
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> before, MembersOn(*r, c.start - 1));
    for (auto& m : before) m &= universe;
    StageCodes(before, &pre);
    for (int s = 2; s <= kNumStages; ++s) before_at[s - 2] = AtLeast(before, s);
    for (Day d = c.start; d <= out.measured_through; ++d) {
      AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> on, MembersOn(*r, d));
      for (int s = 2; s <= kNumStages; ++s) ever[static_cast<size_t>(s - 2)] |= AtLeast(on, s) & universe;
    }
  }
  absl::flat_hash_map<uint32_t, const std::string*> segment;
  UserAttributes attrs;
  if (store_->manifest().attributes_generation) {
    AIPS_ASSIGN_OR_RETURN(attrs, LoadAttributes(store_->dir(), store_->manifest().attributes_generation));
    for (auto it = attrs.tags.lower_bound(kSegmentTagPrefix);
         it != attrs.tags.end() && it->first.starts_with(kSegmentTagPrefix); ++it) {
      for (uint32_t u : it->second& exposed) segment.try_emplace(u, &it->first);  // first in byte order
    }
  }
  static_assert(kMatchedActivityDays <= 32, "a day mask per user");
  absl::flat_hash_map<uint32_t, uint32_t> active;  // bit d0 - day - 1: active that day
  AIPS_ASSIGN_OR_RETURN(std::string category, store_->CategoryOfBrand(c.brand));
  AIPS_ASSIGN_OR_RETURN(std::vector<std::string> category_brands, store_->BrandsOfCategory(category));
  for (const std::string& name : category_brands) {
    const auto b = brands->Find(name);
    if (!b) continue;
    AIPS_RETURN_IF_ERROR(src->ForEachBlock(*b, first, c.start - 1, [&](Day day, const BrandBlock& blk) {
      for (size_t i = 0; i < blk.n; ++i)
        if (exposed.contains(blk.user[i])) active[blk.user[i]] |= 1u << (c.start - day - 1);
    }));
  }
  // GMV of the brand in [d0, measured_through].
  absl::flat_hash_map<uint32_t, int64_t> gmv;
  AIPS_RETURN_IF_ERROR(
      src->ForEachBlock(*brand_id, c.start, out.measured_through, [&](Day, const BrandBlock& b) {
        for (size_t i = 0; i < b.n; ++i)
          if (static_cast<Action>(b.action[i]) == Action::kPurchase && universe.contains(b.user[i]))
            gmv[b.user[i]] += b.amount[i];
      }));

  std::map<std::tuple<int, std::string, int>, LiftStratum> strata;
  for (uint32_t u : universe) {
    const bool is_reached = reached.contains(u), is_pool = pool.contains(u), is_asset = asset.contains(u);
    uint32_t converted = 0;
    for (size_t s = 0; s < 4; ++s)
      if (ever[s].contains(u) && !before_at[s].contains(u)) converted |= 1u << s;
    auto g = gmv.find(u);
    const int64_t v = g == gmv.end() ? 0 : g->second;
    if (is_reached || is_asset) {  // the naive comparison: reached against the unreached asset
      ++(is_reached ? out.treatment_size : out.control_size);
      for (size_t s = 0; s < 4; ++s)
        if (converted >> s & 1) ++(is_reached ? out.treatment_converted : out.control_converted)[s];
      ++(is_reached ? out.treatment_gmv : out.control_gmv)[v];
    }
    if (!is_reached && !is_pool) continue;
    const size_t side = is_reached ? 0 : 1;
    auto p = pre.find(u);
    auto seg = segment.find(u);
    auto a = active.find(u);
    const auto days = static_cast<uint64_t>(a == active.end() ? 0 : std::popcount(a->second));
    const int code = p == pre.end() ? 0 : p->second;
    LiftStratum& k =
        strata[{code, seg == segment.end() ? std::string() : *seg->second, ActivityBucket(days)}];
    ++k.size[side];
    for (size_t s = 0; s < 4; ++s)
      if (converted >> s & 1) ++k.converted[side][s];
    ++k.gmv[side][v];
  }
  for (auto& [key, k] : strata) {
    std::tie(k.pre_stage, k.segment, k.activity) = key;
    out.strata.push_back(std::move(k));
  }
  return out;
}

}  // namespace aips
