// Retention (issue #8, docs/operations.md): drop the events older than a number of days, in one commit.
#pragma once

#include <cstdint>

#include "aips/status.h"
#include "common/date.h"
#include "store/store.h"

namespace aips {

struct RetentionResult {
  Day cutoff = kNoDay;  // first day kept
  uint64_t days_dropped = 0, rows_dropped = 0, brands_affected = 0;
  // Users left with nothing (no event kept, no attributes, no experiment assignment): erased as by
  // `aips forget` without blocking (their ids become tombstones and leave saved crowds), so that the
  // directory knows exactly the users a directory given only the kept days would.
  uint64_t users_dropped = 0;
};

// Keeps the `keep_days` days ending on the last day with data ([last - keep_days + 1, last]) and drops the
// day segments before them, in one manifest commit (a crash leaves either state). Affected brands get new
// first days and row counts; their snapshots and every category crowd are recomputed on the next query or
// compute. The dropped events' ids stay known, so a re-sent old event is still a duplicate. Users left
// with nothing are dropped (RetentionResult::users_dropped); a later event of theirs numbers them anew.
// `store` must be open for writing. With dry_run nothing changes.
// Every engine's retention: InvalidArgument unless keep_days is in [1, 36500]; the first day kept when the
// `keep_days` days ending on `last` (a day with data) are kept.
Status CheckKeepDays(int keep_days);
inline Day RetentionCutoff(Day last, int keep_days) { return last - keep_days + 1; }

Result<RetentionResult> ApplyRetention(Store& store, int keep_days, bool dry_run);

}  // namespace aips
