// Bit streams and packed increasing ids (model/pack.h): round trips at every width, and damaged input.
#include "model/pack.h"

#include <gtest/gtest.h>

#include <random>

namespace aips {
namespace {

TEST(Pack, BitsFor) {
  EXPECT_EQ(BitsFor(0), 0);
  EXPECT_EQ(BitsFor(1), 1);
  EXPECT_EQ(BitsFor(2), 2);
  EXPECT_EQ(BitsFor(365), 9);
  EXPECT_EQ(BitsFor(0xFFFFFFFFu), 32);
}

TEST(Pack, BitStreamRoundTripsEveryWidth) {
  std::mt19937 rng(3);
  for (int width = 0; width <= 32; ++width) {
    for (size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 130u}) {
      std::vector<uint32_t> v(len);
      const uint64_t mask = (uint64_t{1} << width) - 1;
      for (auto& x : v) x = static_cast<uint32_t>(rng() & mask);
      std::string out = "x";
      BitWriter w(&out);
      for (uint32_t x : v) w.Put(x, width);
      w.Finish();
      ASSERT_EQ(out.size(), 1 + (len * static_cast<size_t>(width) + 7) / 8);
      const std::string_view stream = std::string_view(out).substr(1);
      BitReader r(stream);
      for (size_t i = 0; i < v.size(); ++i) {
        uint32_t got;
        ASSERT_TRUE(r.Get(width, &got));
        ASSERT_EQ(got, v[i]) << "width " << width;
        ASSERT_EQ(BitAt(stream, i, width), v[i]) << "width " << width << " index " << i;
      }
      EXPECT_EQ(r.bytes_used(), out.size() - 1);
    }
  }
}

TEST(Pack, IncreasingRoundTrips) {
  std::mt19937 rng(5);
  for (uint32_t spread : {1u, 2u, 100u, 100000u, 0x7FFFFFFFu}) {
    for (size_t len : {0u, 1u, 63u, 64u, 65u, 129u, 1000u}) {
      std::vector<uint32_t> ids;
      uint64_t x = rng() % spread;
      for (size_t i = 0; i < len && x <= 0xFFFFFFFFu; ++i) {
        ids.push_back(static_cast<uint32_t>(x));
        x += 1 + rng() % spread;
      }
      if (len == 1) ids = {0xFFFFFFFFu};
      std::string out;
      PutIncreasing(ids, &out);
      out += "tail";
      std::string_view in = out;
      std::vector<uint32_t> got;
      ASSERT_TRUE(GetIncreasing(&in, ids.size(), &got).ok());
      EXPECT_EQ(got, ids);
      EXPECT_EQ(in, "tail");
    }
  }
}

TEST(Pack, IncreasingRejectsDamage) {
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < 200; ++i) ids.push_back(i * 977);
  std::string out;
  PutIncreasing(ids, &out);
  std::vector<uint32_t> got;
  for (size_t cut = 0; cut < out.size(); ++cut) {  // every truncation
    std::string_view in(out.data(), cut);
    EXPECT_FALSE(GetIncreasing(&in, ids.size(), &got).ok());
  }
  std::string bad = out;
  bad[0] = 33;  // width past 32
  std::string_view in = bad;
  EXPECT_EQ(GetIncreasing(&in, ids.size(), &got).code(), Status::Code::kCorruption);
  // ids past 2^32 - 1
  const std::string big("\x20\xFF\xFF\xFF\xFF\x00\x00\x00\x00", 9);  // gaps 2^32 - 1, then 0
  in = big;
  EXPECT_EQ(GetIncreasing(&in, 2, &got).code(), Status::Code::kCorruption);
  // a huge count against a short buffer is refused before anything is allocated
  in = out;
  EXPECT_FALSE(GetIncreasing(&in, size_t{1} << 40, &got).ok());
}

}  // namespace
}  // namespace aips
