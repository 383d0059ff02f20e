// Printing holdout lift (docs/measures.md#lift, docs/cli.md "lift"): JSON for programs (a contract: fields
// may be added, never renamed), a table for people. The statistics come from engine/lift_math.h.
#pragma once

#include <string>

#include "engine/results.h"

namespace aips {

inline constexpr const char* kLiftMethod =
    "intent-to-treat by assigned group; conversion to a stage = below it on d0-1 and at it or above on some "
    "day of [d0, d1+x]; 95% interval for the difference of rates by Newcombe's hybrid score method (10); "
    "p-value from the pooled two-proportion z-test, two-sided; GMV: difference of per-member means with a "
    "normal interval from the sample variances";

std::string ToJson(const LiftResult& r);
std::string ToTable(const LiftResult& r);

}  // namespace aips
