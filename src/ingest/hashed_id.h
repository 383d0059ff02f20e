// First-party identifiers (AIPS.md §5): a brand sends SHA-256 hashes (64 lower-case hex characters) of
// normalised phone numbers, OAIDs or IDFAs, never the clear values. This checks an id_type / id_hash
// pair and recognises clear-text identifiers, which must be rejected and never stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aips {

enum class IdType : uint8_t { kPhone = 0, kOaid = 1, kIdfa = 2 };
inline constexpr const char* kIdTypeNames[] = {"phone_sha256", "oaid_sha256", "idfa_sha256"};

std::optional<IdType> ParseIdType(std::string_view s);

struct HashCheck {
  bool ok = false;
  bool privacy = false;  // the value is a clear-text identifier: the row must not be stored, even as a reject
  std::string reason;
};

// Validates an id_hash: 64 lower-case hex characters. A value that looks like a phone number, an e-mail
// address or a device id (UUID) is a privacy error.
HashCheck CheckIdHash(std::string_view value);

}  // namespace aips
