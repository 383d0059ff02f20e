// The holdout split of `aips crowd export --campaign C --holdout PCT` (docs/measures.md#lift, "Splitting a
// crowd"), the same on every engine: a member the campaign has no assignment for goes to the control group
// when its bucket, the first four bytes of SHA-256(salt ":" user_id) read big-endian modulo 10,000, is
// below PCT × 100; to treatment otherwise. The salt is made from the campaign's name and kept with its
// assignments, so a split is deterministic and a later split of a grown crowd places every earlier member
// where it was.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "aips/status.h"

namespace aips {

// The salt a campaign's first split makes (32 hex characters).
std::string HoldoutSalt(const std::string& campaign);
// A user's bucket in [0, 10000).
uint32_t HoldoutBucket(const std::string& salt, std::string_view user_id);
// The buckets below the returned number go to control; InvalidArgument unless 0 < pct < 100 (at most two
// decimals count).
Result<uint32_t> HoldoutThreshold(double pct);

}  // namespace aips
