// The blobs of a v2 snapshot (AIPSSNP2, docs/formats.md §7): a list of (user, stage code) pairs in
// ascending user order. A keyframe lists every member with its code (1..stages); a delta lists the users
// whose stage changed that day with their new code (0 = left every stage).
//
// Layout: `n u32`, the n users as model/pack.h's increasing ids (gaps in frames of 64), then the n codes as
// a bit stream at bits(stages) bits each.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"

namespace aips {

// `users` strictly increasing, codes[i] <= num_stages.
void PutCodeList(std::span<const uint32_t> users, std::span<const uint8_t> codes, int num_stages,
                 std::string* out);

// Decodes a whole blob (nothing may be left over). Corruption on damage, a code past num_stages, or (for a
// keyframe) a code 0.
Status GetCodeList(std::string_view blob, int num_stages, bool keyframe, std::vector<uint32_t>* users,
                   std::vector<uint8_t>* codes);

// Sorts (user, code) pairs by user, keeping the order of equal users (radix for long lists), and keeps only
// the last pair of each user.
void SortByUserKeepLast(std::vector<uint32_t>* users, std::vector<uint8_t>* codes);

}  // namespace aips
