// libFuzzer target: the crowd expression parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/crowd_expr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = aips::ParseCrowdExpr(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r.ok()) {
    std::vector<std::string> a, b, c;
    aips::CollectNames(*r.value(), &a, &b, &c);
  }
  return 0;
}
