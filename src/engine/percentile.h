// Rank and percentile of a value among a set of brands' values (docs/measures.md, "Ranks").
#pragma once

#include <vector>

namespace aips {

// 100 × (values strictly below v + ½ × (values equal to v − 1)) / (n − 1); 100 when n ≤ 1.
// The highest of n distinct values scores 100, the lowest 0, ties share the midpoint.
inline double PercentileAmong(const std::vector<double>& values, double v) {
  if (values.size() <= 1) return 100.0;
  double below = 0, equal = 0;
  for (double x : values) {
    below += x < v;
    equal += x == v;
  }
  return 100.0 * (below + 0.5 * (equal - 1)) / static_cast<double>(values.size() - 1);
}

// 1 + the number of values strictly above v (competition ranking: ties share a rank).
inline int RankAmong(const std::vector<double>& values, double v) {
  int above = 0;
  for (double x : values) above += x > v;
  return 1 + above;
}

// Mean of the n highest values (all of them when there are fewer).
double TopMean(std::vector<double> values, int n);

}  // namespace aips
