// The simulated world's planted truth (truth.json) and holdout assignments (experiments.csv) on small
// worlds: A/A worlds have no effect at all, planted effects show where they were planted, the files
// agree with each other, and the same seed writes the same bytes.
#include "sim/simulator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "common/file_util.h"
#include "simdjson.h"

namespace aips {
namespace {

class SimulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/aips-sim-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string World(const std::string& name, SimOptions o) {
    o.out_dir = dir_ + "/" + name;
    auto r = Simulate(o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return o.out_dir;
  }
  static SimOptions Small(uint64_t seed) {
    SimOptions o;
    o.users = 6000;
    o.days = 90;
    o.seed = seed;
    return o;
  }
  static std::string Read(const std::string& path) {
    auto r = ReadFile(path);
    EXPECT_TRUE(r.ok()) << path;
    return r.ok() ? *r : std::string();
  }
  static std::vector<std::vector<std::string>> Csv(const std::string& path) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(Read(path));
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::string cell;
      std::istringstream ls(line);
      while (std::getline(ls, cell, ',')) f.push_back(cell);
      if (!line.empty() && line.back() == ',') f.push_back("");
      rows.push_back(f);
    }
    return rows;
  }
  std::string dir_;
};

using simdjson::dom::element;
using Field = simdjson::simdjson_result<element>;

double Num(Field f) {
  const element e = f.value();
  if (e.is_int64()) return static_cast<double>(e.get_int64().value());
  return e.get_double().value();
}
std::string Str(Field f) { return std::string(f.value().get_string().value()); }
bool Bool(Field f) { return f.value().get_bool().value(); }
bool Null(Field f) { return f.value().is_null(); }
simdjson::dom::array Campaigns(element doc) { return doc["campaigns"].get_array().value(); }

constexpr const char* kStages[] = {"I", "TI", "P", "S"};

TEST_F(SimulatorTest, WithoutEffectsEveryTruthIsExactlyZero) {
  SimOptions o = Small(3);
  o.effects = false;
  const std::string w = World("aa", o);
  simdjson::dom::parser parser;
  element doc = parser.load(w + "/truth.json").value();
  EXPECT_EQ(Str(doc["effects"]), "none");
  int holdouts = 0;
  for (element c : Campaigns(doc)) {
    for (const char* m : {"I", "TI", "P"}) EXPECT_EQ(Num(c["effect"][m]), 1.0);
    for (const char* design : {"truth_holdout", "truth_matched"}) {
      if (Null(c[design])) continue;
      for (const char* s : kStages) EXPECT_EQ(Num(c[design][s]), 0.0) << Str(c["campaign"]);
      EXPECT_EQ(Num(c[design]["gmv"]), 0.0);
    }
    if (Bool(c["holdout"])) {
      ++holdouts;
      EXPECT_FALSE(Null(c["truth_holdout"]));  // holdouts are assigned all the same
    }
  }
  EXPECT_GE(holdouts, 5);  // one per category at least
}

TEST_F(SimulatorTest, PlantedEffectsShowWhereTheyWerePlanted) {
  SimOptions o = Small(4);
  o.users = 20000;  // campaigns reaching hundreds of users
  const std::string w = World("planted", o);
  simdjson::dom::parser parser;
  element doc = parser.load(w + "/truth.json").value();
  EXPECT_EQ(Str(doc["effects"]), "planted");
  int with_effect = 0, without = 0, positive = 0;
  for (element c : Campaigns(doc)) {
    const double m[3] = {Num(c["effect"]["I"]), Num(c["effect"]["TI"]), Num(c["effect"]["P"])};
    const bool none = m[0] == 1.0 && m[1] == 1.0 && m[2] == 1.0;
    // The first stage the campaign lifts (I, TI or P); in the brand's scope the stages below it are not
    // touched (in an SPU's scope they may be: a brand-level journey's purchase names an SPU).
    const int first = Null(c["spu"]) ? (m[0] > 1 ? 0 : m[1] > 1 ? 1 : m[2] > 1 ? 2 : 4) : 0;
    for (const char* design : {"truth_holdout", "truth_matched"}) {
      if (Null(c[design])) continue;
      for (int s = 0; s < 4; ++s) {
        const double t = Num(c[design][kStages[s]]);
        if (none || s < first) {
          EXPECT_EQ(t, 0.0) << Str(c["campaign"]) << " " << design << " " << kStages[s];
        } else {
          EXPECT_GE(t, 0.0);  // with the campaign, a member's events are a superset of those without it
        }
      }
      if (none) EXPECT_EQ(Num(c[design]["gmv"]), 0.0);
    }
    if (none) {
      ++without;
    } else {
      ++with_effect;
      // The stage it lifts most moves for a campaign that reached enough users.
      const int main = static_cast<int>(std::max_element(m, m + 3) - m);
      if (Num(c["reached"]) >= 300) {
        EXPECT_GT(Num(c["truth_matched"][kStages[main]]), 0.0) << Str(c["campaign"]);
        ++positive;
      }
    }
  }
  EXPECT_GT(with_effect, 0);
  EXPECT_GT(without, 0);
  EXPECT_GT(positive, 5);
}

