#include "sim/sim_truth.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "common/json_writer.h"
#include "fmt/format.h"
#include "sim/journey.h"
#include "sim/sim_content.h"

namespace aips::sim {

void CampaignTally::Add(const CampaignTally& o) {
  treatment += o.treatment;
  control += o.control;
  assigned_without_events += o.assigned_without_events;
  reached += o.reached;
  for (int k = 0; k < kTruthStages; ++k) {
    itt[static_cast<size_t>(k)] += o.itt[static_cast<size_t>(k)];
    matched[static_cast<size_t>(k)] += o.matched[static_cast<size_t>(k)];
  }
  itt_gmv_cents += o.itt_gmv_cents;
  matched_gmv_cents += o.matched_gmv_cents;
}

void PlantTally::Init(const World& w) {
  brand_users.assign(static_cast<size_t>(kNumSegments) * w.brands.size(), 0);
  category_users.assign(static_cast<size_t>(kNumSegments) * kNumCategories, 0);
}

void PlantTally::Add(const PlantTally& o) {
  for (size_t i = 0; i < brand_users.size(); ++i) brand_users[i] += o.brand_users[i];
  for (size_t i = 0; i < category_users.size(); ++i) category_users[i] += o.category_users[i];
  fp_customers += o.fp_customers;
  fp_matched += o.fp_matched;
  for (size_t i = 0; i < fp_by_orders.size(); ++i) fp_by_orders[i] += o.fp_by_orders[i];
  dormant += o.dormant;
}

namespace {

std::string Yuan(int64_t cents) {
  const char* sign = cents < 0 ? "-" : "";
  const int64_t a = std::llabs(cents);
  return fmt::format("{}{}.{:02d}", sign, a / 100, a % 100);
}

// {"I": mean, "TI": ..., "P": ..., "S": ..., "gmv": mean yuan, "incremental": {"I": Σ, ..., "gmv": Σ yuan}}
// over n members, or null when n is 0.
void Truth(JsonWriter& j, const std::array<int64_t, kTruthStages>& sums, int64_t gmv_cents, uint64_t n) {
  if (n == 0) {
    j.Null();
    return;
  }
  const double dn = static_cast<double>(n);
  j.BeginObject();
  for (int k = 0; k < kTruthStages; ++k)
    j.Key(kTruthStageNames[static_cast<size_t>(k)])
        .Double(static_cast<double>(sums[static_cast<size_t>(k)]) / dn);
  j.Key("gmv").Double(static_cast<double>(gmv_cents) / 100.0 / dn);
  j.Key("incremental").BeginObject();
  for (int k = 0; k < kTruthStages; ++k)
    j.Key(kTruthStageNames[static_cast<size_t>(k)]).Int(sums[static_cast<size_t>(k)]);
  j.Key("gmv").Raw(Yuan(gmv_cents));
  j.EndObject();
  j.EndObject();
}

}  // namespace

std::string TruthJson(const SimOptions& opt, const World& w, Day start,
                      const std::vector<CampaignTally>& tally, const PlantTally& plants) {
  JsonWriter j;
  j.BeginObject();
  j.Key("seed").Int(static_cast<int64_t>(opt.seed));
  j.Key("users").Int(static_cast<int64_t>(opt.users));
  j.Key("days").Int(opt.days);
  j.Key("start").String(FormatDate(start));
  j.Key("last_day").String(FormatDate(start + opt.days - 1));
  j.Key("effects").String(opt.effects ? "planted" : "none");
  j.Key("holdout_share").Double(opt.holdout_share);
  j.Key("stage_rules").String("default");
  j.Key("campaigns").BeginArray();
  for (size_t c = 0; c < w.campaigns.size(); ++c) {
    const Campaign& cp = w.campaigns[c];
    const Brand& b = w.brands[static_cast<size_t>(cp.brand)];
    const CampaignTally& t = tally[c];
    const int x = kCategories[static_cast<size_t>(b.category)].cycle;
    j.BeginObject();
    j.Key("campaign").String(cp.name);
    j.Key("brand").String(b.name);
    j.Key("spu");
    if (cp.spu >= 0) {
      j.String(b.spus[static_cast<size_t>(cp.spu)]);
    } else {
      j.Null();
    }
    j.Key("start").String(FormatDate(start + cp.start));
    j.Key("end").String(FormatDate(start + cp.end));
    j.Key("x").Int(x);
    j.Key("window_end").String(FormatDate(start + std::min(cp.end + x, opt.days - 1)));
    j.Key("effect").BeginObject().Key("I").Double(cp.effect.i).Key("TI").Double(cp.effect.ti);
    j.Key("P").Double(cp.effect.p).EndObject();
    j.Key("holdout").Bool(cp.holdout);
    j.Key("assigned");
    if (cp.holdout) {
      j.BeginObject().Key("treatment").Int(static_cast<int64_t>(t.treatment));
      j.Key("control").Int(static_cast<int64_t>(t.control));
      j.Key("without_events").Int(static_cast<int64_t>(t.assigned_without_events)).EndObject();
    } else {
      j.Null();
    }
    j.Key("truth_holdout");
    Truth(j, t.itt, t.itt_gmv_cents, cp.holdout ? t.treatment + t.control : 0);
    j.Key("reached").Int(static_cast<int64_t>(t.reached));
    j.Key("truth_matched");
    Truth(j, t.matched, t.matched_gmv_cents, t.reached);
    j.EndObject();
  }
  j.EndArray();

  // Segments that prefer (or avoid) brands; the hint is the segment's share among the brand's users over
  // its share among the category's users (any event in the period) × 100.
  j.Key("segments").BeginArray();
  for (const SegmentPreference& p : w.preferences) {
    const Brand& b = w.brands[static_cast<size_t>(p.brand)];
    uint64_t in_brand = 0, in_cat = 0;
    for (int s = 0; s < kNumSegments; ++s) {
      in_brand += plants.brand_users[static_cast<size_t>(s) * w.brands.size() + static_cast<size_t>(p.brand)];
      in_cat += plants.category_users[static_cast<size_t>(s * kNumCategories + b.category)];
    }
    const double share_b =
        in_brand ? static_cast<double>(plants.brand_users[static_cast<size_t>(p.segment) * w.brands.size() +
                                                          static_cast<size_t>(p.brand)]) /
                       static_cast<double>(in_brand)
                 : 0;
    const double share_c =
        in_cat ? static_cast<double>(
                     plants.category_users[static_cast<size_t>(p.segment * kNumCategories + b.category)]) /
                     static_cast<double>(in_cat)
               : 0;
    j.BeginObject().Key("segment").String(kSegmentTags[static_cast<size_t>(p.segment)]);
    j.Key("brand").String(b.name).Key("preference").Double(p.weight).Key("planted_tgi_hint");
    if (share_c > 0) {
      j.Int(std::llround(100.0 * share_b / share_c));
    } else {
      j.Null();
    }
    j.EndObject();
  }
  j.EndArray();

  j.Key("first_party").BeginObject();
  j.Key("customer_share").Double(kFirstPartyShare).Key("identity_share").Double(kIdentityShare);
  j.Key("repeat_share").Double(kRepeatShare).Key("loyalty_per_order").Double(kLoyaltyPerOrder);
  j.Key("orders_dated").String("before the brand's category's last decision cycle");
  j.Key("loyalty").String(
      "progression on the brand's journeys x (1 + loyalty_per_order x (orders - 1)), unless the last "
      "order is older than 3 decision cycles before the last day (lapsed); a customer has one more "
      "journey with the brand per order");
  j.Key("customers").Int(static_cast<int64_t>(plants.fp_customers));
  j.Key("matched").Int(static_cast<int64_t>(plants.fp_matched));
  j.Key("by_orders").BeginObject();
  for (size_t k = 1; k < plants.fp_by_orders.size(); ++k)
    j.Key(std::to_string(k)).Int(static_cast<int64_t>(plants.fp_by_orders[k]));
  j.EndObject().EndObject();

  j.Key("brands").BeginArray();
  for (const Brand& b : w.brands) {
    j.BeginObject()
        .Key("brand")
        .String(b.name)
        .Key("category")
        .String(kCategories[static_cast<size_t>(b.category)].name);
    j.Key("rank").Int(b.rank).Key("like_share").Double(b.like_share).Key("engagement").Double(b.engagement);
    j.Key("post_chance").Double(b.post_chance).Key("positive_share").Double(b.positive).EndObject();
  }
  j.EndArray();

  j.Key("topics").BeginArray();
  for (int c = 0; c < kNumCategories; ++c) {
    j.BeginObject().Key("category").String(kCategories[static_cast<size_t>(c)].name);
    j.Key("rising").String(RisingTopic(c)).Key("trend_share_last_day").Double(kTrendShare).EndObject();
  }
  j.EndArray();

  j.Key("targeting").BeginObject();
  j.Key("intent").String("segment_intent x exp(sigma z - sigma^2 / 2), z standard normal, per user");
  j.Key("intent_sigma").Double(kIntentSigma);
  j.Key("segment_intent").BeginObject();
  for (int s = 0; s < kNumSegments; ++s)
    j.Key(kSegmentTags[static_cast<size_t>(s)]).Double(kSegmentIntent[static_cast<size_t>(s)]);
  j.EndObject();
  j.Key("paid_chance")
      .String(
          "min(0.97, base x segment_target x (1 + per_recent x min(recent, 3)) x (retarget if the user "
          "engaged "
          "with the brand in the 30 days before the journey) x intent^intent_power) per impression on a live "
          "campaign's day; recent = the user's other journeys in the category begun in the 30 days before");
  j.Key("base").Double(kTargetBase).Key("per_recent").Double(kTargetPerRecent);
  j.Key("retarget").Double(kRetarget).Key("intent_power").Double(kTargetIntentPower);
  j.Key("segment_target").BeginObject();
  for (int s = 0; s < kNumSegments; ++s)
    j.Key(kSegmentTags[static_cast<size_t>(s)]).Double(kSegmentTarget[static_cast<size_t>(s)]);
  j.EndObject();
  j.Key("dormant_users").Int(static_cast<int64_t>(plants.dormant));
  j.EndObject();
  j.EndObject();
  return j.str() + "\n";
}

}  // namespace aips::sim
