// Event-id runs v2 (docs/formats.md §6): numeric ids stored exactly by shape, every other id hashed.
// Lookups are checked against a std::set of the id strings, ForEachHash against Hash64 of the strings,
// version 1 runs still read, and damaged runs give Corruption naming the file without crashing.
#include "store/id_runs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>

#include "common/bytes.h"
#include "store/manifest.h"
#include "store/numeric_id.h"

namespace aips {
namespace {

TEST(NumericId, ParsesPrefixDigitsAndNumber) {
  auto a = ParseNumericId("e000123");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->prefix, "e");
  EXPECT_EQ(a->digits, 6);
  EXPECT_EQ(a->number, 123u);
  auto b = ParseNumericId("e123");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->digits, 3);
  auto c = ParseNumericId("0042");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, "");
  EXPECT_EQ(c->digits, 4);
  EXPECT_EQ(c->number, 42u);
  auto d = ParseNumericId("n999999999999999999");  // 18 digits
  ASSERT_TRUE(d);
  EXPECT_EQ(d->number, 999999999999999999u);
  EXPECT_FALSE(ParseNumericId("n1000000000000000000"));  // 19 digits
  EXPECT_FALSE(ParseNumericId("abc"));
  EXPECT_FALSE(ParseNumericId(""));
  EXPECT_FALSE(ParseNumericId(std::string(33, 'p') + "1"));  // prefix over 32 bytes
  EXPECT_TRUE(ParseNumericId(std::string(32, 'p') + "1"));
  auto h = ParseNumericId("e00000004e14");  // hexadecimal: a letter after the first digit
  ASSERT_TRUE(h);
  EXPECT_EQ(h->prefix, "");
  EXPECT_EQ(h->radix, 16);
  EXPECT_EQ(h->digits, 12);
  EXPECT_EQ(h->number, 0xe00000004e14u);
  auto h2 = ParseNumericId("e00000000019");  // no letter after the first digit: decimal
  ASSERT_TRUE(h2);
  EXPECT_EQ(h2->prefix, "e");
  EXPECT_EQ(h2->radix, 10);
  EXPECT_EQ(h2->number, 19u);
  auto h3 = ParseNumericId("code000123");  // "de" before the digits: decimal
  ASSERT_TRUE(h3);
  EXPECT_EQ(h3->prefix, "code");
  EXPECT_EQ(h3->radix, 10);
  EXPECT_FALSE(ParseNumericId("x-ffffffffffffffff"));  // no digit at all
  EXPECT_FALSE(ParseNumericId("ffff"));
  auto h5 = ParseNumericId("x-0fffffffffffffff");
  ASSERT_TRUE(h5);
  EXPECT_EQ(h5->radix, 16);
  EXPECT_EQ(h5->number, 0x0fffffffffffffffu);
  auto h6 = ParseNumericId("x-00fffffffffffffff");  // 17 hex characters: decimal rule, none
  EXPECT_FALSE(h6);
  auto h7 = ParseNumericId("E00000004E14");  // upper case: decimal "14"
  ASSERT_TRUE(h7);
  EXPECT_EQ(h7->radix, 10);
  EXPECT_EQ(h7->prefix, "E00000004E");
  auto u = ParseNumericId("用户-12");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->prefix, "用户-");
}

TEST(NumericId, FormatsBackTheOriginalString) {
  for (std::string id : {"e000123", "e123", "0", "000", "x-999999999999999999", "用户-0007", "e00000004e14",
                         "e00000000019", "0a1", "f0ffffffffffffff", "x-0000ab", "code000123"}) {
    auto n = ParseNumericId(id);
    ASSERT_TRUE(n) << id;
    NumericIdFormatter f(n->prefix, n->digits, n->radix);
    EXPECT_EQ(f.Format(n->number), id);
  }
}

class IdRunsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/aips-idruns-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::filesystem::create_directories(dir_ + "/ids");
  }
  void TearDown() override {
    unsetenv("AIPS_STORE_FORMAT");
    std::filesystem::remove_all(dir_);
  }
  // Writes the ids as run `gen`; checks the builder's own duplicate answers on the way.
  void Write(uint64_t gen, const std::vector<std::string>& ids) {
    IdRunBuilder b;
    std::set<std::string> seen;
    for (const std::string& id : ids) {
      const uint64_t h = Hash64(id);
      EXPECT_EQ(b.Contains(id, h), seen.count(id) > 0) << id;
      EXPECT_EQ(b.Insert(id, h), seen.insert(id).second) << id;
      EXPECT_TRUE(b.Contains(id, h)) << id;
    }
    EXPECT_EQ(b.size(), seen.size());
    b.Seal();
    ASSERT_TRUE(WriteIdRun(dir_, gen, std::move(b)).ok());
    runs_[gen] = seen;
    gens_.push_back(gen);
  }
  std::string dir_;
  std::map<uint64_t, std::set<std::string>> runs_;
  std::vector<uint64_t> gens_;
};

