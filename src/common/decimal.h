// Exact decimal amounts (GMV, spend) as signed 64-bit counts of micro-units (1e-6).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "aips/status.h"

namespace aips {

inline constexpr int64_t kMicrosPerUnit = 1000000;

// Parses "12", "12.5", "-0.25", ".5" into micro-units. At most 6 digits after the point and a
// magnitude below 9e12; no exponent, no thousands separators. The error message is the reason.
Result<int64_t> ParseDecimal(std::string_view text);

// Shortest exact decimal text of a micro-unit amount ("12.5", "0", "-0.000001").
std::string FormatDecimal(int64_t micros);
// As a double (for ratios and JSON numbers).
inline double MicrosToDouble(int64_t micros) { return static_cast<double>(micros) / kMicrosPerUnit; }

}  // namespace aips
