#include "distributed/ch_dialect.h"

#include <charconv>

#include "fmt/format.h"

namespace aips {

Result<ChDialect> ChDialect::FromVersion(std::string_view version) {
  while (!version.empty() && (version.back() == '\n' || version.back() == ' ')) version.remove_suffix(1);
  ChDialect d;
  d.version_ = std::string(version);
  const char* p = version.data();
  const char* end = version.data() + version.size();
  auto [q, ec] = std::from_chars(p, end, d.major_);
  if (ec != std::errc() || q == end || *q != '.') {
    return Status::InvalidArgument(fmt::format("unexpected ClickHouse version '{}'", version));
  }
  auto [r, ec2] = std::from_chars(q + 1, end, d.minor_);
  if (ec2 != std::errc() || (r != end && *r != '.')) {
    return Status::InvalidArgument(fmt::format("unexpected ClickHouse version '{}'", version));
  }
  return d;
}

std::string_view ChDialect::ZeroDate() const { return AtLeast(20, 7) ? "1970-01-01" : "0000-00-00"; }

Result<Day> ChDialect::ParseDay(std::string_view text) const {
  if (text == ZeroDate()) return kNoDay;
  return ParseDate(text);
}

}  // namespace aips
