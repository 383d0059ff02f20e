// Measures for acting on the crowd (docs/measures.md): 一方光谱 (first-party tiers × stages, with bid
// multipliers) and 人群纠偏 (a running campaign's reached crowd against its target).
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "engine/messages.h"
#include "fmt/format.h"
#include "store/attributes.h"

namespace aips {

Status EmbeddedEngine::FirstPartyTiers(uint32_t brand, const std::string& brand_name, Day date, int x,
                                       std::array<Roaring, kNumTiers>* tiers, Roaring* converted,
                                       double* threshold) {
  AIPS_ASSIGN_OR_RETURN(Dictionary * channels, store_->dict(kDictChannel));
  const auto fp = channels->Find("first_party");
  struct Buyer {
    int orders = 0;
    int64_t gmv = 0;
    Day last = kNoDay;
  };
  absl::flat_hash_map<uint32_t, Buyer> buyers;
  AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, date - 364, date + x));
  AIPS_RETURN_IF_ERROR(src->ForEachBlock(brand, date - 364, date + x, [&](Day day, const BrandBlock& b) {
    for (size_t i = 0; i < b.n; ++i) {
      if (static_cast<Action>(b.action[i]) != Action::kPurchase) continue;
      if (day > date) {
        converted->add(b.user[i]);
      } else if (fp && b.channel[i] == *fp) {
        Buyer& by = buyers[b.user[i]];
        ++by.orders;
        by.gmv += b.amount[i];
        by.last = std::max(by.last, day);
      }
    }
  }));
  std::vector<int64_t> repeat_gmv;
  for (auto& [u, by] : buyers)
    if (by.orders >= 2) repeat_gmv.push_back(by.gmv);
  std::sort(repeat_gmv.begin(), repeat_gmv.end());
  const int64_t cut = repeat_gmv.empty() ? INT64_MAX : repeat_gmv[repeat_gmv.size() * 8 / 10];
  *threshold = repeat_gmv.empty() ? 0 : static_cast<double>(cut) / 1e6;
  Roaring fp_buyers;
  for (auto& [u, by] : buyers) {
    fp_buyers.add(u);
    int t = by.last < date - 2 * x ? 3 : (by.orders >= 2 && by.gmv >= cut) ? 0 : by.orders >= 2 ? 1 : 2;
    (*tiers)[static_cast<size_t>(t)].add(u);
  }
  // Prospects: the brand's asset on the date without a first-party order in the year.
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand_name, std::nullopt}));
  AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> members, MembersOn(r, date));
  Roaring asset;
  for (auto& m : members) asset |= m;
  (*tiers)[4] = asset - fp_buyers;
  return Status::OK();
}

Result<SpectrumResult> EmbeddedEngine::Spectrum(const std::string& brand, std::optional<Day> date,
                                                std::optional<int> x) {
  SpectrumResult out;
  out.brand = brand;
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
  AIPS_ASSIGN_OR_RETURN(std::string category, store_->CategoryOfBrand(brand));
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  out.x_days = x.value_or(cat->DecisionCycle(category));
  if (out.x_days < 1) return Status::InvalidArgument("--x must be at least 1");
  AIPS_ASSIGN_OR_RETURN(Day last, DefaultDay());
  out.date = date.value_or(std::max(store_->manifest().FirstDay(), last - out.x_days));
  out.provisional = out.date + out.x_days > last;
  if (!r.brand) return out;
  std::array<Roaring, kNumTiers> tiers;
  Roaring converted;
  AIPS_RETURN_IF_ERROR(
      FirstPartyTiers(*r.brand, brand, out.date, out.x_days, &tiers, &converted, &out.high_value_gmv));
  AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> members, MembersOn(r, out.date));
  for (int t = 0; t < kNumTiers; ++t) {
    uint64_t in_stages = 0, conv_in_stages = 0;
    for (int s = 1; s <= kNumStages; ++s) {
      Roaring cell = tiers[static_cast<size_t>(t)] & members[static_cast<size_t>(s - 1)];
      out.cells[static_cast<size_t>(t)][static_cast<size_t>(s)] = {cell.cardinality(),
                                                                   cell.and_cardinality(converted)};
      in_stages += cell.cardinality();
      conv_in_stages += out.cells[static_cast<size_t>(t)][static_cast<size_t>(s)].converted;
    }
    out.cells[static_cast<size_t>(t)][0] = {
        tiers[static_cast<size_t>(t)].cardinality() - in_stages,
        tiers[static_cast<size_t>(t)].and_cardinality(converted) - conv_in_stages};
  }
  return out;
}

