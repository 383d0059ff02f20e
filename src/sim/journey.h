// One user's relationship with one brand, planned before it is written (docs/simulate.md): a few
// impressions (paid, carrying the live campaign, when targeting picks the user), then with some
// probability a click or like, deep-interest actions, a purchase (sometimes a repeat order) and a post.
//
// A journey is a pure function of its seed, the user's traits and the campaigns the user is not shown:
// every random number is drawn in the same order whatever happens (common random numbers), so that the
// same journey planned with and without a campaign differs only by what the campaign caused. With
// multipliers of 1.0 the two plans have the same events; with multipliers of at least 1.0 the plan with
// the campaign holds every event of the plan without it, and maybe more.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "domain/domain.h"
#include "sim/sim_world.h"

namespace aips::sim {

// Channels of written events: 0 is the empty field (onsite for ingest).
inline constexpr std::array<const char*, 6> kChannelNames = {"",   "onsite", "taobao",
                                                             "jd", "tmall",  "first_party"};
inline constexpr uint8_t kFirstParty = 5;

// One event before it is written (time of day, note and event id are drawn when it is written).
struct SimEvent {
  int day = 0;  // day offset from the world's first day
  Action action = Action::kImpression;
  int spu = -1;           // -1: no SPU
  int campaign = -1;      // -1: organic
  int64_t cents = 0;      // purchases
  uint8_t channel = 0;    // kChannelNames
  uint8_t sentiment = 0;  // posts: Sentiment
};

struct JourneyRef {
  int brand = 0;
  int t0 = 0;  // day of the first impression
  uint64_t seed = 0;
  int recent = 0;  // the user's other journeys in the brand's category that began in [t0 - 30, t0)
};

inline constexpr int kNoDayYet = -1000000;  // no engagement with the brand yet

// What a user brings to each journey.
struct Traits {
  double intent = 1.0;   // θ: multiplies the progression probabilities; targeting sees it only weakly
  int segment = 2;       // index into kSegmentTags (targeting buys audiences by tag)
  int loyal_brand = -1;  // the brand whose first-party customer the user is
  double loyalty = 1.0;  // multiplies the progression probabilities of that brand's journeys
};

// The chance that a live campaign pays for an impression (targeting, docs/simulate.md): what a platform
// sees — the user's segment tag, recent activity in the category (`recent` journeys), engagement with the
// brand in the last 30 days (retargeting) — and, weakly, the hidden intent θ.
double PaidChance(const Traits& t, int recent, bool retarget);

// Appends journey j's events dated inside [0, w.days), in the order of the journey. A campaign in
// `suppressed` is never shown: impressions on its days are organic and carry no effect. A journey shown
// several campaigns takes, per stage, the largest of their multipliers. `*last_engaged` is the last day
// the user engaged (any action but an impression) with the brand in earlier journeys (kNoDayYet: never);
// the journey updates it.
void PlanJourney(const World& w, const JourneyRef& j, const Traits& t, std::span<const int> suppressed,
                 std::vector<SimEvent>* out, int* last_engaged);

}  // namespace aips::sim
