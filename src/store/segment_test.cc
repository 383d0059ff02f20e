// Day segments v2 (store/segment.h, store/segment_v2.h): random round trips over awkward shapes, every
// flipped byte of a small segment gives Corruption or an equal decode, a decoder fed damaged blocks past
// the checksum never reads outside them, and v1 files (AIPS_STORE_FORMAT=1) still open and decode equal.
#include "store/segment.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/bitpack.h"
#include "common/file_util.h"
#include "store/dictionary.h"
#include "store/segment_v2.h"

namespace aips {
namespace {

auto Key(const EventRow& r) {
  return std::tie(r.brand, r.spu, r.user, r.ts, r.amount, r.campaign, r.note, r.channel, r.action,
                  r.sentiment);
}

struct Shape {
  size_t rows = 1000;
  uint32_t brands = 3;
  uint32_t users = 1000;  // user ids drawn below this (0 = full 32-bit range)
  uint32_t spus = 5;
  uint32_t kinds = 4;  // distinct (action, sentiment, channel) drawn from this many
  int64_t ts_lo = 1700000000, ts_span = 86400;
  double no_id = 0.0;   // chance of kNoId in each id column
  double amount = 0.1;  // chance of a non-zero amount
  bool wild_amounts = false;
  bool wild_ts = false;
};

std::vector<EventRow> RandomRows(const Shape& s, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto id = [&](uint32_t below) -> uint32_t {
    if (s.no_id > 0 && std::uniform_real_distribution<>(0, 1)(rng) < s.no_id) return kNoId;
    return below ? static_cast<uint32_t>(rng() % below) : static_cast<uint32_t>(rng());
  };
  std::vector<EventRow> rows(s.rows);
  for (EventRow& r : rows) {
    r.brand = static_cast<uint32_t>(rng() % s.brands);
    r.user = id(s.users);
    r.spu = id(s.spus);
    r.campaign = id(7);
    r.note = id(50000);
    r.ts = s.wild_ts ? static_cast<int64_t>(rng()) : s.ts_lo + static_cast<int64_t>(rng() % s.ts_span);
    const uint32_t k = static_cast<uint32_t>(rng() % s.kinds);
    r.action = static_cast<uint8_t>(k % 256);
    r.sentiment = static_cast<uint8_t>(k / 256 % 4);
    r.channel = static_cast<uint16_t>(k / 1024);
    r.amount = 0;
    if (std::uniform_real_distribution<>(0, 1)(rng) < s.amount) {
      if (s.wild_amounts) {
        const int64_t pick[] = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), -1,
                                static_cast<int64_t>(rng())};
        r.amount = pick[rng() % 4];
      } else {
        r.amount = (static_cast<int64_t>(rng() % 2000) - 1000) * 10000;
      }
    }
  }
  std::sort(rows.begin(), rows.end(), SegmentOrder);
  return rows;
}

std::string TempFile() {
  char tmpl[] = "/tmp/aips-seg-XXXXXX";
  const int fd = mkstemp(tmpl);
  close(fd);
  return tmpl;
}

// Every block of the file image, decoded back to rows (sorted), or the first error.
Result<std::vector<EventRow>> ReadBack(const std::string& image, Day day) {
  const std::string path = TempFile();
  AIPS_RETURN_IF_ERROR(WriteAt(path, 0, image));
  auto seg = Segment::Open(path, day);
  unlink(path.c_str());
  if (!seg.ok()) return seg.status();
  std::vector<EventRow> out;
  for (uint32_t b : seg->Brands()) {
    AIPS_ASSIGN_OR_RETURN(BrandBlock blk, seg->Block(b));
    AppendRows(blk, b, &out);
  }
  if (out.size() != seg->rows()) return Status::Corruption("rows");
  return out;
}

void ExpectRoundTrip(const std::vector<EventRow>& rows, const std::string& what) {
  const std::string image = EncodeSegment(7, rows);
  ASSERT_EQ(image.substr(0, 8), "AIPSSEG2");
  auto back = ReadBack(image, 7);
  ASSERT_TRUE(back.ok()) << what << ": " << back.status().ToString();
  ASSERT_EQ(back->size(), rows.size()) << what;
  for (size_t i = 0; i < rows.size(); ++i)
    ASSERT_TRUE(Key((*back)[i]) == Key(rows[i])) << what << " row " << i;
}

