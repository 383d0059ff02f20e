#include "engine/holdout_split.h"

#include <cmath>

#include "common/crypto.h"

namespace aips {

std::string HoldoutSalt(const std::string& campaign) {
  return Sha256Hex("aips-holdout:" + campaign).substr(0, 32);
}

uint32_t HoldoutBucket(const std::string& salt, std::string_view user_id) {
  std::string text = salt;
  text += ':';
  text += user_id;
  const std::string hex = Sha256Hex(text);
  return static_cast<uint32_t>(std::stoul(hex.substr(0, 8), nullptr, 16) % 10000);
}

Result<uint32_t> HoldoutThreshold(double pct) {
  if (!(pct > 0 && pct < 100))
    return Status::InvalidArgument("--holdout must be a percentage of the crowd above 0 and below 100");
  return static_cast<uint32_t>(std::llround(pct * 100));
}

}  // namespace aips
