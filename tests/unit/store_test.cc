#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "common/bytes.h"
#include "common/file_util.h"
#include "store/dictionary.h"
#include "store/manifest.h"
#include "store/segment.h"

namespace aips {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/aips-unit-XXXXXX";
  return mkdtemp(tmpl);
}

TEST(Frame, DetectsEveryFlippedByteAndTruncation) {
  std::string f = Frame("AIPSTEST", 1, "hello payload");
  EXPECT_EQ(Unframe(f, "AIPSTEST", 1, "t").value(), "hello payload");
  for (size_t i = 0; i < f.size(); ++i) {
    std::string g = f;
    g[i] ^= 0x20;
    EXPECT_FALSE(Unframe(g, "AIPSTEST", 1, "t").ok()) << "byte " << i;
  }
  EXPECT_FALSE(Unframe(f.substr(0, f.size() - 1), "AIPSTEST", 1, "t").ok());
  EXPECT_TRUE(Unframe(f, "AIPSTEST", 2, "t").status().IsCorruption());
}

TEST(Dictionary, AppendsChunksAndIgnoresUncommittedTail) {
  std::string dir = TempDir();
  std::string path = dir + "/d.dict";
  Dictionary d;
  EXPECT_EQ(d.GetOrAdd("alice"), 0u);
  EXPECT_EQ(d.GetOrAdd("bob"), 1u);
  EXPECT_EQ(d.GetOrAdd("alice"), 0u);
  DictInfo first = d.Flush(path).value();
  d.SetCommitted(first);
  d.GetOrAdd("carol");
  DictInfo second = d.Flush(path).value();
  // Not committed: a reader of the first info sees two names only.
  auto r1 = Dictionary::Load(path, first);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->size(), 2u);
  EXPECT_FALSE(r1->Find("carol").has_value());
  auto r2 = Dictionary::Load(path, second);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->Find("carol").value(), 2u);
  EXPECT_EQ(r2->Name(1), "bob");
  // A damaged byte is reported, never read silently.
  std::string bytes = ReadFile(path).value();
  bytes[10] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(path, bytes).ok());
  EXPECT_TRUE(Dictionary::Load(path, second).status().IsCorruption());
}

TEST(Segment, RoundTripsBrandBlocksAndDetectsDamage) {
  std::vector<EventRow> rows;
  for (uint32_t i = 0; i < 100; ++i) {
    rows.push_back(EventRow{1700000000 + i, i * 10, i % 7, i % 3, i % 2 ? kNoId : 5, kNoId, 9, 1,
                            static_cast<uint8_t>(i % 15), 0});
  }
  std::sort(rows.begin(), rows.end(), SegmentOrder);
  std::string image = EncodeSegment(42, rows);
  std::string dir = TempDir();
  ASSERT_TRUE(WriteAt(dir + "/s.seg", 0, image).ok());
  auto seg = Segment::Open(dir + "/s.seg", 42);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  EXPECT_EQ(seg->rows(), 100u);
  EXPECT_EQ(seg->Brands(), (std::vector<uint32_t>{0, 1, 2}));
  auto b1 = seg->Block(1).value();
  size_t expect = 0;
  for (auto& r : rows) expect += r.brand == 1;
  EXPECT_EQ(b1.n, expect);
  for (size_t i = 0; i < b1.n; ++i) EXPECT_EQ(b1.amount[i], (b1.ts[i] - 1700000000) * 10);
  EXPECT_EQ(seg->Block(7).value().n, 0u);
  EXPECT_FALSE(Segment::Open(dir + "/s.seg", 43).ok());
  // Flip one byte inside brand 1's block: only that block is reported.
  image[48 + 8] ^= 1;
  ASSERT_TRUE(WriteAt(dir + "/s.seg", 0, image).ok());
  auto damaged = Segment::Open(dir + "/s.seg", 42);
  ASSERT_TRUE(damaged.ok());
  EXPECT_TRUE(damaged->Block(0).status().IsCorruption());
  EXPECT_TRUE(damaged->Block(2).ok());
}

TEST(Manifest, RoundTrips) {
  Manifest m;
  m.generation = 7;
  m.timezone = "Asia/Shanghai";
  m.dicts[kDictUser] = {3, 99};
  m.segments.push_back({19000, 7, 12});
  m.id_runs = {1, 7};
  m.brands.resize(2);
  m.brands[1].spus = {4, 9};
  m.brands[1].first_day = 19000;
  m.brands[1].snap = {19010, 1234};
  m.category_snaps["x"] = {19005, 55};
  auto back = Manifest::Decode(m.Encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Encode(), m.Encode());
  EXPECT_EQ(back->brands[1].spus, (std::vector<uint32_t>{4, 9}));
}

