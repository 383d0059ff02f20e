#include "common/compress.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "common/bytes.h"

namespace aips {
namespace {

std::string Names(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "u" + std::to_string(rng() % 1000000) + ",";
  return s;
}

TEST(Zstd, RoundTripsEmptySmallAndLarge) {
  for (size_t n : {0, 1, 100, 200000}) {
    const std::string raw = Names(n, 7);
    std::string packed = ZstdCompress(raw).value();
    std::string back;
    ASSERT_TRUE(ZstdDecompress(packed, raw.size(), "t", &back).ok()) << n;
    EXPECT_EQ(back, raw);
    if (n == 200000) EXPECT_LT(packed.size(), raw.size() / 2);
  }
}

TEST(Zstd, RefusesAWrongSizeTrailingBytesAndGarbage) {
  const std::string raw = Names(1000, 3);
  const std::string packed = ZstdCompress(raw).value();
  std::string out;
  EXPECT_TRUE(ZstdDecompress(packed, raw.size() + 1, "t", &out).IsCorruption());
  EXPECT_TRUE(ZstdDecompress(packed + "x", raw.size(), "t", &out).IsCorruption());
  EXPECT_TRUE(ZstdDecompress("not a zstd frame", 16, "t", &out).IsCorruption());
  EXPECT_TRUE(ZstdDecompress(packed, kMaxRawBytes + 1, "t", &out).IsCorruption());
  // Every flipped byte: a clean error or (if zstd cannot tell) the exact size; never a crash.
  for (size_t i = 0; i < packed.size(); ++i) {
    std::string g = packed;
    g[i] ^= 0x5a;
    Status s = ZstdDecompress(g, raw.size(), "t", &out);
    if (s.ok()) EXPECT_EQ(out.size(), raw.size());
  }
}

TEST(FrameCompressed, ReadsBothVersionsAndDetectsEveryFlippedByte) {
  const std::string payload = Names(500, 11);
  const std::string v2 = FrameCompressed("AIPSTEST", payload);
  const std::string v1 = Frame("AIPSTEST", 1, payload);
  EXPECT_LT(v2.size(), v1.size());
  std::string buf;
  EXPECT_EQ(UnframeCompressed(v2, "AIPSTEST", "t", &buf).value(), payload);
  EXPECT_EQ(UnframeCompressed(v1, "AIPSTEST", "t", &buf).value(), payload);
  // A reader of version 1 only refuses the compressed frame cleanly.
  EXPECT_TRUE(Unframe(v2, "AIPSTEST", 1, "t").status().IsCorruption());
  for (size_t i = 0; i < v2.size(); ++i) {
    std::string g = v2;
    g[i] ^= 0x20;
    EXPECT_FALSE(UnframeCompressed(g, "AIPSTEST", "t", &buf).ok()) << "byte " << i;
  }
  EXPECT_FALSE(UnframeCompressed(v2.substr(0, v2.size() - 1), "AIPSTEST", "t", &buf).ok());
}

TEST(FrameCompressed, WritesVersionOneUnderTheOldFormatSwitch) {
  const std::string payload = Names(50, 5);
  setenv("AIPS_STORE_FORMAT", "1", 1);
  const std::string old = FrameCompressed("AIPSTEST", payload);
  unsetenv("AIPS_STORE_FORMAT");
  EXPECT_EQ(old, Frame("AIPSTEST", 1, payload));
  EXPECT_NE(FrameCompressed("AIPSTEST", payload), old);
}

}  // namespace
}  // namespace aips
