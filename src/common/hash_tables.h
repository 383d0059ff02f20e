// absl's hash tables when an allocation fails (docs/reliability.md, "Memory limits").
//
// When the allocation of a growing absl table throws (std::bad_alloc, the server under a memory limit),
// the table keeps its old arrays but already has its new capacity. Its destructor then walks the new
// capacity over the old arrays: it destroys entries that are not there, and a table that grew from empty
// frees absl's static empty group. (absl 20220623, raw_hash_set::resize; later versions do the same.)
// What follows keeps that harmless:
// - the entries of a table that may grow while memory can run out need no destructor (integers, ids,
//   string_views: the destructor walk then touches nothing, and the old arrays are freed whole); lists
//   per key live outside the table (KeyedLists below);
// - a table that is filled with a known number of entries gets its room in its constructor
//   (WithRoomFor, ReserveSafely), not with reserve(): a constructor that throws leaves no table behind.
// The command line does not unwind on allocation failure at all (common/memory_limit.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace aips {

// An empty absl table with room for n entries without growing (absl grows past 7/8 full).
template <typename Table>
Table WithRoomFor(size_t n) {
  return Table(n + n / 7 + 1);
}

// t.reserve(n), except that an empty table that has never allocated gets its room in a constructor (the
// case where a throwing reserve() leaves a table that frees absl's static empty group).
template <typename Table>
void ReserveSafely(Table& t, size_t n) {
  if (t.bucket_count() == 0) {
    t = WithRoomFor<Table>(n);
  } else {
    t.reserve(n);  // its entries need no destructor: harmless if it throws
  }
}

// Lists of V by uint32_t key (a user), kept outside the hash table, which holds only (key, index).
template <typename V>
class KeyedLists {
 public:
  // The list of key, empty when new.
  std::vector<V>& operator[](uint32_t key) {
    auto [it, fresh] = index_.try_emplace(key, static_cast<uint32_t>(lists_.size()));
    if (fresh) lists_.emplace_back();  // a throw here leaves an index past the end: never read again
    return lists_[it->second];
  }
  // The list of key; nullptr when it has none.
  const std::vector<V>* Find(uint32_t key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &lists_[it->second];
  }
  size_t size() const { return index_.size(); }
  // fn(key, list) for every key, in no particular order.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (const auto& [key, i] : index_) fn(key, lists_[i]);
  }

 private:
  absl::flat_hash_map<uint32_t, uint32_t> index_;
  std::vector<std::vector<V>> lists_;
};

}  // namespace aips
