// Category measures composed from the funnel capability (docs/measures.md), so that every engine answers
// them with the same code and the same JSON: compare (竞品对比) is stage sizes, penetration and flows per
// brand of the category; Aurora (极光指标) is penetration and the S crowd per brand plus content counts the
// engine supplies, scored here. Errors and defaults are the engines' (engine/engine.h).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace aips {

// compare: the brand and the named competitors beside every brand of the brand's category, measured
// through `funnel` (Stages, Penetration and Flow from `from` to `date`). NotFound for an unknown brand or
// competitor; InvalidArgument when from >= date or top_n < 1. Defaults: date = the last day with data,
// from = date - 30.
Result<CompareResult> CompareBrands(QueryEngine& engine, const std::string& brand,
                                    const std::vector<std::string>& competitors, std::optional<Day> from,
                                    std::optional<Day> date, int top_n);

// A brand's content counts for Aurora on day D: distinct notes on its events of [D-29, D], engagements
// (like, collect, comment, share carrying a note) in that window, posts and positive posts of [D-364, D].
struct AuroraContent {
  uint64_t notes = 0, engagements = 0, posts = 0, positive_posts = 0;
};
// The counts of each named brand on a day (brands without events may be left out: zero).
using AuroraContentFn = std::function<Result<std::map<std::string, AuroraContent>>(
    const std::vector<std::string>& brands, Day date)>;

// Aurora of a category on `date` (default: the last day with data): per brand of the category (sorted by
// name) its penetration and S crowd through `engine`, its content from `content`, the four percentiles,
// the composite, highest first. NotFound for a category no brands row names.
Result<AuroraResult> AuroraOfCategory(QueryEngine& engine, const std::string& category,
                                      std::optional<Day> date, const AuroraContentFn& content);

}  // namespace aips
