// First-party data kept between ingests (docs/first-party.md, docs/formats.md §9): the identity map (hashed
// id
// -> platform user) and the orders that no identity matched yet. A matched order is not kept here: it
// becomes a purchase event (channel first_party, event_id "fp:<order_id>") in the day segments.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "aips/status.h"
#include "common/date.h"

namespace aips {

struct PendingOrder {
  std::string key;  // id_type byte + 32 raw digest bytes
  int64_t ts = 0;
  std::string brand, spu;
  int64_t amount = 0;  // micro-units
  bool operator==(const PendingOrder&) const = default;
};

struct FirstPartyData {
  absl::flat_hash_map<std::string, std::string> identity;  // key -> user_id
  std::map<std::string, PendingOrder> unmatched;           // order_id -> order
  uint64_t orders = 0, matched = 0;                        // every order stored so far, and those matched

  // Maps an identity key to a user; false when the map already held exactly that (a duplicate row).
  bool SetIdentity(const std::string& key, const std::string& user) {
    auto [it, fresh] = identity.try_emplace(key, user);
    if (!fresh && it->second == user) return false;
    it->second = user;
    return true;
  }

  std::string Encode() const;
  static Result<FirstPartyData> Decode(std::string_view file, const std::string& name);
};

// "<id_type byte><32 digest bytes>" from an id type and a 64-character lower-case hex digest.
std::string IdentityKey(uint8_t id_type, std::string_view hex64);

std::string FirstPartyPath(const std::string& dir, uint64_t generation);
// generation 0: nothing stored yet.
Result<FirstPartyData> LoadFirstParty(const std::string& dir, uint64_t generation);
Status SaveFirstParty(const std::string& dir, uint64_t generation, const FirstPartyData& data);

}  // namespace aips