TEST_F(SimulatorTest, ExperimentsHoldBothGroupsAndUsersWithoutEvents) {
  const std::string w = World("holdout", Small(5));
  auto rows = Csv(w + "/experiments.csv");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(Read(w + "/experiments.csv").substr(0, 23), "campaign,user_id,group\n");
  std::map<std::string, std::map<std::string, int>> groups;  // campaign -> group -> users
  std::set<std::pair<std::string, std::string>> seen;
  std::set<std::string> assigned;
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 3u);
    EXPECT_TRUE(rows[i][2] == "treatment" || rows[i][2] == "control") << rows[i][2];
    EXPECT_TRUE(seen.insert({rows[i][0], rows[i][1]}).second) << "one row per campaign and user";
    ++groups[rows[i][0]][rows[i][2]];
    assigned.insert(rows[i][1]);
  }
  // Every holdout campaign has both groups, with the assignment truth.json counts.
  simdjson::dom::parser parser;
  element doc = parser.load(w + "/truth.json").value();
  int control = 0, total = 0;
  for (element c : Campaigns(doc)) {
    const std::string name = Str(c["campaign"]);
    if (!Bool(c["holdout"])) {
      EXPECT_EQ(groups.count(name), 0u) << name;
      continue;
    }
    EXPECT_GT(groups[name]["treatment"], 0) << name;
    EXPECT_GT(groups[name]["control"], 0) << name;
    EXPECT_EQ(Num(c["assigned"]["treatment"]), groups[name]["treatment"]);
    EXPECT_EQ(Num(c["assigned"]["control"]), groups[name]["control"]);
    EXPECT_GT(Num(c["assigned"]["without_events"]), 0) << name;
    control += groups[name]["control"];
    total += groups[name]["control"] + groups[name]["treatment"];
  }
  EXPECT_NEAR(static_cast<double>(control) / total, 0.2, 0.03);
  // Some assigned users have no event at all; nobody in control was shown their campaign.
  std::set<std::string> with_events;
  std::set<std::pair<std::string, std::string>> shown;
  const auto events = Csv(w + "/events.csv");
  for (size_t i = 1; i < events.size(); ++i) {
    with_events.insert(events[i][2]);
    if (!events[i][6].empty()) shown.insert({events[i][6], events[i][2]});
  }
  int no_events = 0;
  for (const std::string& u : assigned) no_events += with_events.count(u) ? 0 : 1;
  EXPECT_GT(no_events, 0);
  for (size_t i = 1; i < rows.size(); ++i)
    if (rows[i][2] == "control") EXPECT_EQ(shown.count({rows[i][0], rows[i][1]}), 0u);
  // truth.json's reached users are the users that events.csv shows each campaign to.
  std::map<std::string, int> reached;
  for (const auto& cu : shown) ++reached[cu.first];
  for (element c : Campaigns(doc)) {
    const std::string name = Str(c["campaign"]);
    EXPECT_EQ(Num(c["reached"]), reached[name]) << name;
  }
}

TEST_F(SimulatorTest, HoldoutShareIsAnOption) {
  SimOptions o = Small(6);
  o.holdout_share = 0.5;
  const auto rows = Csv(World("half", o) + "/experiments.csv");
  int control = 0;
  for (size_t i = 1; i < rows.size(); ++i) control += rows[i][2] == "control";
  EXPECT_NEAR(static_cast<double>(control) / static_cast<double>(rows.size() - 1), 0.5, 0.05);
  o.holdout_share = 1.5;
  o.out_dir = dir_ + "/bad";
  EXPECT_FALSE(Simulate(o).ok());
}

TEST_F(SimulatorTest, TheSameSeedWritesTheSameBytes) {
  SimOptions o = Small(7);
  o.users = 3000;
  o.bad_rows = 5;
  const std::string a = World("a", o), b = World("b", o);
  int files = 0;
  for (const auto& f : std::filesystem::directory_iterator(a)) {
    const std::string name = f.path().filename().string();
    EXPECT_EQ(Read(a + "/" + name), Read(b + "/" + name)) << name;
    ++files;
  }
  EXPECT_GE(files, 13);
  o.seed = 8;
  EXPECT_NE(Read(World("c", o) + "/truth.json"), Read(a + "/truth.json"));
}

}  // namespace
}  // namespace aips
