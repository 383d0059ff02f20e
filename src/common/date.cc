#include "common/date.h"

#include <cstring>

#include "fmt/format.h"

namespace aips {

// Howard Hinnant's days_from_civil / civil_from_days.
Day DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void CivilFromDays(Day z, int* y, unsigned* m, unsigned* d) {
  int zz = z + 719468;
  const int era = (zz >= 0 ? zz : zz - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(zz - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int yy = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Parses exactly n ASCII digits at p.
bool Digits(const char* p, int n, int* out) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
    v = v * 10 + (p[i] - '0');
  }
  *out = v;
  return true;
}

// Parses "YYYY-MM-DD" at the start of s (s.size() >= 10). Returns false with a reason.
bool ParseCivilDate(std::string_view s, int* y, unsigned* m, unsigned* d, const char** reason) {
  int yy, mm, dd;
  if (s.size() < 10 || !Digits(s.data(), 4, &yy) || s[4] != '-' || !Digits(s.data() + 5, 2, &mm) ||
      s[7] != '-' || !Digits(s.data() + 8, 2, &dd)) {
    *reason = "not a YYYY-MM-DD date";
    return false;
  }
  if (mm < 1 || mm > 12 || dd < 1 || static_cast<unsigned>(dd) > DaysInMonth(yy, mm)) {
    *reason = "no such date";
    return false;
  }
  *y = yy;
  *m = static_cast<unsigned>(mm);
  *d = static_cast<unsigned>(dd);
  return true;
}

}  // namespace

Result<Day> ParseDate(std::string_view text) {
  int y;
  unsigned m, d;
  const char* reason = nullptr;
  if (text.size() != 10 || !ParseCivilDate(text, &y, &m, &d, &reason)) {
    return Status::InvalidArgument(
        fmt::format("malformed date '{}': {}", text, reason ? reason : "expected YYYY-MM-DD"));
  }
  return DaysFromCivil(y, m, d);
}

void AppendDate(Day day, std::string* out) {
  int y;
  unsigned m, d;
  CivilFromDays(day, &y, &m, &d);
  char buf[16];
  int n = snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  out->append(buf, static_cast<size_t>(n));
}

std::string FormatDate(Day day) {
  if (day == kNoDay) return "";
  std::string s;
  AppendDate(day, &s);
  return s;
}

Result<int64_t> ParseTimestamp(std::string_view s) {
  auto bad = [](const char* why) { return Status::InvalidArgument(why); };
  auto in_range = [&](int64_t t) -> Result<int64_t> {
    if (t < kMinTimestamp || t >= kMaxTimestamp) return bad("outside [2000-01-01, 2100-01-01)");
    return t;
  };
  if (s.empty()) return bad("empty timestamp");
  // Integer Unix seconds.
  bool all_digits = true;
  for (char c : s) all_digits &= (c >= '0' && c <= '9');
  if (all_digits) {
    if (s.size() > 12) return bad("outside [2000-01-01, 2100-01-01)");
    int64_t v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return in_range(v);
  }
  int y;
  unsigned mo, d;
  const char* reason = nullptr;
  if (!ParseCivilDate(s, &y, &mo, &d, &reason))
    return bad("unparsable timestamp (expected ISO-8601 or Unix seconds)");
  if (s.size() == 10) return bad("no time of day and no UTC offset");
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
    return bad("unparsable timestamp (expected 'T' after the date)");
  int hh, mi, ss = 0;
  if (s.size() < 16 || !Digits(s.data() + 11, 2, &hh) || s[13] != ':' || !Digits(s.data() + 14, 2, &mi)) {
    return bad("unparsable time of day");
  }
  size_t p = 16;
  if (p < s.size() && s[p] == ':') {
    if (p + 3 > s.size() || !Digits(s.data() + p + 1, 2, &ss)) return bad("unparsable seconds");
    p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      size_t start = p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
      if (p == start) return bad("unparsable fractional seconds");
    }
  }
  if (hh > 23 || mi > 59 || ss > 60) return bad("time of day out of range");
  if (ss == 60) ss = 59;  // a leap second stays inside its minute
  if (p == s.size()) return bad("no UTC offset (add Z or +HH:MM)");
  int64_t offset = 0;
  if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
    offset = 0;
  } else if (s[p] == '+' || s[p] == '-') {
    int oh, om = 0;
    std::string_view rest = s.substr(p + 1);
    if (rest.size() == 5 && Digits(rest.data(), 2, &oh) && rest[2] == ':' &&
        Digits(rest.data() + 3, 2, &om)) {
    } else if (rest.size() == 4 && Digits(rest.data(), 2, &oh) && Digits(rest.data() + 2, 2, &om)) {
    } else if (rest.size() == 2 && Digits(rest.data(), 2, &oh)) {
    } else {
      return bad("unparsable UTC offset");
    }
    if (oh > 18 || om > 59) return bad("UTC offset out of range");
    offset = (oh * 3600 + om * 60) * (s[p] == '-' ? -1 : 1);
  } else {
    return bad("unparsable UTC offset");
  }
  int64_t t = int64_t{DaysFromCivil(y, mo, d)} * 86400 + hh * 3600 + mi * 60 + ss - offset;
  return in_range(t);
}

Result<absl::TimeZone> LoadZone(const std::string& name) {
  absl::TimeZone tz;
  if (name.empty() || !absl::LoadTimeZone(name, &tz)) {
    return Status::InvalidArgument(fmt::format(
        "unknown time zone '{}' (an IANA name such as Asia/Shanghai; is tzdata installed?)", name));
  }
  return tz;
}

static int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Day DayMapper::LocalDay(int64_t t) {
  if (t < lo_ || t >= hi_) {
    // Find the interval around t in which the zone's UTC offset is constant and cache it.
    const absl::Time at = absl::FromUnixSeconds(t);
    offset_ = zone_.At(at).offset;
    auto civil_as_utc = [](absl::CivilSecond cs) {
      return int64_t{DaysFromCivil(static_cast<int>(cs.year()), static_cast<unsigned>(cs.month()),
                                   static_cast<unsigned>(cs.day()))} *
                 86400 +
             cs.hour() * 3600 + cs.minute() * 60 + cs.second();
    };
    absl::TimeZone::CivilTransition tr;
    lo_ = zone_.PrevTransition(at + absl::Seconds(1), &tr) ? civil_as_utc(tr.to) - offset_ : INT64_MIN / 2;
    hi_ = zone_.NextTransition(at, &tr) ? civil_as_utc(tr.from) - offset_ : INT64_MAX / 2;
    if (lo_ > t) lo_ = t;
    if (hi_ <= t) hi_ = t + 1;
  }
  return static_cast<Day>(FloorDiv(t + offset_, 86400));
}

int64_t DayMapper::DayStart(Day day) const {
  int y;
  unsigned m, d;
  CivilFromDays(day, &y, &m, &d);
  absl::CivilSecond cs(y, m, d, 0, 0, 0);
  return absl::ToUnixSeconds(zone_.At(cs).pre);
}

}  // namespace aips
