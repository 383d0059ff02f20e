// The causal truth of a simulated world (truth.json, schema in docs/simulate.md): per campaign its
// planted effect, its holdout's assignment, and the effect each design would measure, worked out from
// every member's outcome with and without the campaign (sim/outcome.h); and the other planted structure
// (segments that prefer brands, first-party customers, brands' content habits, rising topics, targeting).
//
// Tallies are exact integers (counts and cents), so that the two halves of the users add up to the same
// file in any order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/date.h"
#include "sim/outcome.h"
#include "sim/sim_world.h"

namespace aips::sim {

// Parameters of the planted structure that truth.json reports (sim/sim_users.cc uses them).
inline constexpr double kIntentSigma = 0.4;  // θ = segment factor × exp(σ z − σ²/2), z standard normal
inline constexpr std::array<double, kNumSegments> kSegmentIntent = {1.2, 1.1, 1.0, 0.85, 0.9};
// Targeting (sim/journey.cc PaidChance): base × segment tag × (1 + 0.4 × recent journeys, at most 3) ×
// 2.5 when retargeting × θ^0.25, at most 0.97.
inline constexpr double kTargetBase = 0.3;
inline constexpr std::array<double, kNumSegments> kSegmentTarget = {1.5, 1.25, 1.0, 0.6, 0.75};
inline constexpr double kTargetPerRecent = 0.4;
inline constexpr double kRetarget = 2.5;
inline constexpr double kTargetIntentPower = 0.25;
inline constexpr double kDormantShare = 0.01;      // users with no event at all in the period
inline constexpr double kDormantAssigned = 1.0;    // × the brand's share: a dormant user in a holdout
inline constexpr double kOutsiderAssigned = 0.02;  // × the brand's share: an active user without its events
inline constexpr double kFirstPartyShare = 0.08;   // users who are a brand's first-party customer
inline constexpr double kIdentityShare = 0.7;      // of whose phones the platform's map knows
inline constexpr double kRepeatShare = 0.45;       // customers who order 2-4 times
inline constexpr double kLoyaltyPerOrder = 0.3;    // platform progression × (1 + 0.3 × (orders − 1))

struct CampaignTally {
  uint64_t treatment = 0, control = 0;      // assigned (holdout campaigns)
  uint64_t assigned_without_events = 0;     // of them, users with no event of the brand
  std::array<int64_t, kTruthStages> itt{};  // Σ over assigned users of converts(with) − converts(without)
  int64_t itt_gmv_cents = 0;
  uint64_t reached = 0;                         // users shown the campaign in the written world
  std::array<int64_t, kTruthStages> matched{};  // Σ over reached users of converts(with) − converts(without)
  int64_t matched_gmv_cents = 0;
  void Add(const CampaignTally& o);
};

struct PlantTally {
  std::vector<uint64_t> brand_users;     // [segment * brands + brand]: users with an event of the brand
  std::vector<uint64_t> category_users;  // [segment * categories + category]: ... of the category
  uint64_t fp_customers = 0, fp_matched = 0;
  std::array<uint64_t, 5> fp_by_orders{};  // customers by number of orders (1..4)
  uint64_t dormant = 0;
  void Init(const World& w);
  void Add(const PlantTally& o);
};

// truth.json's text (one JSON document and a newline).
std::string TruthJson(const SimOptions& opt, const World& w, Day start,
                      const std::vector<CampaignTally>& tally, const PlantTally& plants);

}  // namespace aips::sim
