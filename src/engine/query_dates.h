// The date rules every engine applies to a query (docs/cli.md), so that the embedded and ClickHouse
// engines accept, default and reject dates the same way, and the flow's move counts from its matrix.
#pragma once

#include <optional>

#include "aips/status.h"
#include "engine/results.h"

namespace aips {

// InvalidArgument naming the data's range when an explicit `day` (option or parameter `name`) is before
// its first or after its last day; OK for no day, or when there is no data (the engine says so).
Status CheckInData(const char* name, std::optional<Day> day, std::pair<Day, Day> data_days);
// `date`, else the last day with data (`last`, kNoDay: none → InvalidArgument).
Result<Day> DateOrLast(std::optional<Day> date, Day last);
// Trend: from defaults to to - 29, but not before `first` (the first day with data; kNoDay: no bound);
// from <= to; at most 3661 days.
Result<Day> TrendFrom(std::optional<Day> from, Day to, Day first);
// Flow: from defaults to to - 30, but not before `first`; from < to.
Result<Day> FlowFrom(std::optional<Day> from, Day to, Day first);
// 新增 / 流失 / 加深 / 回落 of a filled matrix.
void CountFlowMoves(FlowResult* f);

}  // namespace aips
