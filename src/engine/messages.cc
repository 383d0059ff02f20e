#include "engine/messages.h"

#include "engine/results.h"
#include "fmt/format.h"

namespace aips {

std::string UnknownBrandMessage(const std::string& brand) {
  return fmt::format("unknown brand '{}' (no event and no brands row names it; 'aips info' lists the brands)",
                     brand);
}

std::string UnknownCampaignMessage(const std::string& campaign) {
  return fmt::format("unknown campaign '{}' (no campaigns row and no event names it)", campaign);
}

std::string NoAssignmentMessage(const std::string& campaign) {
  return fmt::format(
      "campaign '{}' has no experiment assignments: load an experiments table (campaign,user_id,group; "
      "docs/input.md) or split its crowd with 'aips crowd export --campaign {} --holdout PCT' before the "
      "flight",
      campaign, campaign);
}

std::string UnknownCategoryMessage(const std::string& category) {
  return fmt::format("unknown category '{}' (no brands row names it)", category);
}

Result<int> TierIndex(std::string_view tier) {
  for (int i = 0; i < kNumTiers; ++i)
    if (tier == kTierNames[i]) return i;
  return Status::InvalidArgument(
      fmt::format("unknown tier '{}' (high_value, repeat, one_time, lapsed, prospect)", tier));
}

Status NotAnswered(std::string_view question) {
  return Status::Unsupported(fmt::format(
      "{} is not answered by this engine yet: a data directory (--data) answers it (docs/distributed.md)",
      question));
}

}  // namespace aips
