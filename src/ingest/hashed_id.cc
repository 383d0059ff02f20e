#include "ingest/hashed_id.h"

namespace aips {

std::optional<IdType> ParseIdType(std::string_view s) {
  for (int i = 0; i < 3; ++i)
    if (s == kIdTypeNames[i]) return static_cast<IdType>(i);
  return std::nullopt;
}

namespace {

bool IsHex(char c, bool upper_ok) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (upper_ok && c >= 'A' && c <= 'F');
}

bool LooksLikePhone(std::string_view v) {
  int digits = 0;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '+' && c != '-' && c != ' ' && c != '(' && c != ')' && c != '.') {
      return false;
    }
  }
  return digits >= 6 && digits <= 16;
}

bool LooksLikeUuid(std::string_view v) {
  if (v.size() != 36) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (v[i] != '-') return false;
    } else if (!IsHex(v[i], true)) {
      return false;
    }
  }
  return true;
}

}  // namespace

HashCheck CheckIdHash(std::string_view v) {
  HashCheck r;
  if (v.size() == 64) {
    bool lower = true, hex = true;
    for (char c : v) {
      hex &= IsHex(c, true);
      lower &= IsHex(c, false);
    }
    if (lower) {
      r.ok = true;
      return r;
    }
    if (hex) {
      r.reason = "id_hash must be lower-case hex (SHA-256 digest)";
      return r;
    }
  }
  const char* what = nullptr;
  if (v.find('@') != std::string_view::npos) {
    what = "an e-mail address";
  } else if (LooksLikePhone(v)) {
    what = "a phone number";
  } else if (LooksLikeUuid(v)) {
    what = "a device id";
  }
  if (what != nullptr) {
    r.privacy = true;
    r.reason =
        std::string("privacy: id_hash holds ") + what +
        " in clear text; send the SHA-256 of the normalised value (docs/first-party.md). The row is not "
        "stored";
    return r;
  }
  r.reason = "id_hash must be 64 lower-case hex characters (a SHA-256 digest)";
  return r;
}

const char* ClearTextIdentifier(std::string_view v) {
  const size_t at = v.find('@');
  if (at != std::string_view::npos && at > 0) {
    const size_t dot = v.find('.', at + 2);
    if (dot != std::string_view::npos && dot + 1 < v.size() && v.find(' ') == std::string_view::npos)
      return "an e-mail address";
  }
  // Runs on every event's user_id: digits gathered into a fixed buffer, no allocation.
  char digits[15];
  size_t n = 0;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      if (n == sizeof digits) return nullptr;
      digits[n++] = c;
    } else if (c != '+' && c != '-' && c != ' ') {
      return nullptr;
    }
  }
  std::string_view d(digits, n);
  if (d.substr(0, 4) == "0086")
    d.remove_prefix(4);
  else if (d.size() == 13 && d.substr(0, 2) == "86")
    d.remove_prefix(2);
  if (d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9') return "a mobile phone number";
  return nullptr;
}

}  // namespace aips
