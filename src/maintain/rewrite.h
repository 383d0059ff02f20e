// `aips rewrite` (issue #20, docs/operations.md): turns a data directory written by an older build into
// the current formats (docs/formats.md), in one manifest commit.
//
// Every file names its own format, so a directory may mix old and new files and every command reads both;
// rewrite is what makes an old directory as small as a new one. What it rewrites:
// - each day whose events are in an old segment (AIPSSEG1) or in more than one segment: the day's rows
//   merged into one current segment;
// - the event-id runs, when one is an old run (hashes only) or there are several: one run holding every id
//   (numeric shapes united; ids an old run knows only by hash stay hashed);
// - each dictionary stored as several chunks or as an unpacked large chunk: one packed chunk;
// - each framed table of version 1 (side tables, first party, attributes, notes, consult, experiments): the
//   same table written again, packed;
// - each brand's and category's snapshot or engine state in an old format: reset, so that the next compute
//   builds it from the first day (the CLI runs that compute at once unless told not to).
// Answers do not change. Memory: one day's rows at a time, plus the id runs being merged. A crash before
// the commit leaves the directory as it was (the new files are garbage the next writer removes); every
// write goes through common/env.h, so the fault tests cover it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "aips/status.h"
#include "store/store.h"

namespace aips {

struct RewriteResult {
  uint64_t days_rewritten = 0, segments_before = 0, segments_after = 0;
  uint64_t id_runs_before = 0, id_runs_after = 0;
  uint64_t dictionaries_rewritten = 0, tables_rewritten = 0;
  uint64_t snapshot_subjects_reset = 0;  // brands and categories whose old snapshots are rebuilt
  uint64_t snapshot_files_deleted = 0;
  bool changed = false;  // false: the directory was already in the current formats
};

// `store` must be open for writing. With dry_run nothing is written (the counts say what would be).
// `progress` (may be empty) is told each step as it starts.
Result<RewriteResult> RewriteStore(Store& store, bool dry_run,
                                   const std::function<void(std::string_view)>& progress = {});

}  // namespace aips
