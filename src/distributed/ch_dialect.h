// What differs between the ClickHouse releases aips runs on (Debian's 18.16 and current ones, e.g. the
// 26.7 of chdb), in one place: every SQL text or answer parsing that must depend on the server's
// version asks a ChDialect. The version is read once per connection (SELECT version()).
#pragma once

#include <string>
#include <string_view>

#include "aips/status.h"
#include "common/date.h"

namespace aips {

class ChDialect {
 public:
  // From the answer of SELECT version(), e.g. "18.16.1" or "26.7.2.1". InvalidArgument otherwise.
  static Result<ChDialect> FromVersion(std::string_view version);

  const std::string& version() const { return version_; }
  int major() const { return major_; }
  int minor() const { return minor_; }
  // At least major.minor.
  bool AtLeast(int major, int minor) const { return major_ > major || (major_ == major && minor_ >= minor); }

  // How the zero Date (the value of minIf(day, cond) over no row, a Date column's default) prints:
  // "0000-00-00" before 20.7, "1970-01-01" from 20.7 on (ClickHouse PR #12442).
  std::string_view ZeroDate() const;
  // A Date as ClickHouse printed it: kNoDay for this release's zero Date, else the day.
  Result<Day> ParseDay(std::string_view text) const;

 private:
  std::string version_;
  int major_ = 0, minor_ = 0;
};

}  // namespace aips
