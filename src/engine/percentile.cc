#include "engine/percentile.h"

#include <algorithm>
#include <functional>

namespace aips {

double TopMean(std::vector<double> values, int n) {
  if (values.empty() || n < 1) return 0.0;
  std::sort(values.begin(), values.end(), std::greater<>());
  const size_t k = std::min(values.size(), static_cast<size_t>(n));
  double sum = 0;
  for (size_t i = 0; i < k; ++i) sum += values[i];
  return sum / static_cast<double>(k);
}

}  // namespace aips