std::string Num(std::string_view prefix, int digits, uint64_t n) {
  NumericIdFormatter f(prefix, digits, 10);
  return std::string(f.Format(n));
}

std::string Hex(uint64_t n) {  // as the simulator writes event ids
  char id[32];
  snprintf(id, sizeof id, "e%011llx", static_cast<unsigned long long>(n));
  return id;
}

// Ids of many kinds: numeric shapes large and small, leading zeros, 18 and 19+ digits, digit-only ids,
// non-ASCII prefixes, ids without digits.
std::vector<std::string> Mixed(uint64_t base) {
  std::vector<std::string> ids;
  for (uint64_t i = 0; i < 1000; ++i) ids.push_back(Num("e", 12, base + i));    // sequential, large shape
  for (uint64_t i = 0; i < 100; ++i) ids.push_back(Num("e", 6, base + i * 7));  // e000123: another shape
  for (uint64_t i = 0; i < 100; ++i) ids.push_back("e" + std::to_string(base + i));        // no padding
  for (uint64_t i = 0; i < 80; ++i) ids.push_back(Num("", 8, base + i));                   // digits only
  for (uint64_t i = 0; i < 90; ++i) ids.push_back(Num("n", 18, 999999999999999000u + i));  // 18 digits
  for (uint64_t i = 0; i < 70; ++i)
    ids.push_back(Num("n", 18, (uint64_t{7} << 32) + base + i));                      // other high
  for (uint64_t i = 0; i < 90; ++i) ids.push_back("z1" + Num("", 18, base + i));      // 19+ digits: hashed
  for (uint64_t i = 0; i < 10; ++i) ids.push_back(Num("few-", 4, base + i));          // small shape: hashed
  for (uint64_t i = 0; i < 100; ++i) ids.push_back(Num("用户-", 5, base + i));        // non-ASCII prefix
  for (uint64_t i = 0; i < 50; ++i) ids.push_back("ключ" + std::to_string(i) + "x");  // no trailing digit
  for (uint64_t i = 0; i < 700; ++i) ids.push_back(Hex(base * 3 + i));  // hexadecimal and decimal shapes
  for (uint64_t i = 0; i < 100; ++i) ids.push_back("h-" + Hex(base + i * 5));
  std::mt19937_64 rng(base);
  for (int i = 0; i < 200; ++i) ids.push_back(Num("r", 15, rng() % 1000000000000000u));  // sparse: hashed
  ids.push_back(ids[5]);  // duplicates within the run
  ids.push_back(ids[1500]);
  return ids;
}

TEST_F(IdRunsTest, LookupsEqualASetOfStrings) {
  Write(1, Mixed(1000));
  // Run 2 overlaps run 1, and holds only 10 ids of shape ("e", 12): hashed here, exact in run 1.
  std::vector<std::string> second = Mixed(1500);
  second.erase(std::remove_if(second.begin(), second.end(),
                              [](const std::string& s) { return s.size() == 13 && s[0] == 'e'; }),
               second.end());
  for (uint64_t i = 0; i < 10; ++i) second.push_back(Num("e", 12, 5000 + i));
  Write(2, second);
  auto ids = StoredIds::Open(dir_, gens_);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  std::set<std::string> all;
  for (auto& [g, s] : runs_) all.insert(s.begin(), s.end());
  EXPECT_EQ(ids->size(), runs_[1].size() + runs_[2].size());
  for (const std::string& id : all) EXPECT_TRUE(ids->Contains(id, Hash64(id))) << id;
  std::vector<std::string> absent = {"e0000000ffff",
                                     "e00000099999",
                                     "h-e000000ffff0",
                                     "e000000005000",
                                     "e5000",
                                     "e00000000500",
                                     "e0000000000999",
                                     "00000999",
                                     "0000000999",
                                     "n999999999999999999",
                                     "few-0999",
                                     "用户-00999",
                                     "ключ50x",
                                     "x",
                                     "",
                                     "z1000000000000000000999"};
  for (uint64_t i = 0; i < 3000; ++i) absent.push_back(Num("e", 12, 10000 + i));
  for (const std::string& id : absent) {
    if (all.count(id)) continue;
    EXPECT_FALSE(ids->Contains(id, Hash64(id))) << id;
  }
  // Both runs have numeric shapes stored exactly.
  EXPECT_FALSE(ids->Shapes(0).empty());
  EXPECT_FALSE(ids->Shapes(1).empty());
}

