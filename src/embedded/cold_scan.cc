#include "embedded/cold_scan.h"

namespace aips {

Result<std::vector<std::array<uint64_t, 6>>> ColdScanner::Sizes(const StoreEventSource& src,
                                                                const RuleMatcher& m, uint32_t brand,
                                                                uint32_t scope,
                                                                const std::vector<Day>& days) {
  std::vector<std::array<uint64_t, 6>> out(days.size());
  AIPS_RETURN_IF_ERROR(Scan(src, m, brand, scope, days, [&](uint32_t, const uint8_t* st) {
    for (size_t i = 0; i < days.size(); ++i) ++out[i][st[i]];
  }));
  for (auto& o : out) o[0] = 0;
  return out;
}

Result<std::array<std::array<uint64_t, 6>, 6>> ColdScanner::Flow(const StoreEventSource& src,
                                                                 const RuleMatcher& m, uint32_t brand,
                                                                 uint32_t scope, Day d0, Day d1) {
  std::array<std::array<uint64_t, 6>, 6> out{};
  AIPS_RETURN_IF_ERROR(
      Scan(src, m, brand, scope, {d0, d1}, [&](uint32_t, const uint8_t* st) { ++out[st[0]][st[1]]; }));
  out[0][0] = 0;
  return out;
}

}  // namespace aips
