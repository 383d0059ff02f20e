// First-party identifiers (docs/first-party.md): a brand sends SHA-256 hashes (64 lower-case hex characters)
// of normalised phone numbers, OAIDs or IDFAs, never the clear values. This checks an id_type / id_hash pair
// and recognises clear-text identifiers, which must be rejected and never stored.
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

// For id fields that are not hashes (user_id): "a mobile phone number" when the value is a mainland
// mobile number (11 digits 1[3-9]..., optionally +86 / 0086 / 86 and spaces or dashes), "an e-mail address"
// (local@domain.tld), else nullptr. Stricter than CheckIdHash's phone rule, because numeric platform ids
// are legitimate; an 11-digit platform id of exactly the mobile shape must be sent hashed or prefixed.
const char* ClearTextIdentifier(std::string_view value);

}  // namespace aips
