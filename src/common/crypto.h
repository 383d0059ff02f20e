// SHA-256 and random bytes (OpenSSL's libcrypto and the kernel): key digests, export ids.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "aips/status.h"

namespace aips {

// Bytes as lower-case hex, two characters each.
std::string HexOf(std::string_view raw);
// SHA-256 of data as 64 lower-case hex characters.
std::string Sha256Hex(std::string_view data);
// Cryptographically random bytes as hex (getrandom).
Result<std::string> RandomHex(size_t bytes);

}  // namespace aips