TEST(SegmentV2, RandomRoundTrips) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Shape s;
    ExpectRoundTrip(RandomRows(s, seed), "default");
    s.rows = 1;
    ExpectRoundTrip(RandomRows(s, seed), "one row");
    s = Shape{};
    s.kinds = 1;
    ExpectRoundTrip(RandomRows(s, seed), "one kind");
    s = Shape{};
    s.rows = 20000, s.kinds = 70000, s.brands = 1;
    ExpectRoundTrip(RandomRows(s, seed), "many kinds");
    s = Shape{};
    s.no_id = 0.3;
    ExpectRoundTrip(RandomRows(s, seed), "kNoId everywhere");
    s = Shape{};
    s.no_id = 1.0;
    ExpectRoundTrip(RandomRows(s, seed), "kNoId only");
    s = Shape{};
    s.users = 0, s.rows = 300;
    ExpectRoundTrip(RandomRows(s, seed), "maximal user gaps");
    s = Shape{};
    s.wild_ts = true, s.wild_amounts = true, s.amount = 0.5;
    ExpectRoundTrip(RandomRows(s, seed), "huge ts range, extreme amounts");
    s = Shape{};
    s.ts_span = int64_t{1} << 32;
    ExpectRoundTrip(RandomRows(s, seed), "ts span of 33 bits");
    s = Shape{};
    s.spus = 100000, s.rows = 5000, s.brands = 2;
    ExpectRoundTrip(RandomRows(s, seed), "many SPU runs");
    s = Shape{};
    s.amount = 1.0;
    ExpectRoundTrip(RandomRows(s, seed), "amount on every row");
    s = Shape{};
    s.amount = 0.0;
    ExpectRoundTrip(RandomRows(s, seed), "no amounts");
  }
  ExpectRoundTrip({}, "empty");
}

TEST(SegmentV2, SmallerThanV1) {
  Shape s;
  s.rows = 20000, s.users = 200000, s.kinds = 3;
  const auto rows = RandomRows(s, 3);
  const std::string v2 = EncodeSegment(7, rows);
  setenv("AIPS_STORE_FORMAT", "1", 1);
  const std::string v1 = EncodeSegment(7, rows);
  unsetenv("AIPS_STORE_FORMAT");
  EXPECT_LT(v2.size() * 3, v1.size());
}

TEST(SegmentV2, EveryFlippedByteGivesCorruptionOrEqualRows) {
  Shape s;
  s.rows = 120, s.no_id = 0.1, s.kinds = 5;
  const auto rows = RandomRows(s, 9);
  const std::string image = EncodeSegment(7, rows);
  for (size_t i = 0; i < image.size(); ++i) {
    for (uint8_t bit : {0x01, 0x80}) {
      std::string g = image;
      g[i] ^= static_cast<char>(bit);
      auto back = ReadBack(g, 7);
      if (back.ok()) {
        ASSERT_EQ(back->size(), rows.size()) << "byte " << i;
        for (size_t k = 0; k < rows.size(); ++k) ASSERT_TRUE(Key((*back)[k]) == Key(rows[k])) << "byte " << i;
      } else {
        EXPECT_TRUE(back.status().IsCorruption()) << "byte " << i << ": " << back.status().ToString();
      }
    }
  }
}

// Past the checksum (as a deliberately forged block would be): the decoder itself must hold. Every byte
// of a block is set to several values; decoding must return (ok or Corruption) without reading outside.
TEST(SegmentV2, DecoderSurvivesForgedBlocks) {
  for (uint64_t seed : {1, 2}) {
    Shape s;
    s.rows = 150, s.brands = 1, s.kinds = seed == 1 ? 1 : 6, s.no_id = 0.05, s.amount = 0.2;
    const auto rows = RandomRows(s, seed);
    std::string block;
    EncodeBlockV2(rows, &block);
    ASSERT_TRUE(DecodeBlockV2(block, rows.size()).ok());
    for (size_t i = 0; i < block.size(); ++i) {
      for (uint8_t v : {0x00, 0x01, 0x21, 0x40, 0x7F, 0x80, 0xFF}) {
        std::string g = block;
        g[i] = static_cast<char>(v);
        // A copy of exactly the block's bytes on the heap, so that a stray read is caught by sanitizers.
        std::vector<char> exact(g.begin(), g.end());
        auto r = DecodeBlockV2(std::string_view(exact.data(), exact.size()), rows.size());
        if (!r.ok()) EXPECT_TRUE(r.status().IsCorruption());
      }
    }
    for (size_t cut = 0; cut < block.size(); ++cut) {
      std::vector<char> exact(block.begin(), block.begin() + cut);
      EXPECT_FALSE(DecodeBlockV2(std::string_view(exact.data(), exact.size()), rows.size()).ok()) << cut;
    }
    EXPECT_FALSE(DecodeBlockV2(block, rows.size() + 1).ok());
  }
}

