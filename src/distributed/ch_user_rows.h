// What `aips ingest --engine` writes for crowds (docs/distributed.md, "Crowds"): every user's number in
// the order aips first saw it, and user attributes; and the registry row of a saved crowd.
//
// User numbers. The embedded engine numbers users densely in the order its ingest first meets them (an
// event stored, an attributes row); exports list members and lookalike breaks ties in that order. The
// loader numbers users the same way: a user first seen by this run gets the next number of the run
// (base = the highest stored number + 1, so numbers only grow), and the numbers of users not stored yet
// are written to `user_seq` on the user's shard (users already stored keep theirs). Gaps do not matter,
// only the order.
//
// Attributes. A row replaces the user's tags; a row that changes nothing is a duplicate, as in the
// embedded ingest. The users of an attributes file have their stored tags looked up once before the
// file's rows are applied; the run writes one row per changed user (`attributes`, version = the run).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "distributed/ch_store.h"
#include "ingest/row_source.h"
#include "store/crowds.h"
#include "store/experiments.h"

namespace aips {

struct ChSeqRow {
  uint64_t user = 0, ordinal = 0;  // ordinal: the run's count of users seen before this one
  std::string id;
  size_t shard = 0;
};

// The number after the highest stored one (1 on an empty database).
Result<uint64_t> ChNextUserSeq(ChStore& ch);
// Writes the rows of users not stored yet, numbered base + ordinal.
Status ChWriteUserSeq(ChStore& ch, uint64_t base, const std::vector<ChSeqRow>& rows);

// A `saved_crowds` registry row (TabSeparated): saved_us orders the list (docs/distributed.md, "Crowds").
std::string ChSavedCrowdRow(const SavedCrowd& c, uint64_t saved_us);

class ChAttributesLoad {
 public:
  explicit ChAttributesLoad(ChStore& ch) : ch_(ch) {}
  // Reads the stored tags of every user an attributes file names (one lookup per file).
  Status PrepareFile(std::string_view data, const FileFormat& format);
  // Reads the stored tags of these users (one lookup).
  Status PrepareUsers(const absl::flat_hash_set<uint64_t>& users);
  // Replaces a user's tags; true when this changes them.
  bool Apply(uint64_t user, std::vector<std::string> tags);
  // Writes the changed users' tags, each to its shard.
  Status Commit(uint64_t run);

 private:
  ChStore& ch_;
  absl::flat_hash_map<uint64_t, std::vector<std::string>> stored_;   // sorted tags as stored
  absl::flat_hash_map<uint64_t, std::vector<std::string>> changed_;  // sorted tags after this run
};

// Experiment assignments (`experiments`, sharded by user): as the embedded ingest, a user's first group for
// a campaign stands, the same group again is a duplicate, the other one a conflict. The stored groups of
// the users a file names are looked up once per file.
// The users whose first assignment to `campaign` is the treatment (or control) group, over `table`: the
// per-shard `experiments` table for `user IN`, the Distributed one to count them (the GROUP BY runs per
// shard: users never span shards).
std::string ChExperimentGroupSql(const std::string& table, const std::string& campaign, bool treatment);

class ChExperimentsLoad {
 public:
  explicit ChExperimentsLoad(ChStore& ch) : ch_(ch) {}
  Status PrepareFile(std::string_view data, const FileFormat& format);
  Status PrepareUsers(const absl::flat_hash_set<uint64_t>& users);
  Experiments::Assigned Assign(const std::string& campaign, uint64_t user, bool treatment);
  // Writes the run's new assignments, each to its user's shard.
  Status Commit(uint64_t run);

 private:
  ChStore& ch_;
  absl::flat_hash_map<std::pair<std::string, uint64_t>, bool> groups_;  // stored and new: treatment?
  std::vector<std::pair<std::string, uint64_t>> added_;
};

}  // namespace aips
