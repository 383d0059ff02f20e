// common/bitpack.h: every width × lengths 0..130 round-trips; frames reject bad widths and truncation.
#include "common/bitpack.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace aips {
namespace {

std::vector<uint32_t> RandomValues(std::mt19937_64& rng, size_t n, unsigned width) {
  std::vector<uint32_t> v(n);
  const uint64_t mask = (uint64_t{1} << width) - 1;
  for (auto& x : v) x = static_cast<uint32_t>(rng() & mask);
  if (n && width) v[rng() % n] = static_cast<uint32_t>(mask);  // the largest value occurs
  return v;
}

TEST(BitPack, EveryWidthAndLength) {
  std::mt19937_64 rng(7);
  for (unsigned w = 0; w <= 32; ++w) {
    for (size_t n = 0; n <= 130; ++n) {
      const auto in = RandomValues(rng, n, w);
      std::string buf;
      Pack(in.data(), n, w, &buf);
      ASSERT_EQ(buf.size(), PackedBytes(n, w));
      buf.append(kUnpackSlack, '\xAB');  // slack contents must not matter
      std::vector<uint32_t> out(n, 0xDEADBEEF);
      Unpack(reinterpret_cast<const uint8_t*>(buf.data()), n, w, out.data());
      ASSERT_EQ(out, in) << "width " << w << " n " << n;
    }
  }
}

TEST(BitPack, FramesRoundTrip) {
  std::mt19937_64 rng(8);
  for (size_t n = 0; n <= 300; n += (n < 130 ? 1 : 37)) {
    std::vector<uint32_t> in(n);
    for (size_t i = 0; i < n; ++i) in[i] = static_cast<uint32_t>(rng() >> (rng() % 64));
    std::string buf;
    PackFrames(in.data(), n, &buf);
    const size_t len = buf.size();
    buf.append(kUnpackSlack, '\0');
    std::vector<uint32_t> out(n);
    const uint8_t* p = reinterpret_cast<const uint8_t*>(buf.data());
    ASSERT_TRUE(UnpackFrames(&p, p + len, n, out.data()).ok());
    EXPECT_EQ(p, reinterpret_cast<const uint8_t*>(buf.data()) + len);
    EXPECT_EQ(out, in);
    // Every truncation is refused.
    for (size_t cut = 0; cut < len; ++cut) {
      const uint8_t* q = reinterpret_cast<const uint8_t*>(buf.data());
      EXPECT_FALSE(UnpackFrames(&q, q + cut, n, out.data()).ok()) << n << " " << cut;
    }
  }
}

TEST(BitPack, FramesRejectWideWidth) {
  std::string buf(1, static_cast<char>(33));
  buf.append(64 * 5 + kUnpackSlack, '\0');
  std::vector<uint32_t> out(10);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(buf.data());
  EXPECT_FALSE(UnpackFrames(&p, p + buf.size() - kUnpackSlack, 10, out.data()).ok());
}

}  // namespace
}  // namespace aips
