// The messages every engine and the layer in front of it give for names that do not exist, so that a
// brand the caller's tenant does not own answers exactly like a brand that does not exist.
#pragma once

#include <string>
#include <string_view>

#include "aips/status.h"

namespace aips {

// "unknown brand 'B' (...)".
std::string UnknownBrandMessage(const std::string& brand);
// "unknown campaign 'C' (...)".
std::string UnknownCampaignMessage(const std::string& campaign);
// A campaign without experiment assignments has no holdout to measure lift against.
std::string NoAssignmentMessage(const std::string& campaign);
// "unknown category 'C' (...)".
std::string UnknownCategoryMessage(const std::string& category);
// The index of a first-party tier name in kTierNames (engine/results.h); InvalidArgument naming the tiers
// for any other name.
Result<int> TierIndex(std::string_view tier);
// Unsupported: "<question> is not answered by this engine yet ...", for the capabilities an engine lacks.
Status NotAnswered(std::string_view question);

}  // namespace aips