// Asking for some columns gives those equal to a full decode (and the others null).
TEST(SegmentV2, ColumnSubsetsDecodeEqual) {
  Shape s;
  s.rows = 700, s.brands = 1, s.kinds = 9, s.no_id = 0.05, s.amount = 0.3;
  const auto rows = RandomRows(s, 12);
  std::string block;
  EncodeBlockV2(rows, &block);
  const BrandBlock all = DecodeBlockV2(block, rows.size()).value();
  for (uint32_t cols : {uint32_t{kColUser | kColKind}, uint32_t{kColUser | kColSpu | kColKind},
                        uint32_t{kColTs}, uint32_t{kColSpu}, uint32_t{kColCampaign}, uint32_t{kColNote},
                        uint32_t{kColAmount}, uint32_t{kColKind | kColAmount}}) {
    auto r = DecodeBlockV2(block, rows.size(), cols);
    ASSERT_TRUE(r.ok()) << cols;
    const BrandBlock& b = r.value();
    auto same = [&](uint32_t col, const auto* got, const auto* want) {
      if (!(cols & col)) {
        EXPECT_EQ(got, nullptr) << cols;
        return;
      }
      ASSERT_NE(got, nullptr) << cols;
      for (size_t i = 0; i < b.n; ++i) ASSERT_EQ(got[i], want[i]) << cols << " row " << i;
    };
    same(kColTs, b.ts, all.ts);
    same(kColAmount, b.amount, all.amount);
    same(kColUser, b.user, all.user);
    same(kColSpu, b.spu, all.spu);
    same(kColCampaign, b.campaign, all.campaign);
    same(kColNote, b.note, all.note);
    same(kColKind, b.action, all.action);
    same(kColKind, b.channel, all.channel);
    same(kColKind, b.sentiment, all.sentiment);
  }
}

TEST(SegmentV2, DecodedBlockOutlivesItsSegment) {
  Shape s;
  const auto rows = RandomRows(s, 4);
  const std::string path = TempFile();
  ASSERT_TRUE(WriteAt(path, 0, EncodeSegment(7, rows)).ok());
  BrandBlock kept;
  {
    auto seg = Segment::Open(path, 7);
    ASSERT_TRUE(seg.ok());
    kept = seg->Block(1).value();
  }
  unlink(path.c_str());
  std::vector<EventRow> out;
  AppendRows(kept, 1, &out);
  std::vector<EventRow> expect;
  for (auto& r : rows) {
    if (r.brand == 1) expect.push_back(r);
  }
  ASSERT_EQ(out.size(), expect.size());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_TRUE(Key(out[i]) == Key(expect[i]));
}

// The block of docs/formats.md §4 written by hand (also the fuzz seed
// tests/fuzz/corpus/fuzz_formats/segment-v2-block, after its selector byte).
TEST(SegmentV2, DecodesAHandWrittenBlock) {
  const std::string hex =
      "02000000010000000100000001000000010000000100000000f1536500000000030000000000000005000000020000000a00"
      "0000020c2901000200ffffffff4d00000010270000000000000101050000000000000000";
  std::string block;
  for (size_t i = 0; i < hex.size(); i += 2)
    block.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  auto b = DecodeBlockV2(block, 2);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  std::vector<EventRow> rows;
  AppendRows(b.value(), 4, &rows);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(Key(rows[0]) == Key(EventRow{1700000001, 0, 10, 4, 5, kNoId, 77, 2, 1, 0}));
  EXPECT_TRUE(Key(rows[1]) == Key(EventRow{1700000005, -30000, 13, 4, 5, kNoId, 77, 2, 1, 0}));
}

TEST(SegmentV1, StillOpensAndDecodesEqual) {
  Shape s;
  s.no_id = 0.1;
  const auto rows = RandomRows(s, 5);
  setenv("AIPS_STORE_FORMAT", "1", 1);
  const std::string v1 = EncodeSegment(7, rows);
  unsetenv("AIPS_STORE_FORMAT");
  ASSERT_EQ(v1.substr(0, 8), "AIPSSEG1");
  auto a = ReadBack(v1, 7);
  auto b = ReadBack(EncodeSegment(7, rows), 7);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), rows.size());
  ASSERT_EQ(b->size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE(Key((*a)[i]) == Key(rows[i]));
    EXPECT_TRUE(Key((*b)[i]) == Key(rows[i]));
  }
}

}  // namespace
}  // namespace aips
