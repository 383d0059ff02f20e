#include "common/decimal.h"

namespace aips {

Result<int64_t> ParseDecimal(std::string_view s) {
  if (s.empty()) return Status::InvalidArgument("empty number");
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  int64_t whole = 0;
  int int_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (++int_digits > 13) return Status::InvalidArgument("number too large");
    whole = whole * 10 + (s[i] - '0');
    ++i;
  }
  int64_t frac = 0;
  int frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (++frac_digits > 6) return Status::InvalidArgument("more than 6 digits after the decimal point");
      frac = frac * 10 + (s[i] - '0');
      ++i;
    }
  }
  if (i != s.size() || int_digits + frac_digits == 0) return Status::InvalidArgument("not a decimal number");
  for (int k = frac_digits; k < 6; ++k) frac *= 10;
  if (whole >= 9000000000000) return Status::InvalidArgument("number too large");
  int64_t v = whole * kMicrosPerUnit + frac;
  return neg ? -v : v;
}

std::string FormatDecimal(int64_t micros) {
  std::string out;
  uint64_t mag = micros < 0 ? static_cast<uint64_t>(-(micros + 1)) + 1 : static_cast<uint64_t>(micros);
  if (micros < 0) out.push_back('-');
  out += std::to_string(mag / kMicrosPerUnit);
  uint64_t frac = mag % kMicrosPerUnit;
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, 6 - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += '.';
    out += f;
  }
  return out;
}

}  // namespace aips
