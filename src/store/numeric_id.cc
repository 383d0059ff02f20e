#include "store/numeric_id.h"

#include <cstring>

namespace aips {

namespace {
constexpr uint64_t kPow10[kMaxIdDigits + 1] = {1ULL,
                                               10ULL,
                                               100ULL,
                                               1000ULL,
                                               10000ULL,
                                               100000ULL,
                                               1000000ULL,
                                               10000000ULL,
                                               100000000ULL,
                                               1000000000ULL,
                                               10000000000ULL,
                                               100000000000ULL,
                                               1000000000000ULL,
                                               10000000000000ULL,
                                               100000000000000ULL,
                                               1000000000000000ULL,
                                               10000000000000000ULL,
                                               100000000000000000ULL,
                                               1000000000000000000ULL};
}  // namespace

std::optional<NumericId> ParseNumericId(std::string_view id) {
  size_t start = id.size();
  while (start > 0 && id[start - 1] >= '0' && id[start - 1] <= '9') --start;
  const size_t digits = id.size() - start;
  if (digits == 0 || digits > static_cast<size_t>(kMaxIdDigits) || start > kMaxIdPrefix) return std::nullopt;
  NumericId out;
  out.prefix = id.substr(0, start);
  out.digits = static_cast<int>(digits);
  for (size_t i = start; i < id.size(); ++i)
    out.number = out.number * 10 + static_cast<uint64_t>(id[i] - '0');
  return out;
}

uint64_t NumericIdLimit(int digits) { return kPow10[digits]; }

std::string ShapeKey(std::string_view prefix, int digits) {
  std::string key(prefix);
  key.push_back(static_cast<char>(digits));
  return key;
}

size_t ShapeKeyInto(const NumericId& id, char* buf) {
  std::memcpy(buf, id.prefix.data(), id.prefix.size());
  buf[id.prefix.size()] = static_cast<char>(id.digits);
  return id.prefix.size() + 1;
}

NumericIdFormatter::NumericIdFormatter(std::string_view prefix, int digits)
    : prefix_len_(prefix.size()), digits_(digits) {
  std::memcpy(buf_, prefix.data(), prefix.size());
}

std::string_view NumericIdFormatter::Format(uint64_t number) {
  char* end = buf_ + prefix_len_ + digits_;
  for (char* p = end; p != buf_ + prefix_len_;) {
    *--p = static_cast<char>('0' + number % 10);
    number /= 10;
  }
  return {buf_, prefix_len_ + static_cast<size_t>(digits_)};
}

}  // namespace aips
