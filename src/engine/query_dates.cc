#include "engine/query_dates.h"

#include <algorithm>

#include "fmt/format.h"

namespace aips {

Status CheckInData(const char* name, std::optional<Day> day, std::pair<Day, Day> data_days) {
  const auto [first, last] = data_days;
  if (!day || first == kNoDay || (*day >= first && *day <= last)) return Status::OK();
  return Status::InvalidArgument(fmt::format(
      "{} {} is {} the data: events run from {} to {} (local days); nothing is answered outside them", name,
      FormatDate(*day), *day < first ? "before" : "after", FormatDate(first), FormatDate(last)));
}

Result<Day> DateOrLast(std::optional<Day> date, Day last) {
  if (date) return *date;
  if (last == kNoDay)
    return Status::InvalidArgument("no events are stored yet, so there is no default date; pass --date");
  return last;
}

namespace {
// A default start day, clamped to the first day with data.
Day Clamped(Day d, Day first) { return first != kNoDay && d < first ? first : d; }
}  // namespace

Result<Day> TrendFrom(std::optional<Day> from, Day to, Day first) {
  const Day f = from.value_or(Clamped(to - 29, std::min(first, to)));
  if (f > to)
    return Status::InvalidArgument(fmt::format("--from {} is after --to {}", FormatDate(f), FormatDate(to)));
  if (to - f > 3660) return Status::InvalidArgument("a trend covers at most 3661 days");
  return f;
}

Result<Day> FlowFrom(std::optional<Day> from, Day to, Day first) {
  const Day f = from.value_or(Clamped(to - 30, first < to ? first : kNoDay));
  if (f >= to) {
    return Status::InvalidArgument(
        fmt::format("--from {} must be before --to {}", FormatDate(f), FormatDate(to)));
  }
  return f;
}

void CountFlowMoves(FlowResult* f) {
  for (size_t a = 0; a <= 5; ++a) {
    for (size_t b = 0; b <= 5; ++b) {
      const uint64_t v = f->matrix[a][b];
      if (a == 0 && b > 0) f->new_ += v;
      if (b == 0 && a > 0) f->lost += v;
      if (a > 0 && b > a) f->deepened += v;
      if (a > 0 && b > 0 && b < a) f->fell_back += v;
    }
  }
}

}  // namespace aips
