// An append-only string <-> dense u32 dictionary (users, brands, SPUs, campaigns, notes, channels).
//
// On disk (docs/formats.md §3) a dictionary file is a sequence of chunks, one per ingest that added
// names; the manifest records how many bytes and entries are committed, and anything after that (a
// crash between writing a chunk and committing the manifest) is ignored and overwritten. Ids are
// assigned in insertion order and never change.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "aips/status.h"

namespace aips {

// What Dictionary::Tombstone writes before the id. (Written as "\x01forgotten:" until this constant,
// which C++ reads as \x1f then "orgotten:": the bytes stay those.)
inline constexpr std::string_view kTombstonePrefix =
    "\x1f"
    "orgotten:";
inline bool IsTombstone(std::string_view name) {
  return name.substr(0, kTombstonePrefix.size()) == kTombstonePrefix;
}

inline constexpr uint32_t kNoId = 0xFFFFFFFFu;

struct DictInfo {
  uint32_t count = 0;     // committed entries
  uint64_t bytes = 0;     // committed file length
  uint64_t file_gen = 0;  // which file: 0 = dict/<name>.dict, g = dict/<name>-<g>.dict (after a rewrite)
};

// True when the committed chunks of a dictionary file are not in the form a rewrite gives (`aips
// rewrite`): more than one chunk, or a plain chunk of kPackFrom bytes or more (an older build's, or
// AIPS_STORE_FORMAT=1's).
Result<bool> DictionaryNeedsRewrite(const std::string& path, DictInfo committed);

class Dictionary {
 public:
  Dictionary() = default;
  Dictionary(Dictionary&&) = default;
  Dictionary& operator=(Dictionary&&) = default;

  // Reads the committed prefix of `path` (an absent file is an empty dictionary when info is empty). The
  // name -> id index is built on the first lookup (Find, GetOrAdd, Prefetch, Tombstone), not here: a
  // command that needs only names or counts (info, crowd export) does not hash every name (100 M users:
  // about a minute). That first lookup may come from several threads at once (std::call_once).
  static Result<Dictionary> Load(const std::string& path, DictInfo committed);
  // Builds the index and says whether a name appears twice (damage; `aips check`).
  Status VerifyUnique(const std::string& path) const;

  std::optional<uint32_t> Find(std::string_view name) const;
  // Starts loading the memory a later Find or GetOrAdd of `name` reads (ingest calls it some rows ahead,
  // so that a large dictionary's cache misses overlap instead of coming one after another).
  void Prefetch(std::string_view name) const {
    EnsureIndex();
    index_.prefetch(name);
  }
  // The id of name, adding it (as pending) when new.
  uint32_t GetOrAdd(std::string_view name);
  std::string_view Name(uint32_t id) const { return names_[id]; }
  uint32_t size() const { return static_cast<uint32_t>(names_.size()); }
  bool has_pending() const { return names_.size() > committed_.count; }

  // Appends the pending names as one chunk after the committed bytes, fsyncs, and returns the info the
  // manifest must record to commit them.
  Result<DictInfo> Flush(const std::string& path);
  // Replaces the name of `id` with a tombstone that no input can produce (kTombstonePrefix + id); the id
  // stays allocated (ids never change) but Find(old name) no longer returns it. Used by `aips forget`.
  void Tombstone(uint32_t id);
  // The ids whose names are tombstones, in the order they were found (loaded, then tombstoned).
  const std::vector<uint32_t>& tombstoned() const { return tombstoned_; }
  // Writes every name (committed and pending, tombstones included) as one chunk into a new file `path`,
  // fsync'ed; returns the info (with file_gen = `file_gen`) that the manifest must record to commit it.
  Result<DictInfo> WriteWhole(const std::string& path, uint64_t file_gen);
  // Marks the flushed info as committed (after the manifest is written).
  void SetCommitted(DictInfo info) { committed_ = info; }

 private:
  std::string_view Store(std::string_view name);
  void EnsureIndex() const;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0, block_size_ = 0;
  std::vector<std::string_view> names_;
  mutable absl::flat_hash_map<std::string_view, uint32_t> index_;
  mutable std::unique_ptr<std::once_flag> indexed_ = std::make_unique<std::once_flag>();
  mutable std::optional<uint32_t> duplicate_;  // an id whose name an earlier id has (found by EnsureIndex)
  std::vector<uint32_t> tombstoned_;
  DictInfo committed_;
};

}  // namespace aips
