#include "store/packed_hashes.h"

#include <algorithm>
#include <cstring>

namespace aips {

namespace {

uint32_t LoadU32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Bucket bits for n hashes: one more bit pays while 2^b < n / 32 (a bucket's 4-byte offset against the
// bit it saves on every remainder), so buckets hold 16 to 32 hashes; at least 8 bits, so that a
// remainder has at most 56 bits and one unaligned 64-bit load reads it.
int BucketBits(size_t n) {
  int b = 8;
  while (b < 32 && (size_t{1} << b) * 32 < n) ++b;
  return b;
}

}  // namespace

void PackedHashes::Encode(const std::vector<uint64_t>& sorted, ByteWriter* w) {
  const size_t n = sorted.size();
  w->U64(n);
  if (n < kMinPackedHashes) {
    w->U8(0);
    w->PadTo(8);
    w->Raw(sorted.data(), n * 8);
    return;
  }
  const int b = BucketBits(n);
  const int width = 64 - b;
  w->U8(static_cast<uint8_t>(b));
  const size_t buckets = size_t{1} << b;
  size_t i = 0;
  for (size_t k = 0; k <= buckets; ++k) {
    while (i < n && (sorted[i] >> width) < k) ++i;
    w->U32(static_cast<uint32_t>(i));
  }
  std::string& buf = w->buffer();
  const size_t start = buf.size();
  buf.resize(start + (n * width + 7) / 8 + 8, '\0');
  auto* out = reinterpret_cast<unsigned char*>(buf.data() + start);
  const uint64_t mask = (uint64_t{1} << width) - 1;
  for (size_t j = 0; j < n; ++j) {
    const size_t bit = j * width;
    uint64_t word;
    std::memcpy(&word, out + bit / 8, 8);
    word |= (sorted[j] & mask) << (bit % 8);
    std::memcpy(out + bit / 8, &word, 8);
  }
}

Result<PackedHashes> PackedHashes::Read(ByteReader& r, const std::string& path) {
  PackedHashes p;
  uint64_t n = 0;
  uint8_t b = 0;
  AIPS_RETURN_IF_ERROR(r.U64(&n));
  AIPS_RETURN_IF_ERROR(r.U8(&b));
  if (n > r.remaining()) return Status::Corruption(path + ": hash count exceeds the file");
  p.n_ = n;
  p.bits_ = b;
  std::string_view bytes;
  if (b == 0) {
    std::string_view pad;
    AIPS_RETURN_IF_ERROR(r.Bytes((8 - r.pos() % 8) % 8, &pad));
    if (n > r.remaining() / 8) return Status::Corruption(path + ": hash count exceeds the file");
    AIPS_RETURN_IF_ERROR(r.Bytes(n * 8, &bytes));
    p.plain_ = reinterpret_cast<const uint64_t*>(bytes.data());  // 8-byte aligned: see Read's contract
    if (!std::is_sorted(p.plain_, p.plain_ + n)) return Status::Corruption(path + ": ids are not sorted");
    return p;
  }
  if (b < 8 || b > 32 || n < kMinPackedHashes) return Status::Corruption(path + ": hash table is malformed");
  const size_t buckets = size_t{1} << b;
  const int width = 64 - b;
  if (buckets + 1 > r.remaining() / 4) return Status::Corruption(path + ": hash table exceeds the file");
  AIPS_RETURN_IF_ERROR(r.Bytes((buckets + 1) * 4, &bytes));
  p.offsets_ = reinterpret_cast<const unsigned char*>(bytes.data());
  AIPS_RETURN_IF_ERROR(r.Bytes((n * width + 7) / 8 + 8, &bytes));
  p.packed_ = reinterpret_cast<const unsigned char*>(bytes.data());
  // Offsets from 0 to n, never decreasing; remainders strictly ascending within a bucket.
  if (LoadU32(p.offsets_) != 0 || LoadU32(p.offsets_ + buckets * 4) != n)
    return Status::Corruption(path + ": hash table offsets are malformed");
  uint32_t prev = 0;
  for (size_t k = 1; k <= buckets; ++k) {
    const uint32_t at = LoadU32(p.offsets_ + k * 4);
    if (at < prev) return Status::Corruption(path + ": hash table offsets are malformed");
    for (uint32_t j = prev + 1; j < at; ++j)
      if (p.Remainder(j) <= p.Remainder(j - 1)) return Status::Corruption(path + ": ids are not sorted");
    prev = at;
  }
  return p;
}

PackedHashes PackedHashes::Plain(const uint64_t* data, size_t n) {
  PackedHashes p;
  p.n_ = n;
  p.plain_ = data;
  return p;
}

uint64_t PackedHashes::Remainder(size_t i) const {
  const int width = 64 - bits_;
  const size_t bit = i * width;
  uint64_t word;
  std::memcpy(&word, packed_ + bit / 8, 8);
  return (word >> (bit % 8)) & ((uint64_t{1} << width) - 1);
}

bool PackedHashes::Contains(uint64_t hash) const {
  if (bits_ == 0) return std::binary_search(plain_, plain_ + n_, hash);
  const int width = 64 - bits_;
  const uint64_t bucket = hash >> width;
  const uint64_t rem = hash & ((uint64_t{1} << width) - 1);
  size_t lo = LoadU32(offsets_ + bucket * 4), hi = LoadU32(offsets_ + bucket * 4 + 4);
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const uint64_t v = Remainder(mid);
    if (v == rem) return true;
    if (v < rem) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

void PackedHashes::ForEach(const std::function<void(uint64_t)>& fn) const {
  if (bits_ == 0) {
    for (size_t i = 0; i < n_; ++i) fn(plain_[i]);
    return;
  }
  const int width = 64 - bits_;
  const size_t buckets = size_t{1} << bits_;
  for (size_t k = 0; k < buckets; ++k) {
    const uint32_t end = LoadU32(offsets_ + k * 4 + 4);
    for (uint32_t j = LoadU32(offsets_ + k * 4); j < end; ++j) fn((uint64_t{k} << width) | Remainder(j));
  }
}

}  // namespace aips
