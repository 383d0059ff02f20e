// Calendar days, timestamps and the local-day mapping of docs/definitions.md#days-and-windows.
//
// A Day is a count of days since 1970-01-01 in the data directory's time zone (a civil date, not an
// instant). Timestamps are Unix seconds.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "aips/status.h"

namespace aips {

using Day = int32_t;
inline constexpr Day kNoDay = std::numeric_limits<Day>::min();

// The accepted timestamp range: [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z).
inline constexpr int64_t kMinTimestamp = 946684800;
inline constexpr int64_t kMaxTimestamp = 4102444800;

// Days since 1970-01-01 of a proleptic Gregorian date (no validation).
Day DaysFromCivil(int y, unsigned m, unsigned d);
void CivilFromDays(Day z, int* y, unsigned* m, unsigned* d);

// Parses a strict "YYYY-MM-DD" date. Error message names the text and the reason.
Result<Day> ParseDate(std::string_view text);
// "YYYY-MM-DD".
std::string FormatDate(Day day);
// Appends "YYYY-MM-DD" to out (no allocation beyond out's growth).
void AppendDate(Day day, std::string* out);

// Parses an event timestamp: ISO-8601 date-time with an offset ("2024-11-30T10:00:00+08:00",
// "...Z", "+0800", optional fractional seconds, 'T' or ' ' between date and time) or integer Unix
// seconds. Fractional seconds are truncated. On failure returns InvalidArgument whose message is the
// reason alone ("no UTC offset", "outside [2000-01-01, 2100-01-01)", ...).
Result<int64_t> ParseTimestamp(std::string_view text);

// Loads an IANA zone ("Asia/Shanghai") from the system's tzdata.
Result<absl::TimeZone> LoadZone(const std::string& name);

// The Monday that starts the week of a day (1970-01-01 was a Thursday).
inline Day WeekOf(Day d) { return d - ((d % 7 + 7 + 3) % 7); }

// Maps Unix seconds to local days in one zone. Caches the current UTC-offset interval, so that a run
// of timestamps between two transitions costs an add and a division. Not thread-safe (one per thread).
class DayMapper {
 public:
  explicit DayMapper(absl::TimeZone zone) : zone_(zone) {}
  Day LocalDay(int64_t unix_seconds);
  // The first instant (Unix seconds) of a local day (start of day in the zone).
  int64_t DayStart(Day day) const;

 private:
  absl::TimeZone zone_;
  int64_t lo_ = 1, hi_ = 0;  // [lo_, hi_) has a constant offset
  int64_t offset_ = 0;
};

}  // namespace aips
