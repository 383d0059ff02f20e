// Printing query answers: the JSON contract of docs/cli.md (shared by the CLI and the HTTP API) and
// readable tables for people, in the source material's terms (认知/兴趣/深度兴趣/购买/分享).
#pragma once

#include <optional>
#include <string>

#include "engine/results.h"

namespace aips {

std::string ToJson(const StagesResult& r);
std::string ToJson(const TrendResult& r);
std::string ToJson(const FlowResult& r);
std::string ToJson(const PenetrationResult& r);
std::string ToJson(const InfoResult& r);

std::string ToTable(const StagesResult& r);
std::string ToTable(const TrendResult& r);
std::string ToTable(const FlowResult& r);
std::string ToTable(const PenetrationResult& r);
std::string ToTable(const InfoResult& r);

// Pads s to a display width (CJK characters count two columns), on the right or (right = true) the left.
std::string Pad(const std::string& s, size_t width, bool right = false);

// Micro-units as units (money), absent stays absent.
inline std::optional<double> OptMoney(const std::optional<double>& micros) {
  if (!micros) return std::nullopt;
  return *micros / 1e6;
}

// "1,234,567".
std::string Thousands(uint64_t v);
// Money for people: thousands separators and two decimals ("78,940.60", "-1,200.00").
std::string MoneyText(double v);
// "12.3%" or "—" when the denominator is zero.
std::string Percent(uint64_t num, uint64_t den);

}  // namespace aips
