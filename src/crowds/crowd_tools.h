// Crowd presets and exports (docs/crowds.md), shared by the CLI and the HTTP API.
#pragma once

#include <optional>
#include <string>

#include "aips/status.h"
#include "common/date.h"
#include "engine/engine.h"
#include "store/crowds.h"

namespace aips {

// A preset a marketer picks by name, as an expression:
//   redelivery  复投: the brand's TI on `date` (seeded, no purchase in 30 days)
//   lost        流失召回: in the brand's asset on `since`, none on `date`
//   conquest    竞品收割: the competitor's TI, P or S on `date`, not in the brand's asset
struct PresetArgs {
  std::string preset, brand, competitor;
  Day date = kNoDay, since = kNoDay;
};
Result<std::string> PresetExpression(const PresetArgs& args);

// What a caller selects a crowd by: an expression, or a preset with its arguments.
struct CrowdSelection {
  std::string expr, preset, brand, competitor;
  std::optional<Day> date, since;  // the preset's day (default: the last day with data) and earlier day
};
// The selection's expression (InvalidArgument unless exactly one of expr and preset is given).
Result<std::string> SelectionExpression(const CrowdSelection& selection, CatalogQueries& engine);

inline constexpr size_t kDefaultMinExportSize = 100;

// Lookalike tier sizes "1000,5000,20000" (positive integers); InvalidArgument otherwise.
Result<std::vector<uint64_t>> ParseTierSizes(std::string_view text);

// {"count":N,"expr":"..."}: the answer of `crowd count` and GET /api/v1/crowd/count.
std::string CrowdCountJson(uint64_t count, const std::string& expr);

// {"crowds":[{"name","version","size","tenant","saved_at","definition"}]}, only `tenant`'s when given.
std::string SavedCrowdsJson(const std::vector<SavedCrowd>& crowds, const std::optional<std::string>& tenant);

}  // namespace aips
