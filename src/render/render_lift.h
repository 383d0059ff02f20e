// Printing holdout lift (docs/measures.md#lift, docs/cli.md "lift"): JSON for programs (a contract: fields
// may be added, never renamed), a table for people. The statistics come from engine/lift_math.h.
#pragma once

#include <string>
#include <vector>

#include "engine/results.h"

namespace aips {

inline constexpr const char* kLiftMethod =
    "intent-to-treat by assigned group; conversion to a stage = below it on d0-1 and at it or above on some "
    "day of [d0, d1+x]; 95% interval for the difference of rates by Newcombe's hybrid score method (10); "
    "p-value from the pooled two-proportion z-test, two-sided; GMV: difference of per-member means with a "
    "normal interval from the sample variances";

inline constexpr const char* kMatchedLiftMethod =
    "observational: the effect on the reached users, by exact matching; strata = stage in the scope on d0-1 "
    "x segment: tag x active days in the category in [d0-30, d0-1] (0, 1, 2-3, 4+); comparison pool = "
    "users with an impression or click of the brand in the flight that did not carry the campaign; lift = "
    "sum over strata with both sides of w_k (p_reached - p_pool), w_k = the stratum's share of matched "
    "reached users; normal 95% interval from the strata's binomial variances; GMV alike with the strata's "
    "means and sample variances; unmatched reached users are left out and counted; differences the strata "
    "do not hold are not adjusted; naive = reached users against the brand's unreached asset (A+ on d1), "
    "unadjusted";

std::string ToJson(const LiftResult& r);
std::string ToTable(const LiftResult& r);
// One line per campaign (aips report): design, lift of TI and P with their intervals, incremental CPTI and
// ROI(T+x), maturing.
std::string LiftSummaryTable(const std::vector<LiftResult>& lifts);

}  // namespace aips
