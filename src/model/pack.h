// Bit packing for the model's files (engine states, snapshots): LSB-first bit streams and sorted id
// lists as delta frames of 64 (docs/formats.md §7).
//
// A bit stream is the values' low `width` bits laid end to end, least significant bit first, padded with
// zero bits to a whole byte at its end. Readers never read past their buffer: running out is reported,
// never undefined.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"

namespace aips {

// Bits needed to write `v` (0 for 0, 1 for 1, 9 for 365).
inline int BitsFor(uint32_t v) { return v == 0 ? 0 : 32 - __builtin_clz(v); }

class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  // Appends the low `width` bits of v (0 <= width <= 32).
  void Put(uint32_t v, int width) {
    acc_ |= (uint64_t{v} & ((uint64_t{1} << width) - 1)) << n_;
    n_ += width;
    while (n_ >= 8) {
      out_->push_back(static_cast<char>(acc_ & 0xFF));
      acc_ >>= 8;
      n_ -= 8;
    }
  }
  // Pads the stream to a whole byte. Call once, after the last Put.
  void Finish() {
    if (n_ > 0) out_->push_back(static_cast<char>(acc_ & 0xFF));
    acc_ = 0;
    n_ = 0;
  }

 private:
  std::string* out_;
  uint64_t acc_ = 0;
  int n_ = 0;
};

class BitReader {
 public:
  explicit BitReader(std::string_view in) : in_(in) {}
  // Reads `width` bits (0 <= width <= 32); false when the buffer ends first.
  bool Get(int width, uint32_t* v) {
    while (n_ < width) {
      if (pos_ >= in_.size()) return false;
      acc_ |= uint64_t{static_cast<uint8_t>(in_[pos_++])} << n_;
      n_ += 8;
    }
    *v = static_cast<uint32_t>(acc_ & ((uint64_t{1} << width) - 1));
    acc_ >>= width;
    n_ -= width;
    return true;
  }
  // Whole bytes consumed so far (the stream's length once its last value is read: padding included).
  size_t bytes_used() const { return pos_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  uint64_t acc_ = 0;
  int n_ = 0;
};

// Value number `index` of a bit stream at `width` bits held in `s` (index * width + width <= 8 * s.size(),
// which the caller checks once for the whole stream). Reads up to 8 bytes at once, never past s.
inline uint32_t BitAt(std::string_view s, uint64_t index, int width) {
  const uint64_t bit = index * static_cast<uint64_t>(width);
  const size_t byte = static_cast<size_t>(bit >> 3);
  uint64_t w = 0;
  if (byte + 8 <= s.size()) {
    std::memcpy(&w, s.data() + byte, 8);  // one load
  } else {
    for (size_t k = 0; byte + k < s.size(); ++k) w |= uint64_t{static_cast<uint8_t>(s[byte + k])} << (8 * k);
  }
  return static_cast<uint32_t>((w >> (bit & 7)) & ((uint64_t{1} << width) - 1));
}

// Strictly increasing ids as gaps (first: the id itself; then id - previous - 1) in frames of 64: per
// frame a width byte (0..32), then the frame's gaps as a bit stream at that width. The count is not
// written: the reader is told it.
void PutIncreasing(std::span<const uint32_t> ids, std::string* out);
// Reads `n` ids written by PutIncreasing from the front of *in (advancing it) into *out (replaced).
// Corruption on a short buffer, a bad width or ids past 2^32 - 1.
Status GetIncreasing(std::string_view* in, size_t n, std::vector<uint32_t>* out);

}  // namespace aips
