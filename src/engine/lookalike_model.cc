#include "engine/lookalike_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "fmt/format.h"

namespace aips {

Status CheckLookalikeRequest(int window_days, const std::vector<uint64_t>& tier_sizes) {
  if (window_days < 1 || window_days > 3650)
    return Status::InvalidArgument("--window must be in [1, 3650] days");
  if (tier_sizes.empty()) return Status::InvalidArgument("give at least one tier size");
  for (size_t i = 1; i < tier_sizes.size(); ++i)
    if (tier_sizes[i] < tier_sizes[i - 1])
      return Status::InvalidArgument("tier sizes must grow (core, high-potential, broad)");
  return Status::OK();
}

std::vector<double> LookalikeWeights(const LookalikeCounts& c) {
  std::vector<double> w(c.names.size());
  const auto seed = static_cast<double>(c.seed), pop = static_cast<double>(c.pop);
  for (size_t f = 0; f < w.size(); ++f) {
    w[f] = std::log((static_cast<double>(c.seed_n[f]) + 0.5) / (seed + 1)) -
           std::log((static_cast<double>(c.pop_n[f]) + 0.5) / (pop + 1));
  }
  return w;
}

namespace {
constexpr double kFixedUnit = 4294967296.0;  // 2^32
}  // namespace

int64_t FixedWeight(double weight) { return std::llround(weight * kFixedUnit); }
double FixedScore(int64_t score) { return static_cast<double>(score) / kFixedUnit; }

std::vector<std::pair<std::string, double>> TopFeatures(const LookalikeCounts& c,
                                                        const std::vector<double>& weights) {
  std::vector<size_t> order;
  for (size_t f = 0; f < c.names.size(); ++f)
    if (c.pop_n[f] > 0) order.push_back(f);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return weights[a] != weights[b] ? weights[a] > weights[b] : c.names[a] < c.names[b];
  });
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i < std::min<size_t>(10, order.size()); ++i)
    out.emplace_back(c.names[order[i]], weights[order[i]]);
  return out;
}

std::vector<TierCut> CutTiers(const std::map<int64_t, uint64_t>& scores,
                              const std::vector<uint64_t>& tier_sizes) {
  std::vector<TierCut> out;
  for (uint64_t want : tier_sizes) {
    TierCut cut;
    for (auto it = scores.rbegin(); it != scores.rend() && cut.size < want; ++it) {
      cut.score = it->first;
      cut.at_score = std::min(it->second, want - cut.size);
      cut.size += cut.at_score;
    }
    out.push_back(cut);
  }
  return out;
}

std::string TierName(size_t index, size_t tiers) {
  static const char* kFunnel[] = {"core", "high_potential", "broad"};
  return index < 3 && tiers <= 3 ? kFunnel[index] : fmt::format("tier{}", index + 1);
}

}  // namespace aips
