// `aips forget` (issue #8, docs/operations.md): erases users from a data directory, as personal-
// information law requires of a brand that is asked to.
//
// In one manifest commit: every day segment holding a row of the users is rewritten without those rows
// (segments of one day are merged), the users' names in the user dictionary are replaced by tombstones
// (their dense ids stay allocated, so no other id moves), their identity-map links and attribute tags
// are removed, their private messages removed and their authorship of notes cleared, and the affected
// brands' and their categories' snapshots are marked for recomputation.
// Before the commit, event-id runs that store a numeric-id shape whose prefix (kept in clear) contains one
// of the users' ids are rewritten in place with that shape hashed (the same ids: no commit needed).
// Before the commit, rejected-row files lose the lines naming them. After it, the saved crowds lose the
// users' ids (reads leave tombstoned ids out meanwhile) and the stale snapshot files are deleted. With
// `block`, the users' keyed fingerprints are kept so that later ingests refuse their rows. A crash leaves
// either state; re-running completes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aips/status.h"
#include "store/store.h"

namespace aips {

struct ForgetResult {
  uint64_t users_found = 0;  // names that the user dictionary held
  uint64_t events_removed = 0, segments_rewritten = 0, brands_affected = 0;
  uint64_t identity_links_removed = 0, attribute_tags_removed = 0, crowds_changed = 0;
  uint64_t assignments_removed = 0;  // experiment assignments (treatment or control of a campaign)
  uint64_t reject_lines_removed = 0;
  uint64_t messages_removed = 0, notes_unlinked = 0;  // private messages; notes whose author they were
  uint64_t snapshot_files_deleted = 0;
  uint64_t id_shapes_hashed = 0;  // numeric event-id shapes whose prefix (stored in clear) named a user
  bool blocked = false;           // fingerprints recorded
};

// `store` must be open for writing. With dry_run nothing changes (the counts say what would).
// InvalidArgument unless `users` names at least one user, each a non-empty id of at most 1024 bytes (every
// engine's forget checks the request this way).
Status CheckForgetUsers(const std::vector<std::string>& users);

Result<ForgetResult> ForgetUsers(Store& store, const std::vector<std::string>& users, bool block,
                                 bool dry_run);

}  // namespace aips
