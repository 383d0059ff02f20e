// Printing campaign measures (docs/cli.md, "campaign"): JSON for programs, tables for people.
#pragma once

#include <string>
#include <vector>

#include "engine/results.h"

namespace aips {

inline constexpr const char* kCampaignForecastMethod =
    "the reached users by stage (brand scope) on the last day with data; each stage's further buyers in "
    "(last "
    "day, d1 + x] by the forecast model of that stage (docs/measures.md#forecast), simulated jointly; final "
    "GMV = GMV so far + further buyers x the campaign's GMV per buyer so far; reached users at no stage are "
    "not expected to buy; a repeat purchase counts as a further buyer; the interval covers the number of "
    "further buyers, not the value per buyer";

inline constexpr const char* kAttributionNote =
    "attribution is reach-based and not exclusive: an order counts for every campaign that reached its buyer";

std::string ToJson(const CampaignResult& c);
std::string CampaignsToJson(const std::string& brand, const std::vector<CampaignResult>& cs);
std::string ToTable(const CampaignResult& c);
std::string CampaignsToTable(const std::string& brand, const std::vector<CampaignResult>& cs);

}  // namespace aips
