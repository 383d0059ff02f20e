// Campaign measures of docs/definitions.md#measures on the embedded engine: reach R(c), newI / newTI (and new
// P, new S) with their costs, GMV and ROI(T+x), seeded vs. unseeded buyers, the reached crowd's stage mix.
#include <algorithm>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "fmt/format.h"

namespace aips {

Result<CampaignResult> EmbeddedEngine::Campaign(const std::string& name, std::optional<int> x) {
  return CampaignWithReach(name, x, nullptr);
}

Result<CampaignResult> EmbeddedEngine::CampaignWithReach(const std::string& name, std::optional<int> x,
                                                         Roaring* reach_out) {
  if (x && (*x < 0 || *x > 3650)) return Status::InvalidArgument("--x must be a number of days in [0, 3650]");
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  AIPS_ASSIGN_OR_RETURN(Dictionary * campaigns, store_->dict(kDictCampaign));
  const auto row = cat->campaigns.find(name);
  const auto id = campaigns->Find(name);
  if (row == cat->campaigns.end() && !id) {
    return Status::NotFound(UnknownCampaignMessage(name));
  }
  CampaignResult out;
  out.campaign = name;
  out.last_data_day = store_->manifest().LastDay();
  if (row != cat->campaigns.end()) {
    out.listed = true;
    out.brand = row->second.brand;
    if (!row->second.spu.empty()) out.spu = row->second.spu;
    out.start = row->second.start;
    out.end = row->second.end;
  }
  for (auto it = cat->spend.lower_bound({name, kNoDay}); it != cat->spend.end() && it->first.first == name;
       ++it) {
    out.spend += it->second;
  }
  AIPS_RETURN_IF_ERROR(MeasureCampaign(id ? *id : kNoId, x, &out, reach_out));
  return out;
}

Status EmbeddedEngine::MeasureCampaign(uint32_t cid, std::optional<int> x, CampaignResult* out,
                                       Roaring* reach_out) {
  const Manifest& m = store_->manifest();
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, store_->dict(kDictBrand));
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  // A campaign without a campaigns row: its brand and flight come from its paid impressions and clicks.
  if (!out->listed) {
    if (cid == kNoId || m.LastDay() == kNoDay) return Status::OK();
    AIPS_ASSIGN_OR_RETURN(auto all, StoreEventSource::Open(*store_, m.FirstDay(), m.LastDay()));
    absl::flat_hash_map<uint32_t, uint64_t> by_brand;
    for (uint32_t b = 0; b < m.brands.size(); ++b) {
      AIPS_RETURN_IF_ERROR(
          all->ForEachBlock(b, m.FirstDay(), m.LastDay(), [&](Day day, const BrandBlock& blk) {
            for (size_t i = 0; i < blk.n; ++i) {
              if (blk.campaign[i] != cid) continue;
              ++by_brand[b];
              out->start = out->start == kNoDay ? day : std::min(out->start, day);
              out->end = std::max(out->end, day);
            }
          }));
    }
    if (by_brand.empty()) return Status::OK();
    auto best = std::max_element(by_brand.begin(), by_brand.end(),
                                 [](auto& a, auto& b) { return a.second < b.second; });
    out->brand = std::string(brands->Name(best->first));
  }
  auto category = store_->CategoryOfBrand(out->brand);
  if (!category.ok()) return category.status();
  out->x_days = x.value_or(cat->DecisionCycle(category.value()));
  out->window_end = out->end + out->x_days;
  out->provisional = m.LastDay() == kNoDay || out->window_end > m.LastDay();
  auto brand_id = brands->Find(out->brand);
  if (!brand_id || cid == kNoId || out->start == kNoDay) return Status::OK();  // nothing reached