TEST_F(IdRunsTest, ForEachHashEqualsTheHashesOfTheStrings) {
  Write(1, Mixed(0));
  Write(2, Mixed(333));
  auto ids = StoredIds::Open(dir_, gens_);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  for (size_t i = 0; i < gens_.size(); ++i) {
    std::multiset<uint64_t> want, got;
    for (const std::string& id : runs_[gens_[i]]) want.insert(Hash64(id));
    ASSERT_TRUE(ids->ForEachHash(i,
                                 [&](uint64_t h) {
                                   got.insert(h);
                                   return Status::OK();
                                 })
                    .ok());
    EXPECT_EQ(got, want);
    EXPECT_EQ(ids->RunSize(i), want.size());
  }
}

TEST_F(IdRunsTest, SequentialIdsTakeAlmostNoRoom) {
  std::vector<std::string> ids;
  for (uint64_t i = 0; i < 200000; ++i) ids.push_back(Num("e", 12, i));
  Write(1, ids);
  EXPECT_LT(std::filesystem::file_size(IdRunPath(dir_, 1)), 200u);
}

TEST_F(IdRunsTest, SequentialHexIdsTakeLittleRoom) {
  std::vector<std::string> ids;
  for (uint64_t i = 0; i < 200000; ++i) ids.push_back(Hex(i));
  Write(1, ids);
  EXPECT_LT(std::filesystem::file_size(IdRunPath(dir_, 1)), 200000u * 0.25);
  auto stored = StoredIds::Open(dir_, gens_);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->Hashes(0).empty());
  for (uint64_t i = 0; i < 210000; ++i) EXPECT_EQ(stored->Contains(Hex(i), Hash64(Hex(i))), i < 200000) << i;
}

// Ids that are not numeric: the hashed part is a quotient table (store/packed_hashes.h).
std::vector<std::string> Words(int n, int seed) {
  std::vector<std::string> ids;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < n; ++i) ids.push_back("w" + std::to_string(rng()) + "-x");
  return ids;
}

TEST_F(IdRunsTest, ManyHashesArePackedAndFound) {
  Write(1, Words(50000, 1));
  Write(2, Words(5000, 2));
  EXPECT_LT(std::filesystem::file_size(IdRunPath(dir_, 1)), 50000u * 6.9);  // 53-bit remainders
  auto stored = StoredIds::Open(dir_, gens_);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  for (auto& [g, set] : runs_)
    for (const std::string& id : set) EXPECT_TRUE(stored->Contains(id, Hash64(id))) << id;
  for (const std::string& id : Words(20000, 3)) EXPECT_FALSE(stored->Contains(id, Hash64(id))) << id;
  std::vector<uint64_t> want;
  for (const std::string& id : runs_[1]) want.push_back(Hash64(id));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(stored->Hashes(0), want);
}

TEST_F(IdRunsTest, DamagedHashTablesBehindAValidChecksumNeverCrash) {
  Write(1, Words(5000, 4));
  const std::string path = IdRunPath(dir_, 1);
  auto file = ReadFile(path);
  ASSERT_TRUE(file.ok());
  auto payload = Unframe(*file, "AIPSIDS1", 2, path);
  ASSERT_TRUE(payload.ok());
  const std::string good(*payload);
  for (size_t i = 0; i < good.size(); i += (i < 1200 ? 1 : 97)) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ (i % 2 ? 0x01 : 0x80));
    ASSERT_TRUE(WriteFileAtomic(path, Frame("AIPSIDS1", 2, bad), false).ok());
    auto ids = StoredIds::Open(dir_, {1});
    if (!ids.ok()) {
      EXPECT_TRUE(ids.status().IsCorruption()) << ids.status().ToString();
      continue;
    }
    for (const std::string& id : Words(100, 4)) ids->Contains(id, Hash64(id));
  }
}