Result<Roaring> EmbeddedEngine::TierMembers(const std::string& brand, const std::string& tier, Day date) {
  AIPS_ASSIGN_OR_RETURN(const int t, TierIndex(tier));
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
  if (!r.brand) return Roaring();
  AIPS_ASSIGN_OR_RETURN(std::string category, store_->CategoryOfBrand(brand));
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  std::array<Roaring, kNumTiers> tiers;
  Roaring converted;
  double threshold;
  AIPS_RETURN_IF_ERROR(
      FirstPartyTiers(*r.brand, brand, date, cat->DecisionCycle(category), &tiers, &converted, &threshold));
  return tiers[static_cast<size_t>(t)];
}

Result<CorrectionResult> EmbeddedEngine::Correction(const std::string& campaign,
                                                    const CrowdQuery& target_crowd, double threshold) {
  const std::string& target_expr = target_crowd.expr;
  CorrectionResult out;
  out.campaign = campaign;
  out.target = target_expr;
  out.threshold = threshold;
  if (threshold <= 0 || threshold > 1) return Status::InvalidArgument("--threshold must be in (0, 1]");
  AIPS_ASSIGN_OR_RETURN(CampaignResult c, Campaign(campaign, std::nullopt));
  out.brand = c.brand;
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(target_expr));
  AIPS_ASSIGN_OR_RETURN(Roaring target, EvalCrowd(*node, target_crowd.tenant));
  out.target_size = target.cardinality();
  out.exclusion = fmt::format("reached(campaign: \"{}\") and not ({})", campaign, target_expr);
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, store_->dict(kDictBrand));
  AIPS_ASSIGN_OR_RETURN(Dictionary * campaigns, store_->dict(kDictCampaign));
  auto bid = brands->Find(c.brand);
  auto cid = campaigns->Find(campaign);
  if (!bid || !cid || c.start == kNoDay) return out;
  // First reach day of every reached user.
  absl::flat_hash_map<uint32_t, Day> first;
  AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, c.start, c.end));
  AIPS_RETURN_IF_ERROR(src->ForEachBlock(*bid, c.start, c.end, [&](Day day, const BrandBlock& b) {
    for (size_t i = 0; i < b.n; ++i) {
      const auto a = static_cast<Action>(b.action[i]);
      if (b.campaign[i] != *cid || (a != Action::kImpression && a != Action::kClick)) continue;
      auto [it, fresh] = first.try_emplace(b.user[i], day);
      if (!fresh) it->second = std::min(it->second, day);
    }
  }));
  UserAttributes attrs;
  if (store_->manifest().attributes_generation) {
    AIPS_ASSIGN_OR_RETURN(attrs, LoadAttributes(store_->dir(), store_->manifest().attributes_generation));
  }
  Resolved r;
  r.brand = *bid;
  Roaring reached;
  for (Day d = c.start; d <= c.end; ++d) {
    for (auto& [u, fd] : first)
      if (fd == d) reached.add(u);
    CorrectionDay day;
    day.day = d;
    day.reached = reached.cardinality();
    day.on_target = reached.and_cardinality(target);
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> members, MembersOn(r, d));
    uint64_t rs = 0, ts = 0;
    for (int s = 1; s <= kNumStages; ++s) {
      day.reached_mix[static_cast<size_t>(s)] = reached.and_cardinality(members[static_cast<size_t>(s - 1)]);
      day.target_mix[static_cast<size_t>(s)] = target.and_cardinality(members[static_cast<size_t>(s - 1)]);
      rs += day.reached_mix[static_cast<size_t>(s)];
      ts += day.target_mix[static_cast<size_t>(s)];
    }
    day.reached_mix[0] = day.reached - rs;
    day.target_mix[0] = out.target_size - ts;
    for (auto& [tag, users] : attrs.tags) {
      if (!day.reached || !out.target_size) break;
      const double share_r =
          static_cast<double>(reached.and_cardinality(users)) / static_cast<double>(day.reached);
      const double share_t =
          static_cast<double>(target.and_cardinality(users)) / static_cast<double>(out.target_size);
      if (share_t > 0 && share_r / share_t < threshold) day.drifting.emplace_back(tag, share_r / share_t);
      if (d == c.end) out.segments.emplace_back(tag, share_r, share_t);
    }
    out.days.push_back(std::move(day));
  }
  out.exclusion_size = reached.andnot_cardinality(target);
  return out;
}

}  // namespace aips
