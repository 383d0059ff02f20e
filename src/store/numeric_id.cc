#include "store/numeric_id.h"

#include <cstring>

namespace aips {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

}  // namespace

std::optional<NumericId> ParseNumericId(std::string_view id) {
  const size_t n = id.size();
  size_t start = n;
  while (start > 0 && IsHex(id[start - 1])) --start;
  if (n - start <= static_cast<size_t>(kMaxHexIdDigits) && start <= kMaxIdPrefix) {
    size_t first_digit = start;
    while (first_digit < n && !IsDigit(id[first_digit])) ++first_digit;
    bool letter = false;
    for (size_t i = first_digit; i < n && !letter; ++i) letter = !IsDigit(id[i]);
    if (letter) {
      NumericId out;
      out.prefix = id.substr(0, start);
      out.digits = static_cast<int>(n - start);
      out.radix = 16;
      for (size_t i = start; i < n; ++i)
        out.number = out.number * 16 + static_cast<uint64_t>(IsDigit(id[i]) ? id[i] - '0' : id[i] - 'a' + 10);
      return out;
    }
  }
  start = n;
  while (start > 0 && IsDigit(id[start - 1])) --start;
  const size_t digits = n - start;
  if (digits == 0 || digits > static_cast<size_t>(kMaxIdDigits) || start > kMaxIdPrefix) return std::nullopt;
  NumericId out;
  out.prefix = id.substr(0, start);
  out.digits = static_cast<int>(digits);
  for (size_t i = start; i < n; ++i) out.number = out.number * 10 + static_cast<uint64_t>(id[i] - '0');
  return out;
}

bool FitsDigits(uint64_t number, int digits, int radix) {
  if (radix == 16) return digits >= kMaxHexIdDigits || (number >> (4 * digits)) == 0;
  uint64_t limit = 1;
  for (int i = 0; i < digits; ++i) limit *= 10;
  return number < limit;
}

bool ValidShape(std::string_view prefix, int digits, int radix) {
  if (prefix.size() > kMaxIdPrefix) return false;
  if (radix == 10)
    return digits >= 1 && digits <= kMaxIdDigits && (prefix.empty() || !IsDigit(prefix.back()));
  if (radix == 16)
    return digits >= 1 && digits <= kMaxHexIdDigits && (prefix.empty() || !IsHex(prefix.back()));
  return false;
}

std::string ShapeKey(std::string_view prefix, int digits, int radix) {
  std::string key(prefix);
  key.push_back(static_cast<char>(radix == 16 ? 0x20 + digits : digits));
  return key;
}

size_t ShapeKeyInto(const NumericId& id, char* buf) {
  std::memcpy(buf, id.prefix.data(), id.prefix.size());
  buf[id.prefix.size()] = static_cast<char>(id.radix == 16 ? 0x20 + id.digits : id.digits);
  return id.prefix.size() + 1;
}

NumericIdFormatter::NumericIdFormatter(std::string_view prefix, int digits, int radix)
    : prefix_len_(prefix.size()), digits_(digits), radix_(radix) {
  std::memcpy(buf_, prefix.data(), prefix.size());
}

std::string_view NumericIdFormatter::Format(uint64_t number) {
  char* end = buf_ + prefix_len_ + digits_;
  const auto radix = static_cast<uint64_t>(radix_);
  for (char* p = end; p != buf_ + prefix_len_;) {
    *--p = "0123456789abcdef"[number % radix];
    number /= radix;
  }
  return {buf_, prefix_len_ + static_cast<size_t>(digits_)};
}

}  // namespace aips
