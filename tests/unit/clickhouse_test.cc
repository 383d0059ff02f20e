// The pieces of the ClickHouse engine that do not need a server (the server-side behaviour is checked
// against a real 2-shard cluster by tests/parity/run.py).
#include <gtest/gtest.h>

#include "distributed/ch_client.h"
#include "distributed/ch_sql.h"
#include "distributed/ch_store.h"

namespace aips {
namespace {

TEST(ChUrl, ParsesServerDatabaseClusterAndNodes) {
  auto u = ParseChUrl("clickhouse://10.0.0.1:8123/aips?cluster=c2&nodes=10.0.0.1:8123,10.0.0.2:8124");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->entry.Name(), "10.0.0.1:8123");
  EXPECT_EQ(u->database, "aips");
  EXPECT_EQ(u->cluster, "c2");
  ASSERT_EQ(u->nodes.size(), 2u);
  EXPECT_EQ(u->nodes[1].Name(), "10.0.0.2:8124");
  auto one = ParseChUrl("clickhouse://h:9/db_1");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->nodes.size(), 1u);  // the entry node
  EXPECT_TRUE(one->cluster.empty());
}

TEST(ChUrl, NamesWhatIsWrong) {
  EXPECT_NE(ParseChUrl("http://h:1/db").status().message().find("clickhouse://"), std::string::npos);
  EXPECT_NE(ParseChUrl("clickhouse://h:1").status().message().find("database"), std::string::npos);
  EXPECT_NE(ParseChUrl("clickhouse://h:x/db").status().message().find("port"), std::string::npos);
  EXPECT_NE(ParseChUrl("clickhouse://h:1/a-b").status().message().find("a-b"), std::string::npos);
  EXPECT_NE(ParseChUrl("clickhouse://h:1/db?shards=2").status().message().find("shards"), std::string::npos);
  EXPECT_NE(ParseChUrl("clickhouse://h:1/db?nodes=h:1").status().message().find("cluster="),
            std::string::npos);
  EXPECT_NE(ParseChUrl("clickhouse://h:1/db?cluster=x;DROP").status().message().find("cluster"),
            std::string::npos);
}

TEST(ChSql, QuotesAndEscapes) {
  EXPECT_EQ(ChQuote("it's a \\ test"), "'it\\'s a \\\\ test'");
  std::string tsv;
  AppendTsv("a\tb\nc\\", &tsv);
  EXPECT_EQ(tsv, "a\\tb\\nc\\\\");
  auto rows = ParseTsv(tsv + "\tx\n1\t\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "a\tb\nc\\");
  EXPECT_EQ(rows[0][1], "x");
  EXPECT_EQ(rows[1][1], "");
  std::string bin;
  AppendBinaryString(std::string(200, 'z'), &bin);
  EXPECT_EQ(static_cast<unsigned char>(bin[0]), 0xC8);  // 200 = 0b1'1001000: LEB128 C8 01
  EXPECT_EQ(static_cast<unsigned char>(bin[1]), 0x01);
  EXPECT_EQ(bin.size(), 202u);
}

TEST(ChSql, IntHash64MatchesClickHouse) {
  // SELECT intHash64(toUInt64(12345)), intHash64(toUInt64(18446744073709551615)) on ClickHouse 18.16.
  EXPECT_EQ(ChIntHash64(12345), 16722121143744093920ull);
  EXPECT_EQ(ChIntHash64(~0ull), 14600443904207254319ull);
}

TEST(ChSql, CompilesRulesWithCountsAndFilters) {
  RuleSet rs = DefaultRules().defaults;
  rs.stages[1].min_count = 3;
  rs.stages[3].channels = {"jd", "taobao"};
  rs.stages[4].sentiment_mask = 1u << 1;  // positive
  EXPECT_EQ(ChStageCondition(rs.stages[3]), "(action IN ('purchase') AND channel IN ('jd', 'taobao'))");
  EXPECT_EQ(ChStageCondition(rs.stages[4]), "(action IN ('post') AND sentiment IN ('positive'))");
  const std::string at = ChStageAt(rs, "d", "a");
  // Highest stage first; S looks back 365 days; I needs 3 events.
  EXPECT_EQ(at.find("arrayCount(x -> x >= d - 364 AND x <= d, a5) >= 1, 5"), 8u);
  EXPECT_NE(at.find("a2) >= 3, 2"), std::string::npos);
  EXPECT_LT(at.find("a4)"), at.find("a3)"));
  EXPECT_EQ(ChScopeFilter("b'1", std::string("s")), "brand = 'b\\'1' AND spu = 's'");
}

}  // namespace
}  // namespace aips
