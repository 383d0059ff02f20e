// Snapshot v2 (AIPSSNP2, model/snapshot_codes.h) against v1: one subject written in both formats answers
// the same counts, members and stage codes for every scope and day; a v2 prefix continues to the same
// file as an uninterrupted run; damaged files and lists give Corruption.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "model/scope_state.h"
#include "model/snapshot.h"
#include "model/snapshot_codes.h"

namespace aips {
namespace {

struct Subject {
  std::string v1, v2;
  std::vector<uint32_t> scope_ids;
  // truth[scope][day] = sorted (user, code) of the members
  std::vector<std::vector<std::vector<std::pair<uint32_t, uint8_t>>>> truth;
  int n_stages = 0;
  Day first_day = 0, through = 0;
  uint32_t max_user = 0;
};

// A subject of three scopes (the last one appears only on day `late`) over `days` random days.
Subject RandomSubject(uint32_t seed, int days, Day stop = -1) {
  std::mt19937 rng(seed);
  Subject out;
  out.n_stages = rng() % 3 == 0 ? 1 : 5;
  std::vector<StageSpec> specs;
  for (int s = 0; s < out.n_stages; ++s)
    specs.push_back({1 + static_cast<int>(rng() % 40), 1 + static_cast<int>(rng() % 3)});
  out.first_day = 20000;
  out.through = out.first_day + (stop >= 0 ? stop : days - 1);
  out.scope_ids = {kBrandScope, 3, 9};
  const int late = static_cast<int>(rng() % static_cast<uint32_t>(days));
  const uint32_t spread = rng() % 2 ? 500 : 3000000;
  std::vector<ScopeState> states;
  std::vector<std::unique_ptr<ScopeSnapshotBuilder>> b1, b2;
  for (uint32_t id : out.scope_ids) {
    states.emplace_back(specs, out.first_day);
    b1.push_back(std::make_unique<ScopeSnapshotBuilder>(id, out.n_stages, out.first_day, 1));
    b2.push_back(std::make_unique<ScopeSnapshotBuilder>(id, out.n_stages, out.first_day, 2));
  }
  out.truth.resize(3);
  for (int d = 0; d < days && out.first_day + d <= out.through; ++d) {
    const Day day = out.first_day + d;
    for (size_t sc = 0; sc < 3; ++sc) {
      if (sc == 2 && d < late) {
        b1[sc]->AddEmptyDay(day);
        b2[sc]->AddEmptyDay(day);
        out.truth[sc].emplace_back();
        continue;
      }
      const int hits = static_cast<int>(rng() % 60);
      for (int k = 0; k < hits; ++k) {
        const uint32_t u = rng() % spread;
        out.max_user = std::max(out.max_user, u);
        states[sc].Hit(u, 1 + rng() % ((1u << out.n_stages) - 1), day);
      }
      std::vector<StageChange> changes;
      states[sc].EndDay(day, &changes);
      b1[sc]->AddDay(day, changes, states[sc]);
      b2[sc]->AddDay(day, changes, states[sc]);
      std::vector<std::pair<uint32_t, uint8_t>> m;
      states[sc].ForEachMember([&](uint32_t u, uint8_t c) { m.push_back({u, c}); });
      std::sort(m.begin(), m.end());
      out.truth[sc].push_back(std::move(m));
    }
  }
  out.v1 = SnapshotWriter::Encode(77, out.n_stages, out.first_day, out.through, b1);
  out.v2 = SnapshotWriter::Encode(77, out.n_stages, out.first_day, out.through, b2);
  return out;
}

TEST(SnapshotV2, AnswersEqualV1EveryScopeAndDay) {
  size_t bytes1 = 0, bytes2 = 0;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const Subject sub = RandomSubject(seed, 70);
    bytes1 += sub.v1.size();
    bytes2 += sub.v2.size();
    EXPECT_EQ(sub.v1.substr(0, 8), "AIPSSNP1");
    EXPECT_EQ(sub.v2.substr(0, 8), "AIPSSNP2");
    auto r1 = SnapshotReader::FromBytes(sub.v1, "v1");
    auto r2 = SnapshotReader::FromBytes(sub.v2, "v2");
    ASSERT_TRUE(r1.ok() && r2.ok());
    EXPECT_EQ(r1.value()->format(), 1);
    EXPECT_EQ(r2.value()->format(), 2);
    std::vector<uint8_t> c1(sub.max_user + 1), c2(sub.max_user + 1);
    std::vector<uint32_t> t1, t2;
    for (size_t sc = 0; sc < sub.scope_ids.size(); ++sc) {
      const uint32_t id = sub.scope_ids[sc];
      for (Day day = sub.first_day - 1; day <= sub.through; ++day) {
        auto n1 = r1.value()->Counts(id, day), n2 = r2.value()->Counts(id, day);
        ASSERT_TRUE(n1.ok() && n2.ok());
        EXPECT_EQ(n1.value(), n2.value());
        auto m1 = r1.value()->Members(id, day), m2 = r2.value()->Members(id, day);
        ASSERT_TRUE(m1.ok()) << m1.status().ToString();
        ASSERT_TRUE(m2.ok()) << m2.status().ToString();
        ASSERT_EQ(m1.value().size(), m2.value().size());
        for (size_t s = 0; s < m1.value().size(); ++s)
          ASSERT_TRUE(m1.value()[s] == m2.value()[s]) << "seed " << seed << " scope " << sc << " day " << day;
        ASSERT_TRUE(r1.value()->StageCodes(id, day, c1.data(), c1.size(), &t1).ok());
        ASSERT_TRUE(r2.value()->StageCodes(id, day, c2.data(), c2.size(), &t2).ok());
        ASSERT_EQ(c1, c2) << "seed " << seed << " scope " << sc << " day " << day;
        if (day >= sub.first_day) {  // and both equal the engine's members that day
          std::vector<std::pair<uint32_t, uint8_t>> got;
          for (uint32_t u = 0; u < c2.size(); ++u)
            if (c2[u]) got.push_back({u, c2[u]});
          ASSERT_EQ(got, sub.truth[sc][static_cast<size_t>(day - sub.first_day)]);
        }
        for (uint32_t u : t1) c1[u] = 0;
        for (uint32_t u : t2) c2[u] = 0;
        t1.clear();
        t2.clear();
      }
    }
  }
  EXPECT_LT(bytes2, bytes1);
}

TEST(SnapshotV2, V2PrefixLoadsAndV1PrefixIsRefused) {
  for (uint32_t seed = 20; seed < 26; ++seed) {
    const Subject whole = RandomSubject(seed, 60);
    const Subject head = RandomSubject(seed, 60, 37);  // the same random stream, stopped after day 37
    auto r2 = SnapshotReader::FromBytes(head.v2, "head v2");
    auto r1 = SnapshotReader::FromBytes(head.v1, "head v1");
    ASSERT_TRUE(r1.ok() && r2.ok());
    for (uint32_t id : whole.scope_ids) {
      ScopeSnapshotBuilder b(id, whole.n_stages, whole.first_day, 2);
      EXPECT_TRUE(b.LoadPrefix(*r2.value()).ok());
      ScopeSnapshotBuilder c(id, whole.n_stages, whole.first_day, 2);
      EXPECT_EQ(c.LoadPrefix(*r1.value()).code(), Status::Code::kUnsupported);
    }
    // The prefix's days equal the whole run's: same counts and members on each of them.
    auto rw = SnapshotReader::FromBytes(whole.v2, "whole v2");
    ASSERT_TRUE(rw.ok());
    for (uint32_t id : whole.scope_ids)
      for (Day d = whole.first_day; d <= head.through; ++d) {
        auto a = rw.value()->Members(id, d), b = r2.value()->Members(id, d);
        ASSERT_TRUE(a.ok() && b.ok());
        for (size_t s = 0; s < a.value().size(); ++s) ASSERT_TRUE(a.value()[s] == b.value()[s]);
      }
  }
}

TEST(SnapshotV2, EveryFlippedByteIsCorruption) {
  const Subject sub = RandomSubject(5, 20);
  ASSERT_LT(sub.v2.size(), 20000u);
  for (size_t i = 0; i < sub.v2.size(); ++i) {
    std::string bad = sub.v2;
    bad[i] = static_cast<char>(bad[i] ^ 0x04);
    auto r = SnapshotReader::FromBytes(bad, "bad");
    EXPECT_TRUE(!r.ok() && r.status().IsCorruption()) << "byte " << i;
  }
}

TEST(SnapshotV2, DamagedListsNeverCrash) {
  std::vector<uint32_t> users{3, 9, 10, 700, 100000, 4000000};
  std::vector<uint8_t> codes{1, 5, 2, 3, 4, 5};
  std::string blob;
  PutCodeList(users, codes, 5, &blob);
  std::vector<uint32_t> u;
  std::vector<uint8_t> c;
  ASSERT_TRUE(GetCodeList(blob, 5, true, &u, &c).ok());
  EXPECT_EQ(u, users);
  EXPECT_EQ(c, codes);
  for (size_t i = 0; i < blob.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = blob;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      Status st = GetCodeList(bad, 5, true, &u, &c);
      if (!st.ok()) EXPECT_TRUE(st.IsCorruption());
    }
  for (size_t cut = 0; cut < blob.size(); ++cut)
    EXPECT_TRUE(GetCodeList(std::string_view(blob.data(), cut), 5, true, &u, &c).IsCorruption());
  // a delta may say "left" (0); a keyframe may not
  std::string delta;
  PutCodeList(std::vector<uint32_t>{4}, std::vector<uint8_t>{0}, 5, &delta);
  EXPECT_TRUE(GetCodeList(delta, 5, false, &u, &c).ok());
  EXPECT_TRUE(GetCodeList(delta, 5, true, &u, &c).IsCorruption());
}

TEST(SnapshotV2, SortByUserKeepsTheLastPairOfEachUser) {
  for (size_t n : {0u, 5u, 600u, 5000u}) {
    std::mt19937 rng(static_cast<uint32_t>(n));
    std::vector<uint32_t> users(n);
    std::vector<uint8_t> codes(n);
    std::map<uint32_t, uint8_t> want;
    for (size_t i = 0; i < n; ++i) {
      users[i] = rng() % (n / 2 + 1) * 65599u;
      codes[i] = static_cast<uint8_t>(rng() % 6);
      want[users[i]] = codes[i];
    }
    SortByUserKeepLast(&users, &codes);
    ASSERT_EQ(users.size(), want.size());
    size_t i = 0;
    for (auto [u, code] : want) {
      EXPECT_EQ(users[i], u);
      EXPECT_EQ(codes[i], code);
      ++i;
    }
  }
}

}  // namespace
}  // namespace aips
