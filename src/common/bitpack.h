// Bit-packing of unsigned integers for the store's column encodings (day segments v2, docs/formats.md §4).
//
// A packed array of n values at width w (0..32) is PackedBytes(n, w) bytes: value i occupies bits
// [i*w, i*w + w) counted from the least significant bit of byte 0, little-endian; unused high bits of the
// last byte are zero. Width 0 takes no bytes and every value is 0.
//
// Unpack reads with unaligned 64-bit loads and no branches per value, so the caller must make sure that
// kUnpackSlack bytes after the packed array are readable (their contents do not matter).
//
// Frames: a sequence of n values cut into frames of kFrameRows (the last may be shorter), each frame a
// width byte (the bit width of its largest value) followed by its values packed at that width.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>

#include "aips/status.h"

namespace aips {

inline constexpr size_t kUnpackSlack = 8;
inline constexpr size_t kFrameRows = 64;

// Bits needed for v (0 for 0).
inline unsigned BitWidth(uint64_t v) { return static_cast<unsigned>(std::bit_width(v)); }

inline size_t PackedBytes(size_t n, unsigned width) { return (n * width + 7) / 8; }

// Appends n values at `width` bits; every value must fit in `width` bits.
void Pack(const uint32_t* in, size_t n, unsigned width, std::string* out);

// Reads n values at `width` (≤ 32) from p. Needs PackedBytes(n, width) + kUnpackSlack readable bytes.
void Unpack(const uint8_t* p, size_t n, unsigned width, uint32_t* out);

// Appends n values as frames.
void PackFrames(const uint32_t* in, size_t n, std::string* out);

// Reads n values written by PackFrames from [*p, end), advancing *p. Needs kUnpackSlack readable bytes
// after `end`. A width above 32 or a frame reaching past `end` gives Corruption (nothing read past it).
Status UnpackFrames(const uint8_t** p, const uint8_t* end, size_t n, uint32_t* out);

// Moves *p past n values written by PackFrames without decoding them; the same checks as UnpackFrames.
Status SkipFrames(const uint8_t** p, const uint8_t* end, size_t n);

}  // namespace aips
