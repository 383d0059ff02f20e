#include "sim/journey.h"

#include <algorithm>
#include <cmath>

#include "sim/sim_truth.h"

namespace aips::sim {

namespace {

constexpr std::array<Action, 10> kDeepActions = {
    Action::kDeepRead,   Action::kCollect, Action::kComment,      Action::kShare,     Action::kFollow,
    Action::kScreenshot, Action::kSearch,  Action::kProductClick, Action::kAddToCart, Action::kStoreVisit};
constexpr double kDeepWeights[10] = {0.30, 0.20, 0.08, 0.05, 0.05, 0.03, 0.12, 0.09, 0.06, 0.02};

// Base progression probabilities of an average user (θ = 1) without a campaign.
constexpr double kToInterest = 0.38, kToDeep = 0.45, kToPurchase = 0.32;
constexpr double kMaxChance = 0.95;

bool Shown(int c, std::span<const int> suppressed) {
  return c >= 0 && std::find(suppressed.begin(), suppressed.end(), c) == suppressed.end();
}

}  // namespace

double PaidChance(const Traits& t, int recent, bool retarget) {
  const double tag = kSegmentTarget[static_cast<size_t>(t.segment)];
  const double activity = 1 + kTargetPerRecent * std::min(recent, 3);
  return std::min(0.97, kTargetBase * tag * activity * (retarget ? kRetarget : 1.0) *
                            std::pow(t.intent, kTargetIntentPower));
}

void PlanJourney(const World& w, const JourneyRef& j, const Traits& t, std::span<const int> suppressed,
                 std::vector<SimEvent>* out, int* last_engaged) {
  Rng r(j.seed);
  const Brand& b = w.brands[static_cast<size_t>(j.brand)];
  const double x = kCategories[static_cast<size_t>(b.category)].cycle;
  const uint64_t n_spus = b.spus.size();
  // Every draw first, in one order (common random numbers).
  const bool with_spu = r.Chance(0.85);
  const int spu_pick = static_cast<int>(r.Below(n_spus));
  const int impressions = 1 + static_cast<int>(r.Below(4));
  double u_paid[4];
  int gap[4];
  for (int i = 0; i < 4; ++i) {
    u_paid[i] = r.Uniform();
    gap[i] = r.Delay(2.0);
  }
  const double u_interest = r.Uniform(), u_like = r.Uniform(), u_tag = r.Uniform();
  const int d_click = r.Delay(1.5);
  const double u_deep = r.Uniform();
  const int d_deep = r.Delay(x / 5);
  const int n_deep = 1 + static_cast<int>(r.Below(3));
  double u_action[3], u_search[3];
  int gap_deep[3];
  for (int k = 0; k < 3; ++k) {
    u_action[k] = r.Uniform();
    u_search[k] = r.Uniform();
    gap_deep[k] = r.Delay(2.0);
  }
  const double u_buy = r.Uniform();
  const int d_buy = r.Delay(x / 2);
  const int spu_buy = static_cast<int>(r.Below(n_spus));
  const double u_double = r.Uniform(), u_minus = r.Uniform(), u_channel = r.Uniform(), u_repeat = r.Uniform();
  const int d_repeat = r.Delay(x);
  const double u_channel2 = r.Uniform(), u_post = r.Uniform();
  const int d_post = r.Delay(5);
  const double u_sentiment = r.Uniform();

  const int spu = with_spu ? spu_pick : -1;
  const bool retarget = *last_engaged < j.t0 && j.t0 - *last_engaged <= 30;
  auto push = [&](int day, Action a, int which_spu, int campaign = -1, int64_t cents = 0, uint8_t channel = 0,
                  uint8_t sentiment = 0) {
    if (a != Action::kImpression) *last_engaged = std::max(*last_engaged, day);
    if (day >= 0 && day < w.days) out->push_back({day, a, which_spu, campaign, cents, channel, sentiment});
  };
  // Exposure: paid, carrying the live campaign, when targeting picks the user.
  const double paid = PaidChance(t, j.recent, retarget);
  Effect m;
  int reach = -1;
  int day = j.t0;
  for (int i = 0; i < impressions; ++i) {
    int c = w.Live(j.brand, day);
    if (Shown(c, suppressed) && u_paid[i] < paid) {
      const Effect& e = w.campaigns[static_cast<size_t>(c)].effect;
      m = {std::max(m.i, e.i), std::max(m.ti, e.ti), std::max(m.p, e.p)};
      reach = c;
    } else {
      c = -1;
    }
    push(day, Action::kImpression, spu, c);
    day += gap[i];
  }
  const double f = t.intent * (j.brand == t.loyal_brand ? t.loyalty : 1.0);
  auto chance = [&](double base, double mult) { return std::min(kMaxChance, base * f * mult); };
  if (u_interest >= chance(kToInterest, m.i)) return;
  day += d_click;
  push(day, u_like < b.like_share ? Action::kLike : Action::kClick, spu,
       reach >= 0 && u_tag < 0.6 ? reach : -1);
  if (u_deep >= chance(kToDeep, m.ti)) return;
  day += d_deep;
  double weights[10];
  std::copy(std::begin(kDeepWeights), std::end(kDeepWeights), weights);
  for (int k = 1; k <= 3; ++k) weights[k] *= b.engagement;  // collect, comment, share
  for (int k = 0; k < n_deep; ++k) {
    const Action a = kDeepActions[static_cast<size_t>(PickWith(u_action[k], weights, 10))];
    push(day, a, a == Action::kSearch && u_search[k] < 0.5 ? -1 : spu);
    day += gap_deep[k];
  }
  if (u_buy >= chance(kToPurchase, m.p)) return;
  day += d_buy;
  const int s = spu >= 0 ? spu : spu_buy;
  const int64_t cents =
      int64_t{b.prices[static_cast<size_t>(s)]} * 100 * (u_double < 0.2 ? 2 : 1) - (u_minus < 0.3 ? 100 : 0);
  auto channel = [](double u) -> uint8_t { return u < 0.6 ? 1 : u < 0.8 ? 2 : u < 0.95 ? 3 : 4; };
  push(day, Action::kPurchase, s, -1, std::max<int64_t>(cents, 0), channel(u_channel));
  if (u_repeat < 0.25) push(day + d_repeat, Action::kPurchase, s, -1, cents, channel(u_channel2));
  if (u_post >= b.post_chance) return;
  day += 2 + d_post;
  const double p = b.positive, neutral = p + (1 - p) * 2 / 3;
  push(day, Action::kPost, s, -1, 0, 0, u_sentiment < p ? 1 : u_sentiment < neutral ? 2 : 3);
}

}  // namespace aips::sim
