// Resuming a ScopeState from its serialized form (scope_state_io.cc, model/engine_state.h): on random
// histories, a state written after day T and loaded again answers every later day exactly as the run that
// never stopped (same stages, same sets of changes), in both formats; damaged bytes give Corruption.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "model/engine_state.h"
#include "model/scope_state.h"

namespace aips {
namespace {

using Format = ScopeState::Format;

struct History {
  std::vector<StageSpec> specs;
  Day first_day;
  int days;
  // hits[d] = (user, mask) in the order they arrive
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> hits;
};

History RandomHistory(std::mt19937& rng) {
  History h;
  const int n_stages = 1 + static_cast<int>(rng() % 5);
  for (int s = 0; s < n_stages; ++s) {
    const int w = rng() % 2 ? 1 + static_cast<int>(rng() % 12) : 1 + static_cast<int>(rng() % 365);
    h.specs.push_back({w, 1 + static_cast<int>(rng() % 3)});
  }
  h.first_day = 19000 + static_cast<Day>(rng() % 1000);
  h.days = 30 + static_cast<int>(rng() % 500);
  h.hits.resize(static_cast<size_t>(h.days));
  const uint32_t users = 50 + rng() % 400;
  const uint32_t spread = rng() % 2 ? users : 5000000;  // dense or sparse user ids
  std::vector<uint32_t> ids(users);
  for (auto& u : ids) u = rng() % spread;
  const int n_hits = static_cast<int>(rng() % 6000);
  for (int k = 0; k < n_hits; ++k) {
    // bursts: some days and some users are much busier than others
    const int d = static_cast<int>(rng() % 3 == 0 ? rng() % std::min(h.days, 20) : rng() % h.days);
    const uint32_t u = ids[rng() % 4 == 0 ? rng() % std::min<uint32_t>(users, 10) : rng() % users];
    const uint32_t mask = 1 + rng() % ((1u << n_stages) - 1);
    h.hits[static_cast<size_t>(d)].push_back({u, mask});
  }
  return h;
}

using Members = std::vector<std::pair<uint32_t, uint8_t>>;
using Changes = std::vector<std::tuple<uint32_t, uint8_t, uint8_t>>;

Members MembersOf(const ScopeState& st) {
  Members m;
  st.ForEachMember([&](uint32_t u, uint8_t s) { m.push_back({u, s}); });
  std::sort(m.begin(), m.end());
  return m;
}

// Feeds day d (an index from first_day) and returns its changes, sorted.
Changes Feed(const History& h, int d, ScopeState* st) {
  const Day day = h.first_day + d;
  for (auto [u, mask] : h.hits[static_cast<size_t>(d)]) st->Hit(u, mask, day);
  std::vector<StageChange> ch;
  st->EndDay(day, &ch);
  Changes out;
  for (auto& c : ch) out.push_back({c.user, c.from, c.to});
  std::sort(out.begin(), out.end());
  return out;
}

Result<ScopeState> RoundTrip(const History& h, const ScopeState& st, Day through, Format format) {
  std::string bytes;
  st.Serialize(through, &bytes, format);
  std::string_view in = bytes;
  auto loaded = ScopeState::Deserialize(&in, h.specs, h.first_day, through, format);
  if (loaded.ok() && !in.empty()) return Status::Corruption("bytes left over");
  return loaded;
}

void CheckResume(Format format, uint32_t seed, int trials) {
  std::mt19937 rng(seed);
  for (int trial = 0; trial < trials; ++trial) {
    const History h = RandomHistory(rng);
    // The uninterrupted run, and a run stopped and loaded again at two random days.
    ScopeState whole(h.specs, h.first_day);
    ScopeState resumed(h.specs, h.first_day);
    const int t1 = static_cast<int>(rng() % static_cast<uint32_t>(h.days));
    const int t2 = t1 + static_cast<int>(rng() % static_cast<uint32_t>(h.days - t1));
    for (int d = 0; d < h.days; ++d) {
      const Changes want = Feed(h, d, &whole);
      const Changes got = Feed(h, d, &resumed);
      ASSERT_EQ(got, want) << "trial " << trial << " day " << d << " (stopped after " << t1 << ", " << t2
                           << ")";
      ASSERT_EQ(MembersOf(resumed), MembersOf(whole)) << "trial " << trial << " day " << d;
      if (d == t1 || d == t2) {
        auto loaded = RoundTrip(h, resumed, h.first_day + d, format);
        ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
        resumed = std::move(loaded).value();
        ASSERT_EQ(MembersOf(resumed), MembersOf(whole)) << "trial " << trial << " loaded after day " << d;
      }
    }
    if (format == Format::kV2) {  // v2 holds exactly the live part: both runs write the same bytes
      std::string a, b;
      whole.Serialize(h.first_day + h.days - 1, &a);
      resumed.Serialize(h.first_day + h.days - 1, &b);
      EXPECT_EQ(a, b) << "trial " << trial;
    }
  }
}

TEST(ScopeStateResume, V2ContinuesAsTheUninterruptedRun) { CheckResume(Format::kV2, 11, 150); }

TEST(ScopeStateResume, V1StillLoadsAndContinuesEqual) { CheckResume(Format::kV1, 12, 60); }

TEST(ScopeStateResume, V2KeepsOnlyLiveSlots) {
  // One stage, window 10: a user last seen 10+ days before T is not written; one seen inside is.
  const std::vector<StageSpec> specs{{10, 1}};
  ScopeState st(specs, 0);
  std::vector<StageChange> ch;
  for (Day d = 0; d <= 30; ++d) {
    if (d == 5) st.Hit(1, 1, d);
    if (d == 25) st.Hit(2, 1, d);
    st.EndDay(d, &ch);
  }
  std::string bytes;
  st.Serialize(30, &bytes);
  std::string_view in = bytes;
  auto loaded = ScopeState::Deserialize(&in, specs, 0, 30);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.value().num_users(), 1u);
  EXPECT_EQ(MembersOf(loaded.value()), (Members{{2, 1}}));
}

// A small state of several stages, min counts and windows, after day `through`.
ScopeState SmallState(const std::vector<StageSpec>& specs, Day through) {
  std::mt19937 rng(9);
  ScopeState st(specs, 100);
  std::vector<StageChange> ch;
  for (Day d = 100; d <= through; ++d) {
    for (int k = 0; k < 4; ++k) st.Hit(rng() % 40, 1 + rng() % 7, d);
    st.EndDay(d, &ch);
  }
  return st;
}

TEST(ScopeStateResume, DamagedBytesNeverCrash) {
  const std::vector<StageSpec> specs{{30, 2}, {7, 1}, {90, 3}};
  const Day through = 160;
  const ScopeState st = SmallState(specs, through);
  for (Format format : {Format::kV2, Format::kV1}) {
    std::string bytes;
    st.Serialize(through, &bytes, format);
    ASSERT_GT(bytes.size(), 20u);
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (uint8_t x : {0x01, 0x80, 0xFF}) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ x);
        std::string_view in = bad;
        auto loaded = ScopeState::Deserialize(&in, specs, 100, through, format);
        if (!loaded.ok()) {
          EXPECT_TRUE(loaded.status().IsCorruption()) << loaded.status().ToString();
          continue;
        }
        ScopeState s = std::move(loaded).value();  // a flip that still decodes: it must run
        std::vector<StageChange> ch;
        for (Day d = through + 1; d < through + 120; ++d) {
          s.Hit(static_cast<uint32_t>(d % 50), 7, d);
          s.EndDay(d, &ch);
        }
      }
    }
    for (size_t cut = 0; cut < bytes.size(); ++cut) {  // every truncation
      std::string_view in(bytes.data(), cut);
      auto loaded = ScopeState::Deserialize(&in, specs, 100, through, format);
      EXPECT_TRUE(!loaded.ok() && loaded.status().IsCorruption()) << "cut " << cut;
    }
  }
}

