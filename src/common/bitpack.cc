#include "common/bitpack.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace aips {

void Pack(const uint32_t* in, size_t n, unsigned width, std::string* out) {
  if (width == 0 || n == 0) return;
  const size_t start = out->size();
  out->resize(start + PackedBytes(n, width), '\0');
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  uint64_t acc = 0;  // pending bits, lowest first
  unsigned have = 0;
  for (size_t i = 0; i < n; ++i) {
    acc |= uint64_t{in[i]} << have;
    have += width;
    while (have >= 8) {
      *dst++ = static_cast<uint8_t>(acc);
      acc >>= 8;
      have -= 8;
    }
  }
  if (have) *dst = static_cast<uint8_t>(acc);
}

namespace {

// Width known at compile time: groups of 8 values (W bytes) with constant offsets and shifts, which the
// compiler unrolls; no branch per value.
template <unsigned W>
void UnpackW(const uint8_t* p, size_t n, uint32_t* out) {
  constexpr uint64_t kMask = (uint64_t{1} << W) - 1;
  size_t i = 0;
  for (; i + 8 <= n; i += 8, p += W) {
    for (unsigned k = 0; k < 8; ++k) {
      uint64_t word;
      std::memcpy(&word, p + k * W / 8, 8);
      out[i + k] = static_cast<uint32_t>((word >> (k * W % 8)) & kMask);
    }
  }
  for (unsigned k = 0; i < n; ++i, ++k) {
    uint64_t word;
    std::memcpy(&word, p + k * W / 8, 8);
    out[i] = static_cast<uint32_t>((word >> (k * W % 8)) & kMask);
  }
}

template <>
void UnpackW<0>(const uint8_t*, size_t n, uint32_t* out) {
  std::fill(out, out + n, 0u);
}

using UnpackFn = void (*)(const uint8_t*, size_t, uint32_t*);

template <size_t... W>
constexpr std::array<UnpackFn, sizeof...(W)> MakeTable(std::index_sequence<W...>) {
  return {&UnpackW<W>...};
}

constexpr auto kUnpack = MakeTable(std::make_index_sequence<33>());

}  // namespace

void Unpack(const uint8_t* p, size_t n, unsigned width, uint32_t* out) { kUnpack[width](p, n, out); }

void PackFrames(const uint32_t* in, size_t n, std::string* out) {
  for (size_t i = 0; i < n; i += kFrameRows) {
    const size_t m = std::min(kFrameRows, n - i);
    uint32_t all = 0;
    for (size_t k = 0; k < m; ++k) all |= in[i + k];
    const unsigned width = BitWidth(all);
    out->push_back(static_cast<char>(width));
    Pack(in + i, m, width, out);
  }
}

namespace {
// Walks n values written by PackFrames, checking every frame header and length; decodes them into out
// unless it is null.
Status WalkFrames(const uint8_t** p, const uint8_t* end, size_t n, uint32_t* out) {
  const uint8_t* q = *p;
  for (size_t i = 0; i < n; i += kFrameRows) {
    const size_t m = std::min(kFrameRows, n - i);
    if (q >= end) return Status::Corruption("packed frames run past their column");
    const unsigned width = *q++;
    if (width > 32) return Status::Corruption("bit width above 32");
    const size_t bytes = PackedBytes(m, width);
    if (static_cast<size_t>(end - q) < bytes)
      return Status::Corruption("packed frames run past their column");
    if (out != nullptr) Unpack(q, m, width, out + i);
    q += bytes;
  }
  *p = q;
  return Status::OK();
}
}  // namespace

Status UnpackFrames(const uint8_t** p, const uint8_t* end, size_t n, uint32_t* out) {
  return WalkFrames(p, end, n, out);
}

Status SkipFrames(const uint8_t** p, const uint8_t* end, size_t n) { return WalkFrames(p, end, n, nullptr); }

}  // namespace aips
