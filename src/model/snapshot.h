// Daily stage snapshots of one subject (a brand with its SPUs, or a category crowd), stored as
// keyframes and deltas of (user, stage code) lists (v2; v1 files of CRoaring bitmaps are still read)
// (docs/formats.md §7).
//
// For every scope and every day in [first_day, through] the file holds the stage sizes, and either a
// keyframe (one bitmap of members per stage) or a delta (per stage, the users who entered and who left
// that day). A day's members are the nearest keyframe at or before it plus the deltas after it, so
// answering a day touches at most `keyframe_every` small deltas.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aips/status.h"
#include "common/date.h"
#include "common/file_util.h"
#include "common/store_format.h"
#include "model/scope_state.h"
#include "roaring/roaring.hh"

namespace aips {

inline constexpr uint32_t kBrandScope = 0xFFFFFFFFu;  // the "spu" of the brand-level scope
inline constexpr int kKeyframeEvery = 16;
// The snapshot format written: 2 = AIPSSNP2 (blobs are model/snapshot_codes.h's lists); 1 = AIPSSNP1
// (blobs are CRoaring bitmaps; still read, written only on request for tests of old files).
inline constexpr int kSnapshotFormat = 2;
// What builders write: kSnapshotFormat, or 1 under AIPS_STORE_FORMAT=1 (common/store_format.h, tests only).
inline int WrittenSnapshotFormat() { return WriteOldFormats() ? 1 : kSnapshotFormat; }

using StageCounts = std::vector<uint32_t>;  // per stage index

// Users whose stage is at least `s` (1 = A ... 5 = S), from a day's members per stage.
Roaring AtLeast(const std::vector<Roaring>& members, int s);

// Collects one scope's days while the engine runs.
class ScopeSnapshotBuilder {
 public:
  ScopeSnapshotBuilder(uint32_t scope, int num_stages, Day first_day, int format = WrittenSnapshotFormat());
  // Records day `day` (days must come in order, without gaps) from its changes and the state after it.
  void AddDay(Day day, const std::vector<StageChange>& changes, const ScopeState& state);
  // Records a day on which the scope had no members at all (a scope that appears later).
  void AddEmptyDay(Day day);
  // Starts from the days [first_day, reader.through()] of a scope already stored, to continue after them.
  // Unsupported when the stored file is of another format than this builder's (the caller then computes
  // the subject from its first day).
  Status LoadPrefix(const class SnapshotReader& reader);
  uint32_t scope() const { return scope_; }

 private:
  friend class SnapshotWriter;
  struct DayEntry {
    std::vector<uint32_t> counts;
    uint64_t blob_offset = 0;
    uint32_t blob_len = 0;
  };
  uint32_t scope_;
  int num_stages_;
  Day first_day_;
  int format_;
  std::vector<uint32_t> counts_;
  std::vector<DayEntry> days_;
  std::string blobs_;
};

// Assembles a snapshot file image, in the builders' format (all alike; no builders: kSnapshotFormat).
class SnapshotWriter {
 public:
  static std::string Encode(uint64_t fingerprint, int num_stages, Day first_day, Day through,
                            const std::vector<std::unique_ptr<ScopeSnapshotBuilder>>& scopes);
};

// A read-only, verified snapshot file.
class SnapshotReader {
 public:
  static Result<std::unique_ptr<SnapshotReader>> Open(const std::string& path);
  // The same over a file image held in memory (a snapshot computed but not stored: a full disk or a
  // read-only directory); `label` names it in errors.
  static Result<std::unique_ptr<SnapshotReader>> FromBytes(std::string bytes, const std::string& label);

  uint64_t fingerprint() const { return fp_; }
  int num_stages() const { return num_stages_; }
  int format() const { return format_; }  // 1 or 2 (AIPSSNP1 / AIPSSNP2)
  Day first_day() const { return first_day_; }
  Day through() const { return through_; }
  bool HasScope(uint32_t scope) const;

  // Stage sizes on a day (zeros before first_day). InvalidArgument when day > through.
  Result<StageCounts> Counts(uint32_t scope, Day day) const;
  // Members per stage on a day.
  Result<std::vector<Roaring>> Members(uint32_t scope, Day day) const;
  // The same as stage codes: codes[user] = stage code (1..stages) of every member on `day`, written in
  // place (no bitmap merges: the keyframe's members, then each delta's). `codes` has `n_codes` entries,
  // zero on entry for the users this writes; every user written (possibly more than once, possibly set
  // back to 0 by a later delta) is appended to *touched, so the caller can read and re-zero exactly those.
  Status StageCodes(uint32_t scope, Day day, uint8_t* codes, size_t n_codes,
                    std::vector<uint32_t>* touched) const;

  struct RawDay {
    std::vector<uint32_t> counts;
    uint64_t offset;  // into the scope's blobs
    uint32_t len;
  };
  // A scope's days as stored, and its blob bytes (for continuing a snapshot; see ScopeSnapshotBuilder).
  Status RawScope(uint32_t scope, std::vector<RawDay>* days, std::string_view* blobs) const;

 private:
  struct ScopeIndex {
    uint32_t scope;
    uint64_t days_offset;  // into payload_
  };
  const ScopeIndex* Find(uint32_t scope) const;
  Status ReadBitmaps(uint64_t blob_offset, uint32_t blob_len, size_t count, std::vector<Roaring>* out) const;
  // A v2 blob's (user, code) list.
  Status ReadCodes(uint64_t blob_offset, uint32_t blob_len, bool keyframe, std::vector<uint32_t>* users,
                   std::vector<uint8_t>* codes) const;
  // Where day d's blob of scope si lies (offset into the scope's blobs, length).
  void BlobOf(const ScopeIndex& si, Day d, uint64_t* off, uint32_t* len) const;
  Result<std::vector<Roaring>> MembersV2(const ScopeIndex& si, Day day) const;
  Status StageCodesV2(const ScopeIndex& si, Day day, uint8_t* codes, size_t n_codes,
                      std::vector<uint32_t>* touched) const;

  // Parses the header and scope table of the framed image in file_ or owned_.
  Status Parse(std::string_view image);

  std::string path_;
  MappedFile file_;
  std::string owned_;  // the image when it came from memory
  std::string_view payload_;
  uint64_t fp_ = 0;
  int num_stages_ = 0;
  int format_ = 0;
  Day first_day_ = kNoDay, through_ = kNoDay;
  uint64_t blobs_offset_ = 0;
  std::vector<ScopeIndex> scopes_;
};

}  // namespace aips