TEST(EngineState, RoundTripsBothFormatsAndRejectsEveryFlippedByte) {
  const std::vector<StageSpec> specs{{30, 2}, {7, 1}, {90, 3}};
  const Day through = 160;
  const ScopeState a = SmallState(specs, through);
  const ScopeState b(specs, 100);  // an empty scope
  const std::vector<std::pair<uint32_t, const ScopeState*>> scopes{{0xFFFFFFFFu, &a}, {7, &b}};
  for (Format format : {Format::kV2, Format::kV1}) {
    const std::string file = EncodeEngineState(through, scopes, format);
    EXPECT_EQ(file.substr(0, 8), format == Format::kV2 ? "AIPSSTA2" : "AIPSSTA1");
    auto decoded = DecodeEngineState(file, specs, 100);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded.value().through, through);
    ASSERT_EQ(decoded.value().scopes.size(), 2u);
    EXPECT_EQ(MembersOf(decoded.value().scopes.at(0xFFFFFFFFu)), MembersOf(a));
    EXPECT_EQ(decoded.value().scopes.at(7).num_users(), 0u);
    for (size_t i = 0; i < file.size(); ++i) {
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ 0x10);
      auto r = DecodeEngineState(bad, specs, 100);
      EXPECT_TRUE(!r.ok() && r.status().IsCorruption()) << "byte " << i;
    }
    for (size_t cut = 0; cut < file.size(); ++cut) {
      auto r = DecodeEngineState(std::string_view(file.data(), cut), specs, 100);
      EXPECT_TRUE(!r.ok() && r.status().IsCorruption()) << "cut " << cut;
    }
  }
}

}  // namespace
}  // namespace aips
