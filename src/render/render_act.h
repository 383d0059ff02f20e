// Printing 一方光谱 (spectrum) and 人群纠偏 (correction) reports: JSON for programs, tables for people.
#pragma once

#include <optional>
#include <string>

#include "engine/results.h"

namespace aips {

// Suggested bid multiplier of a tier: its conversion rate over the conversion rate of all tiered users,
// clamped to [0.5, 3.0] and rounded to 0.1; nullopt when the tier is empty or nobody converted.
std::optional<double> BidMultiplier(const SpectrumResult& r, int tier);

std::string ToJson(const SpectrumResult& r);
std::string ToTable(const SpectrumResult& r);
std::string ToJson(const LookalikeResult& r);
std::string ToTable(const LookalikeResult& r);
std::string ToJson(const CorrectionResult& r);
std::string ToTable(const CorrectionResult& r);

}  // namespace aips
