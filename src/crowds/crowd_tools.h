// Crowd presets and exports (docs/crowds.md), shared by the CLI and the HTTP API.
#pragma once

#include <optional>
#include <string>

#include "aips/status.h"
#include "common/date.h"
#include "embedded/embedded_engine.h"
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

inline constexpr size_t kDefaultMinExportSize = 100;

// CSV of the crowd's members: `id_sha256` = SHA-256(salt ":" user_id) per member, or `user_id` when
// salt is empty (raw ids: admins only). InvalidArgument when the crowd is smaller than min_size.
Result<std::string> ExportCrowd(EmbeddedEngine& engine, const Roaring& members, const std::string& salt,
                                size_t min_size);

// The base of a crowd's portrait: `category` when given, else the category of the first brand the
// expression names; the day is `date` or the last day with data.
Result<PortraitResult> PortraitOf(EmbeddedEngine& engine, const std::string& expr, const Roaring& members,
                                  const std::string& category, std::optional<Day> date);

// Lookalike tier sizes "1000,5000,20000" (positive integers); InvalidArgument otherwise.
Result<std::vector<uint64_t>> ParseTierSizes(std::string_view text);

// {"count":N,"expr":"..."}: the answer of `crowd count` and GET /api/v1/crowd/count.
std::string CrowdCountJson(const Roaring& members, const std::string& expr);

// The next version of a saved crowd (docs/crowds.md).
SavedCrowd MakeSavedCrowd(const std::vector<SavedCrowd>& existing, const std::string& name,
                          const std::string& tenant, const std::string& definition, const Roaring& members);
// {"crowds":[{"name","version","size","tenant","saved_at","definition"}]}, only `tenant`'s when given.
std::string SavedCrowdsJson(const std::vector<SavedCrowd>& crowds, const std::optional<std::string>& tenant);

}  // namespace aips
