// Printing campaign measures (docs/cli.md, "campaign"): JSON for programs, tables for people.
#pragma once

#include <string>
#include <vector>

#include "engine/results.h"

namespace aips {

inline constexpr const char* kAttributionNote =
    "attribution is reach-based and not exclusive: an order counts for every campaign that reached its buyer";

std::string ToJson(const CampaignResult& c);
std::string CampaignsToJson(const std::string& brand, const std::vector<CampaignResult>& cs);
std::string ToTable(const CampaignResult& c);
std::string CampaignsToTable(const std::string& brand, const std::vector<CampaignResult>& cs);

}  // namespace aips
