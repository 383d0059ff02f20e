// The lookalike model (docs/crowds.md, "Lookalike tiers") that every engine applies to the counts it
// gathered, so that the embedded and ClickHouse engines answer alike to the last digit.
//
// A user's features are the brands, the categories and the actions they had events on in the window. A
// feature's weight is its log-lift in the seed over the population (+0.5 smoothing). A candidate's score
// is the sum of its features' weights, each rounded to a fixed point of 2^-32 first: integer sums are
// exact in any order, so an engine that adds them in SQL (in whatever order its aggregates run) ranks
// exactly as one that adds them in C++. Candidates rank by score, highest first, ties by user number.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "aips/status.h"

namespace aips {

// The features' names ("brand:B", "category:C", "action:A") and how many users of the population and of
// the seed have each; `pop` and `seed` count the users themselves.
struct LookalikeCounts {
  std::vector<std::string> names;
  std::vector<uint64_t> pop_n, seed_n;  // by feature, as names
  uint64_t pop = 0, seed = 0;
};

// InvalidArgument unless window_days is in [1, 3650] and the tier sizes are given and never shrink.
Status CheckLookalikeRequest(int window_days, const std::vector<uint64_t>& tier_sizes);

// log((seed_n + 0.5) / (seed + 1)) − log((pop_n + 0.5) / (pop + 1)) per feature.
std::vector<double> LookalikeWeights(const LookalikeCounts& c);
// A weight in units of 2^-32 (what scores add), and a score in those units as a number.
int64_t FixedWeight(double weight);
double FixedScore(int64_t score);

// The (at most) ten features with the highest weight among those some user of the population has; ties
// by name.
std::vector<std::pair<std::string, double>> TopFeatures(const LookalikeCounts& c,
                                                        const std::vector<double>& weights);

// Where a tier ends in the ranking: its size (at most the candidates), the score of its last member, and
// how many of the candidates with exactly that score it takes (the first by user number).
struct TierCut {
  uint64_t size = 0;
  int64_t score = 0;
  uint64_t at_score = 0;
};
// Cuts from the candidates' scores counted (score → candidates with it). Sizes as checked above.
std::vector<TierCut> CutTiers(const std::map<int64_t, uint64_t>& scores,
                              const std::vector<uint64_t>& tier_sizes);

// core, high_potential, broad for up to three tiers; tier1 .. tierN beyond.
std::string TierName(size_t index, size_t tiers);

}  // namespace aips
