// Event-id runs (docs/formats.md §6): each ingest that stored events with an event_id writes those ids
// to ids/<generation>.ids. Together the runs are the set of ids already stored, which makes ingest
// idempotent.
//
// A run (version 2) holds its ids in two parts. Numeric ids (store/numeric_id.h: decimal, or lowercase
// hexadecimal) of a shape with at least kMinShapeIds ids in the run are stored exactly: the shape's
// prefix, digit count and radix in clear, and its numbers as Roaring bitmaps. Every other id is stored as its
// 64-bit XXH3 hash, sorted. Version 1 runs (hashes only) are still read. A lookup probes both parts of every
// run, so a shape that one run stores exactly and another hashed is found either way.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "aips/status.h"
#include "common/file_util.h"
#include "roaring/roaring.hh"
#include "store/packed_hashes.h"

namespace aips {

// The fewest ids of one shape that a run stores exactly; fewer go to the hashed part.
constexpr uint64_t kMinShapeIds = 64;

// The numbers of one shape in one run: per high 32 bits (ascending), a bitmap of the low 32 bits.
struct IdShape {
  std::string prefix;
  int digits = 0;
  int radix = 10;      // 10 or 16 (store/numeric_id.h)
  uint64_t count = 0;  // numbers in all bitmaps
  std::vector<uint32_t> highs;
  std::vector<Roaring> sets;

  bool Contains(uint64_t number) const;
  // Calls fn(number) for every number, ascending.
  void ForEachNumber(const std::function<void(uint64_t)>& fn) const;
};

// The ids of one ingest as it runs: numeric ids in per-shape bitmaps (exact, and far smaller than a hash
// set), every other id in a hash set. Not thread-safe.
class IdRunBuilder {
 public:
  IdRunBuilder();
  ~IdRunBuilder();
  IdRunBuilder(IdRunBuilder&&) noexcept;
  IdRunBuilder& operator=(IdRunBuilder&&) noexcept;

  // Adds `id` (hash = Hash64(id)); false when the run already holds it.
  bool Insert(std::string_view id, uint64_t hash);
  bool Contains(std::string_view id, uint64_t hash) const;
  // About n more ids are expected: the hash set is reserved for them when its first id arrives.
  void Expect(size_t n);
  // No more Insert or Contains: frees the hash set used to find duplicates (the ids are kept).
  void Seal();
  bool empty() const { return size_ == 0; }
  uint64_t size() const { return size_; }
  // The run as it is written: shapes of at least kMinShapeIds ids whose bitmaps take no more room than
  // their hashes, and the hashes of every other id (unsorted). Leaves the builder empty.
  void Take(std::vector<IdShape>* shapes, std::vector<uint64_t>* hashes);

 private:
  struct Building;
  std::unique_ptr<Building> b_;
  uint64_t size_ = 0;
};

// The file image of a run: version 2, or version 1 (hashes only) when the environment variable
// AIPS_STORE_FORMAT is "1" (tests make old directories with it). `shapes` must hold distinct shapes;
// `hashes` may be unsorted and repeat.
std::string EncodeIdRun(std::vector<IdShape> shapes, std::vector<uint64_t> hashes);
Status WriteIdRun(const std::string& dir, uint64_t generation, IdRunBuilder ids);
// Appends Hash64 of every id of `shape` (each formatted back to its string), as a hashed part holds them.
void AppendShapeHashes(const IdShape& shape, std::vector<uint64_t>* hashes);

// The stored runs, memory-mapped and verified once; membership is a bitmap probe per run holding the
// id's shape plus a binary search per run, so an ingest of a few new rows does not build a set of every
// id ever stored. Corrupt runs give Corruption naming the file.
class StoredIds {
 public:
  StoredIds() = default;
  StoredIds(StoredIds&&) = default;
  StoredIds& operator=(StoredIds&&) = default;
  StoredIds(const StoredIds&) = delete;
  StoredIds& operator=(const StoredIds&) = delete;

  static Result<StoredIds> Open(const std::string& dir, const std::vector<uint64_t>& generations);
  // hash must be Hash64(id).
  bool Contains(std::string_view id, uint64_t hash) const;
  uint64_t size() const { return size_; }
  size_t runs() const { return runs_.size(); }
  // The ids in the i-th run of `generations`.
  uint64_t RunSize(size_t i) const { return runs_[i].count; }
  // Calls fn(Hash64(id)) for every id of the i-th run (numeric ids are formatted back to their string
  // first); stops at the first error and returns it.
  Status ForEachHash(size_t i, const std::function<Status(uint64_t)>& fn) const;
  // The i-th run's parts (for rewriting it).
  const std::vector<IdShape>& Shapes(size_t i) const { return runs_[i].shapes; }
  std::vector<uint64_t> Hashes(size_t i) const;

 private:
  struct Run {
    PackedHashes hashes;  // views into the mapping
    uint64_t count = 0;
    std::vector<IdShape> shapes;  // version 2
  };
  std::vector<MappedFile> files_;
  std::vector<Run> runs_;
  // ShapeKey -> that shape in every run storing it exactly (the IdShape objects live in runs_' vectors,
  // whose buffers do not move when runs_ or this object moves).
  absl::flat_hash_map<std::string, std::vector<const IdShape*>> by_shape_;
  uint64_t size_ = 0;
};

}  // namespace aips