TEST_F(IdRunsTest, ManyShapesStillWork) {
  std::vector<std::string> ids;  // UUID-like: every id a shape of its own
  for (int i = 0; i < 6000; ++i)
    ids.push_back("550e8400-" + std::to_string(i) + "x-" + std::to_string(i * 31));
  Write(1, ids);
  auto stored = StoredIds::Open(dir_, gens_);
  ASSERT_TRUE(stored.ok());
  for (auto& id : ids) EXPECT_TRUE(stored->Contains(id, Hash64(id)));
}

TEST_F(IdRunsTest, Version1IsWrittenOnRequestAndStillRead) {
  setenv("AIPS_STORE_FORMAT", "1", 1);
  Write(1, Mixed(0));
  unsetenv("AIPS_STORE_FORMAT");
  Write(2, Mixed(2000));
  auto v1 = ReadFile(IdRunPath(dir_, 1));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->substr(0, 8), "AIPSIDS1");
  EXPECT_EQ((*v1)[8], 1);  // version
  EXPECT_EQ(v1->size(), 32 + 8 * runs_[1].size());
  auto v2 = ReadFile(IdRunPath(dir_, 2));
  EXPECT_EQ((*v2)[8], 2);
  auto ids = StoredIds::Open(dir_, gens_);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_TRUE(ids->Shapes(0).empty());
  for (auto& [g, s] : runs_)
    for (const std::string& id : s) EXPECT_TRUE(ids->Contains(id, Hash64(id))) << id;
  std::multiset<uint64_t> want, got;
  for (const std::string& id : runs_[1]) want.insert(Hash64(id));
  ASSERT_TRUE(ids->ForEachHash(0,
                               [&](uint64_t h) {
                                 got.insert(h);
                                 return Status::OK();
                               })
                  .ok());
  EXPECT_EQ(got, want);
}

// A small v2 run with hashes and two shapes.
std::vector<std::string> Small() {
  std::vector<std::string> ids;
  for (int i = 0; i < 64; ++i) ids.push_back(Num("e", 4, i * 3));
  for (int i = 0; i < 64; ++i) ids.push_back(Num("k", 12, (uint64_t{3} << 32) + i));
  ids.push_back("abc");
  ids.push_back("def");
  return ids;
}

TEST_F(IdRunsTest, EveryFlippedByteIsCorruptionNamingTheFile) {
  Write(1, Small());
  const std::string path = IdRunPath(dir_, 1);
  auto good = ReadFile(path);
  ASSERT_TRUE(good.ok());
  for (size_t i = 0; i < good->size(); ++i) {
    std::string bad = *good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    ASSERT_TRUE(WriteFileAtomic(path, bad, false).ok());
    auto ids = StoredIds::Open(dir_, {1});
    ASSERT_FALSE(ids.ok()) << "byte " << i;
    EXPECT_TRUE(ids.status().IsCorruption()) << ids.status().ToString();
    EXPECT_NE(ids.status().message().find(path), std::string::npos) << ids.status().ToString();
  }
}

// Damage behind a valid checksum (a writer's bug): every byte of the payload flipped, or the payload cut,
// and framed again. Open must answer (ok or Corruption), never crash, and never give a malformed set.
TEST_F(IdRunsTest, DamagedPayloadsBehindAValidChecksumNeverCrash) {
  Write(1, Small());
  const std::string path = IdRunPath(dir_, 1);
  auto file = ReadFile(path);
  ASSERT_TRUE(file.ok());
  auto payload = Unframe(*file, "AIPSIDS1", 2, path);
  ASSERT_TRUE(payload.ok());
  const std::string good(*payload);
  size_t corrupt = 0;
  auto probe = [&](const std::string& p) {
    ASSERT_TRUE(WriteFileAtomic(path, Frame("AIPSIDS1", 2, p), false).ok());
    auto ids = StoredIds::Open(dir_, {1});
    if (!ids.ok()) {
      EXPECT_TRUE(ids.status().IsCorruption()) << ids.status().ToString();
      EXPECT_NE(ids.status().message().find(path), std::string::npos);
      ++corrupt;
      return;
    }
    for (const std::string& id : Small()) ids->Contains(id, Hash64(id));
    (void)ids->ForEachHash(0, [](uint64_t) { return Status::OK(); });
  };
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit : {0x01, 0x80, 0xFF}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ bit);
      probe(bad);
    }
  }
  for (size_t n = 0; n < good.size(); ++n) probe(good.substr(0, n));
  EXPECT_GT(corrupt, good.size());
}

}  // namespace
}  // namespace aips