TEST(Manifest, ReadsVersionOneAndKeepsForgetFields) {
  Manifest m;
  m.generation = 3;
  m.dicts[kDictUser] = {2, 40, 3};
  m.forgotten = {ForgetFingerprint("u1"), ForgetFingerprint("u2")};
  std::sort(m.forgotten.begin(), m.forgotten.end());
  auto back = Manifest::Decode(m.Encode());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->dicts[kDictUser].file_gen, 3u);
  EXPECT_EQ(back->forgotten, m.forgotten);
  EXPECT_NE(ForgetFingerprint("u1"), ForgetFingerprint("u2"));
  // A version-1 manifest (written before aips forget existed): the same payload without the new tail.
  Manifest old = m;
  old.forgotten.clear();
  old.dicts[kDictUser].file_gen = 0;
  // Writers write version 4 (version 3's payload; the newer files' formats, docs/formats.md §2).
  uint32_t written = 0;
  std::string payload(Unframe(old.Encode(), "AIPSMAN1", 4, "m", &written).value());
  EXPECT_EQ(written, 4u);
  auto v3 = Manifest::Decode(Frame("AIPSMAN1", 3, payload));
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  EXPECT_EQ(v3->Encode(), old.Encode());
  payload.resize(payload.size() - 8);  // version 2: without the experiments generation
  auto v2 = Manifest::Decode(Frame("AIPSMAN1", 2, payload));
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->Encode(), old.Encode());
  payload.resize(payload.size() - kNumDicts * 8 - 1 - 16);  // file generations, no forgotten, 2 generations
  auto v1 = Manifest::Decode(Frame("AIPSMAN1", 1, payload));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->Encode(), old.Encode());
  // A version this build does not know is refused.
  EXPECT_TRUE(Manifest::Decode(Frame("AIPSMAN1", 5, payload)).status().IsCorruption());
}

TEST(Dictionary, PacksLargeChunksAndReadsPlainAndPackedTogether) {
  std::string dir = TempDir();
  std::string path = dir + "/u.dict";
  Dictionary d;
  d.GetOrAdd("first");  // a plain chunk (a few bytes)
  DictInfo a = d.Flush(path).value();
  d.SetCommitted(a);
  for (int i = 0; i < 20000; ++i) d.GetOrAdd("user-" + std::to_string(i * 7919));  // a packed chunk
  DictInfo b = d.Flush(path).value();
  d.SetCommitted(b);
  d.GetOrAdd("last");
  DictInfo c = d.Flush(path).value();
  EXPECT_LT(b.bytes - a.bytes, 20000u * 9 / 2);  // the names alone take ~11 bytes each
  auto r = Dictionary::Load(path, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 20002u);
  EXPECT_EQ(r->Find("first").value(), 0u);
  EXPECT_EQ(r->Find("user-" + std::to_string(123 * 7919)).value(), 124u);
  EXPECT_EQ(r->Name(20001), "last");
  // Any flipped byte of the packed chunk is a clean Corruption.
  std::string file = ReadFile(path).value();
  for (size_t i = a.bytes; i < b.bytes; i += 97) {
    std::string g = file;
    g[i] ^= 0x10;
    std::string damaged = dir + "/damaged.dict";
    ASSERT_TRUE(WriteFileAtomic(damaged, g).ok());
    EXPECT_TRUE(Dictionary::Load(damaged, c).status().IsCorruption()) << "byte " << i;
  }
}

TEST(Dictionary, TombstoneKeepsIdsAndForgetsTheName) {
  std::string dir = TempDir();
  Dictionary d;
  d.GetOrAdd("alice");
  d.GetOrAdd("bob");
  d.GetOrAdd("carol");
  d.Tombstone(1);
  EXPECT_FALSE(d.Find("bob").has_value());
  EXPECT_EQ(d.Find("carol").value(), 2u);
  EXPECT_EQ(d.GetOrAdd("dave"), 3u);
  EXPECT_EQ(d.GetOrAdd("bob"), 4u);  // a new user of that name is a new id
  d.Tombstone(4);
  DictInfo info = d.WriteWhole(dir + "/u-9.dict", 9).value();
  EXPECT_EQ(info.file_gen, 9u);
  auto back = Dictionary::Load(dir + "/u-9.dict", info);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->size(), 5u);
  EXPECT_FALSE(back->Find("bob").has_value());
  EXPECT_EQ(back->Find("dave").value(), 3u);
  std::string bytes = ReadFile(dir + "/u-9.dict").value();
  EXPECT_EQ(bytes.find("bob"), std::string::npos);
}

}  // namespace
}  // namespace aips

namespace aips {
namespace {

// A dictionary file that names one user twice (damage) loads without hashing its names, so lookups are
// built lazily; the first lookup keeps the first id, and VerifyUnique (aips check) reports the repeat.
TEST(Dictionary, IndexIsBuiltOnFirstLookupAndRepeatsAreReported) {
  std::string payload;
  for (std::string_view name : {"u1", "u2", "u1"}) {
    payload += static_cast<char>(name.size());
    payload += name;
  }
  std::string chunk(16, '\0');
  const uint32_t magic = 0x4B434431, count = 3;
  const uint64_t len = payload.size();
  std::memcpy(chunk.data(), &magic, 4);
  std::memcpy(chunk.data() + 4, &count, 4);
  std::memcpy(chunk.data() + 8, &len, 8);
  chunk += payload;
  const uint64_t sum = Hash64(chunk);
  chunk.append(reinterpret_cast<const char*>(&sum), 8);
  const std::string path = TempDir() + "/u.dict";
  ASSERT_TRUE(WriteAt(path, 0, chunk).ok());
  auto d = Dictionary::Load(path, DictInfo{3, chunk.size(), 0});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->size(), 3u);
  EXPECT_EQ(d->Name(2), "u1");
  EXPECT_EQ(d->Find("u1"), 0u);
  EXPECT_EQ(d->Find("u2"), 1u);
  EXPECT_EQ(d->Find("u3"), std::nullopt);
  Status s = d->VerifyUnique(path);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("'u1' appears twice"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace aips
