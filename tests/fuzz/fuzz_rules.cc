// libFuzzer target: the TOML rule loader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = aips::ParseRules(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  if (r.ok()) (void)r->ToToml();
  return 0;
}
