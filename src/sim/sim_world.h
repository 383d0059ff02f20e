// The demo world's fixed structure (docs/simulate.md): categories, brands with their SPUs, prices and
// content habits, campaigns with their flights and planted effects, holdout campaigns, and the consumer
// segments that prefer some brands. Built once from the options and the seed; users are drawn against it
// (sim/sim_users.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/rng.h"
#include "sim/simulator.h"

namespace aips::sim {

struct CategoryDef {
  const char* name;
  const char* short_name;
  int cycle;      // decision cycle x, days
  double weight;  // share of users interested
  int price_lo, price_hi;
};

// Data, not logic: the demo world's categories and their parameters.
inline constexpr std::array<CategoryDef, 5> kCategories = {{
    {"face_serum", "serum", 29, 0.40, 129, 899},
    {"baby_food", "babyfood", 70, 0.20, 39, 199},
    {"lipstick", "lipstick", 14, 0.25, 89, 399},
    {"sunscreen", "sunscreen", 21, 0.25, 59, 259},
    {"coffee", "coffee", 30, 0.20, 19, 129},
}};
inline constexpr int kNumCategories = static_cast<int>(kCategories.size());

// Consumer segments (the `segment:` tag of user_attributes.csv).
enum Segment : int { kMama = 0, kUrbanWhite, kNewWhite, kGenZ, kSmallTown, kNumSegments };
inline constexpr std::array<const char*, kNumSegments> kSegmentTags = {
    "segment:精致妈妈", "segment:都市白领", "segment:新锐白领", "segment:Z世代", "segment:小镇青年"};

// A campaign's planted effect: multipliers on the progression probabilities (to I, to TI, to P) of the
// journeys it reaches. S follows P (no multiplier of its own). All 1.0: no effect.
struct Effect {
  double i = 1.0, ti = 1.0, p = 1.0;
  bool none() const { return i == 1.0 && ti == 1.0 && p == 1.0; }
};

struct Campaign {
  std::string name;
  int brand = 0;
  int spu = -1;            // -1: brand level
  int start = 0, end = 0;  // day offsets, inclusive
  Effect effect;
  bool holdout = false;  // a randomised holdout: an assigned audience, a share of it never shown
};

struct Brand {
  std::string name;
  uint64_t index = 0;  // position in World::brands
  int category = 0;
  int rank = 1;  // 1 = the most popular brand of its category
  std::vector<std::string> spus;
  std::vector<int> prices;
  std::vector<int> campaigns;
  double popularity = 1.0;
  double share = 1.0;  // popularity / the category's total: the brand's share of brand picks
  // Content habits, which Aurora's sub-scores read (stage-neutral: a like and a click both qualify for I,
  // every deep action for TI):
  double like_share = 0.3;    // interest actions that are likes (engagements) rather than clicks
  double engagement = 1.0;    // weight on collect / comment / share among deep actions
  double post_chance = 0.15;  // buyers who post
  double positive = 0.7;      // posts that are positive (the rest 2:1 neutral : negative)
};

// A segment that prefers (weight > 1) or avoids (< 1) a brand when its users pick brands.
struct SegmentPreference {
  int segment = 0;
  int brand = 0;
  double weight = 1.0;
};

struct World {
  std::vector<Brand> brands;
  std::vector<std::vector<int>> brands_of_category;  // by popularity, most popular first
  std::vector<Campaign> campaigns;
  std::vector<std::vector<int>> holdouts_of_category;  // campaigns with a holdout, per category
  std::vector<std::vector<int>> live;  // per brand, per day: the campaign live (first one wins) or -1
  std::vector<SegmentPreference> preferences;
  std::vector<double> preference;  // [segment * brands + brand]: the weight (1.0 when not planted)
  std::vector<std::vector<double>> pick_weights;  // [segment * categories + category]: per brand of it
  int days = 0;

  int Live(int brand, int day) const {
    return day >= 0 && day < days ? live[static_cast<size_t>(brand)][static_cast<size_t>(day)] : -1;
  }
  double Preference(int segment, int brand) const {
    return preference[static_cast<size_t>(segment) * brands.size() + static_cast<size_t>(brand)];
  }
};

// The world of `opt` with `n_brands` brands (at least one per category). Deterministic in the options.
// With opt.effects false every campaign's effect is 1.0 (the world is otherwise the same).
World BuildWorld(const SimOptions& opt, int n_brands);

// Index drawn with probability proportional to w[i], from the uniform u in [0, 1).
int PickWith(double u, const double* w, int n);
inline int PickWeighted(Rng& rng, const double* w, int n) { return PickWith(rng.Uniform(), w, n); }

// A brand of `category` drawn by popularity × the segment's preference.
int PickBrand(Rng& rng, const World& w, int category, int segment);

}  // namespace aips::sim