  // 1. Reach: users with an impression or click carrying the campaign during the flight.
  AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, out->start, out->window_end));
  absl::flat_hash_map<uint32_t, Day> first_reach;
  AIPS_RETURN_IF_ERROR(src->ForEachBlock(*brand_id, out->start, out->end, [&](Day day, const BrandBlock& b) {
    for (size_t i = 0; i < b.n; ++i) {
      if (b.campaign[i] != cid) continue;
      const auto a = static_cast<Action>(b.action[i]);
      if (a != Action::kImpression && a != Action::kClick) continue;
      (a == Action::kImpression ? out->impressions : out->clicks)++;
      auto [it, fresh] = first_reach.try_emplace(b.user[i], day);
      if (!fresh) it->second = std::min(it->second, day);
    }
  }));
  out->reach = first_reach.size();
  Roaring reached;
  for (auto& [u, d] : first_reach) reached.add(u);
  if (reach_out) *reach_out = reached;

  // 2. Newly seeded people, in the campaign's SPU scope (brand scope if it has none).
  ScopeRef scope{out->brand, out->spu};
  Resolved r;
  r.brand = *brand_id;
  if (out->spu) {
    auto res = Resolve(scope);
    if (res.ok()) r = res.value();
  }
  if (!out->spu || r.scope != kBrandScope) {
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> before, MembersOn(r, out->start - 1));
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> after, MembersOn(r, out->end));
    auto crossed = [&](int s) {
      Roaring now = AtLeast(after, s) & reached;
      return now.andnot_cardinality(AtLeast(before, s));
    };
    out->new_I = crossed(2);
    out->new_TI = crossed(3);
    out->new_P = crossed(4);
    out->new_S = crossed(5);
    uint64_t in_b = 0, in_a = 0;
    for (int s = 1; s <= kNumStages; ++s) {
      out->mix_before[static_cast<size_t>(s)] = before[static_cast<size_t>(s - 1)].and_cardinality(reached);
      out->mix_after[static_cast<size_t>(s)] = after[static_cast<size_t>(s - 1)].and_cardinality(reached);
      in_b += out->mix_before[static_cast<size_t>(s)];
      in_a += out->mix_after[static_cast<size_t>(s)];
    }
    out->mix_before[0] = out->reach - in_b;
    out->mix_after[0] = out->reach - in_a;
  }

  // 3. Sales of the brand through d1 + x: ROI(T+x) and the seeded vs. unseeded comparison.
  Resolved brand_scope;
  brand_scope.brand = *brand_id;
  AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> asset_end, MembersOn(brand_scope, out->end));
  Roaring asset = AtLeast(asset_end, 1);
  absl::flat_hash_set<uint32_t> buyers, seeded_buyers, unseeded_buyers;
  AIPS_RETURN_IF_ERROR(
      src->ForEachBlock(*brand_id, out->start, out->window_end, [&](Day day, const BrandBlock& b) {
        for (size_t i = 0; i < b.n; ++i) {
          if (static_cast<Action>(b.action[i]) != Action::kPurchase) continue;
          const uint32_t u = b.user[i];
          auto it = first_reach.find(u);
          if (it != first_reach.end()) {
            if (day >= it->second) {
              out->gmv += b.amount[i];
              ++out->orders;
              buyers.insert(u);
            }
            ++out->seeded.orders;
            out->seeded.gmv += b.amount[i];
            seeded_buyers.insert(u);
          } else if (asset.contains(u)) {
            ++out->unseeded.orders;
            out->unseeded.gmv += b.amount[i];
            unseeded_buyers.insert(u);
          }
        }
      }));
  out->buyers = buyers.size();
  out->seeded.users = out->reach;
  out->seeded.buyers = seeded_buyers.size();
  out->unseeded.users = asset.andnot_cardinality(reached);
  out->unseeded.buyers = unseeded_buyers.size();
  return Status::OK();
}

Result<std::vector<CampaignResult>> EmbeddedEngine::BrandCampaigns(const std::string& brand,
                                                                   std::optional<int> x) {
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  std::set<std::string> names;
  for (auto& [name, ci] : cat->campaigns)
    if (ci.brand == brand) names.insert(name);
  if (r.brand) {
    // Campaigns that the brand's events carry without a campaigns row.
    const Manifest& m = store_->manifest();
    const BrandInfo& bi = m.brands[*r.brand];
    AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, bi.first_day, bi.last_day));
    AIPS_ASSIGN_OR_RETURN(Dictionary * campaigns, store_->dict(kDictCampaign));
    absl::flat_hash_set<uint32_t> ids;
    AIPS_RETURN_IF_ERROR(
        src->ForEachBlock(*r.brand, bi.first_day, bi.last_day, [&](Day, const BrandBlock& b) {
          for (size_t i = 0; i < b.n; ++i)
            if (b.campaign[i] != kNoId) ids.insert(b.campaign[i]);
        }));
    for (uint32_t id : ids) {
      std::string name(campaigns->Name(id));
      if (!cat->campaigns.count(name)) names.insert(name);
    }
  }
  std::vector<CampaignResult> out;
  for (const std::string& n : names) {
    AIPS_ASSIGN_OR_RETURN(CampaignResult c, Campaign(n, x));
    if (c.brand == brand) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace aips
