// The side tables of docs/input.md (categories, brands, campaigns, spend), kept whole in
// DIR/tables-<generation>.bin (docs/formats.md §5). They are small; a change writes a new file that the
// manifest's commit makes current. Rows are keyed (a
// category, a brand, a campaign, a campaign's day): a later row for the same key replaces the earlier.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aips/status.h"
#include "common/date.h"

namespace aips {

struct CampaignInfo {
  std::string brand;
  std::string spu;  // "" = brand level
  Day start = kNoDay, end = kNoDay;
  bool operator==(const CampaignInfo&) const = default;
};

struct Catalog {
  std::map<std::string, int> decision_cycle_days;        // category -> x
  std::map<std::string, std::string> brand_category;     // brand -> category
  std::map<std::string, CampaignInfo> campaigns;         // campaign -> flight
  std::map<std::pair<std::string, Day>, int64_t> spend;  // (campaign, date) -> micro-units

  // Category of a brand; nullopt when no brands row names it.
  std::optional<std::string> CategoryOf(const std::string& brand) const;
  // Decision cycle x for a category (30 when not configured).
  int DecisionCycle(const std::string& category) const;

  std::string Encode() const;
  static Result<Catalog> Decode(std::string_view payload, const std::string& name);
  bool operator==(const Catalog&) const = default;
};

std::string CatalogPath(const std::string& data_dir, uint64_t generation);
// generation 0: no tables yet (an empty catalog).
Result<Catalog> LoadCatalog(const std::string& data_dir, uint64_t generation);
Status SaveCatalog(const std::string& data_dir, uint64_t generation, const Catalog& catalog);

// Brand names of a category: the brands rows that name it, or the brand itself for "brand:<name>".
std::vector<std::string> BrandsOfCategory(const Catalog& catalog, const std::string& category);

}  // namespace aips
