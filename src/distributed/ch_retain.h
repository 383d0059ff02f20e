// `aips retain --engine URL`: retention on ClickHouse, with the embedded engine's meaning
// (store/retention.h): keep the `keep_days` days ending on the last day with data and drop the events
// before them. The dropped events' keys move to `dropped_keys` first, so a re-sent old event is still a
// duplicate; then the events are deleted on every node (ALTER TABLE … DELETE, waited for). A run killed
// between the two steps is finished by running it again. Counts match the embedded engine's: distinct days
// and rows dropped, and the brands that had events on them.
#pragma once

#include "distributed/ch_store.h"
#include "store/retention.h"

namespace aips {

Result<RetentionResult> RetainOnClickHouse(ChStore& ch, int keep_days, bool dry_run);

}  // namespace aips
