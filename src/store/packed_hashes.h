// The hashed part of an event-id run (docs/formats.md §6): sorted, distinct 64-bit hashes, stored as a
// quotient table when there are many of them. The top b bits of a hash pick one of 2^b buckets; a u32
// offset per bucket (plus one) says where its hashes start, and each hash keeps only its low 64 - b bits
// (the remainder), bit-packed in order. About 5.7 bytes per hash for 20 M of them instead of 8; a lookup
// reads one bucket of about 16-32 remainders. Fewer than kMinPackedHashes hashes are stored plain (u64).
// Views into a mapped file: the buffer must outlive the object.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"
#include "common/bytes.h"

namespace aips {

constexpr size_t kMinPackedHashes = 4096;  // below, a bucket table costs about as much as it saves

class PackedHashes {
 public:
  // Writes `sorted` (ascending, distinct) at w's end: count u64, bucket_bits u8, then the table.
  static void Encode(const std::vector<uint64_t>& sorted, ByteWriter* w);
  // Reads what Encode wrote, checking its structure (offsets, order); `r` must read a buffer whose start
  // is 8-byte aligned in memory. Corruption naming `path` otherwise.
  static Result<PackedHashes> Read(ByteReader& r, const std::string& path);
  // Plain sorted hashes (a version 1 run).
  static PackedHashes Plain(const uint64_t* data, size_t n);

  bool Contains(uint64_t hash) const;
  size_t size() const { return n_; }
  // Calls fn(hash) for every hash, ascending.
  void ForEach(const std::function<void(uint64_t)>& fn) const;

 private:
  uint64_t Remainder(size_t i) const;
  size_t n_ = 0;
  int bits_ = 0;                            // b; 0 = plain
  const uint64_t* plain_ = nullptr;         // b = 0
  const unsigned char* offsets_ = nullptr;  // u32 x (2^b + 1), little-endian
  const unsigned char* packed_ = nullptr;   // n remainders of 64 - b bits, then 8 bytes of slack
};

}  // namespace aips
