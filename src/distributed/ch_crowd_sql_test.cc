// The crowd compiler's shape (ch_crowd_sql.h): which users need the universe, the formula over the
// per-user columns, one events source for every stage atom, atoms resolved in evaluation order.
#include "distributed/ch_crowd_sql.h"

#include <gtest/gtest.h>

#include "domain/rules.h"

namespace aips {
namespace {

bool Nobody(const char* expr) { return ChHoldsForNobody(*ParseCrowdExpr(expr).value()); }

TEST(ChCrowdSql, HoldsForNobodyOnlyWithNotOrNone) {
  EXPECT_FALSE(Nobody(R"(stage(brand: "b", date: "2024-01-01") in [A, I])"));
  EXPECT_TRUE(Nobody(R"(not stage(brand: "b", date: "2024-01-01") in [A])"));
  EXPECT_FALSE(Nobody(
      R"(flowed(brand: "b", from: "2024-01-01", to: "2024-01-02", from_stage: [A], to_stage: [none]))"));
  EXPECT_TRUE(Nobody(
      R"(flowed(brand: "b", from: "2024-01-01", to: "2024-01-02", from_stage: [none], to_stage: [none]))"));
  EXPECT_FALSE(Nobody(R"(segment("x") and not segment("y"))"));
  EXPECT_TRUE(Nobody(R"(not segment("x") and not segment("y"))"));
  EXPECT_TRUE(Nobody(R"(segment("x") or not reached(campaign: "c"))"));
  EXPECT_FALSE(Nobody(R"(not (segment("x") or not crowd("c")))"));
}

struct Compiled {
  ChCrowd crowd;
  std::vector<std::string> resolved;  // atoms in the order they were resolved
};

Compiled Compile(const char* expr, const RuleSet& rules) {
  Compiled out;
  ChCrowdTables t{"db.events_local", "db.user_seq_local", "db.attributes_local", "db.crowd_members_local"};
  auto node = ParseCrowdExpr(expr).value();
  auto r = CompileCrowd(*node, t, [&](const CrowdNode& n) -> Result<ChAtomFacts> {
    out.resolved.push_back(n.brand.empty() ? n.name : n.brand);
    ChAtomFacts f;
    f.rules = &rules;
    f.reach_brand = "b";
    f.reach_start = 100;
    f.reach_end = 110;
    f.crowd_version = 3;
    return f;
  });
  EXPECT_TRUE(r.ok()) << r.status().message();
  out.crowd = std::move(r).value();
  return out;
}

TEST(ChCrowdSql, OneEventsSourceAndTheFormulaOverColumns) {
  const Rules rules = DefaultRules();
  Compiled c = Compile(
      R"(stage(brand: "b", date: "2024-03-01") in [TI] and not stage(brand: "c", date: "2024-03-01") in [A, I] or crowd("saved") or segment("t"))",
      rules.ForCategory(""));
  EXPECT_EQ(c.resolved, (std::vector<std::string>{"b", "c", "saved", "t"}));
  EXPECT_EQ(c.crowd.formula, "((((c0 IN (3)) AND NOT (c1 IN (1, 2))) OR (c2 = 1)) OR (c3 = 1))");
  EXPECT_FALSE(c.crowd.needs_universe);
  const std::string sql = ChCrowdMembers(c.crowd);
  // Both brands' arrays in one scan of the events, each brand with its own days.
  EXPECT_EQ(sql.find("FROM db.events_local"), sql.rfind("FROM db.events_local"));
  EXPECT_NE(sql.find("brand = 'b' AND day >= toDate('2023-03-03')"), std::string::npos);
  EXPECT_NE(sql.find("FROM db.crowd_members_local WHERE tenant = '' AND name = 'saved' AND version = 3"),
            std::string::npos);
  EXPECT_NE(sql.find("HAVING has(argMax(tags, version), 't')"), std::string::npos);
  EXPECT_EQ(sql.find("user_seq"), std::string::npos);
}

TEST(ChCrowdSql, UniverseAndReach) {
  const Rules rules = DefaultRules();
  Compiled c = Compile(R"(not reached(campaign: "c1"))", rules.ForCategory(""));
  EXPECT_TRUE(c.crowd.needs_universe);
  EXPECT_EQ(c.crowd.formula, "(NOT (c0 = 1))");
  const std::string sql = ChCrowdMembers(c.crowd);
  EXPECT_NE(sql.find("SELECT user FROM db.user_seq_local"), std::string::npos);
  EXPECT_NE(sql.find("campaign = 'c1'"), std::string::npos);
}

TEST(ChCrowdSql, ResolveErrorsStopTheCompile) {
  ChCrowdTables t{"e", "u", "a", "m"};
  auto node = ParseCrowdExpr(R"(segment("x") or crowd("y"))").value();
  int calls = 0;
  auto r = CompileCrowd(*node, t, [&](const CrowdNode& n) -> Result<ChAtomFacts> {
    ++calls;
    return Status::NotFound("unknown segment");
  });
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_EQ(calls, 1);
}

TEST(ChCrowdSql, PerUserMergesSources) {
  ChPerUser p;
  const std::string a = p.AddColumn("toUInt8(0)"), b = p.AddColumn("emptyArrayString()", "groupArrayArray");
  p.AddSource("SELECT user FROM x", {{a, "toUInt8(1)"}});
  p.AddSource("SELECT user, tg FROM y", {{b, "tg"}});
  EXPECT_EQ(
      p.Sql(),
      "SELECT user, max(v0) AS c0, groupArrayArray(v1) AS c1 FROM (SELECT user, toUInt8(1) AS v0, "
      "emptyArrayString() AS v1 FROM (SELECT user FROM x) UNION ALL SELECT user, toUInt8(0) AS v0, tg AS v1 "
      "FROM (SELECT user, tg FROM y)) GROUP BY user");
}

}  // namespace
}  // namespace aips
