// The --engine URL forms (ch_url.h): credentials, chdb:DIR, and what a bad URL says.
#include "distributed/ch_url.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace aips {
namespace {

TEST(ChUrlCredentials, UserAndPercentDecodedPassword) {
  auto u = ParseChUrl("clickhouse://aips:p%40ss%3Aw%2Fd%25@10.0.0.1:8123/db");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->user, "aips");
  EXPECT_EQ(u->password, "p@ss:w/d%");
  EXPECT_EQ(u->entry.Name(), "10.0.0.1:8123");
  EXPECT_EQ(u->database, "db");
  EXPECT_FALSE(u->in_process());
  EXPECT_EQ(u->Display(), "clickhouse://aips:***@10.0.0.1:8123/db");
  // A raw '@' in the password: the last '@' before the path ends the credentials.
  auto raw = ParseChUrl("clickhouse://u:a@b@h:1/db");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->password, "a@b");
  EXPECT_EQ(raw->entry.host, "h");
  auto no_password = ParseChUrl("clickhouse://reader@h:1/db?cluster=c");
  ASSERT_TRUE(no_password.ok());
  EXPECT_EQ(no_password->user, "reader");
  EXPECT_EQ(no_password->password, "");
  EXPECT_EQ(no_password->Display(), "clickhouse://reader@h:1/db?cluster=c");
  auto none = ParseChUrl("clickhouse://h:1/db");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->user, "");
  EXPECT_EQ(none->Display(), "clickhouse://h:1/db");
}

TEST(ChUrlCredentials, PasswordNeverInMessages) {
  for (const char* url : {"clickhouse://u:s3cret@h:x/db", "clickhouse://u:s3cret@h:1/a-b",
                          "clickhouse://u:s3cret@h:1/db?shards=2", "clickhouse://u:s3cret%zz@h:1/db",
                          "clickhouse://u:s3cret@h:1", "clickhous://u:s3cret@h:1/db"}) {
    auto u = ParseChUrl(url);
    ASSERT_FALSE(u.ok()) << url;
    EXPECT_EQ(u.status().message().find("s3cret"), std::string::npos) << u.status().message();
    EXPECT_NE(u.status().message().find("u:***@"), std::string::npos) << u.status().message();
  }
  EXPECT_NE(ParseChUrl("clickhouse://u:s%zz@h:1/db").status().message().find("%25"), std::string::npos);
  EXPECT_NE(ParseChUrl("clickhouse://:pw@h:1/db").status().message().find("user"), std::string::npos);
  EXPECT_EQ(RedactChUrl("clickhouse://u:pw@h:1/db?x=a@b"), "clickhouse://u:***@h:1/db?x=a@b");
  EXPECT_EQ(RedactChUrl("clickhouse://u@h:1/db"), "clickhouse://u@h:1/db");
  EXPECT_EQ(RedactChUrl("clickhouse://h:1/db"), "clickhouse://h:1/db");
  EXPECT_EQ(RedactChUrl("chdb:/a:b@c"), "chdb:/a:b@c");
}

TEST(ChUrlChdb, DirectoryAndDatabase) {
  auto u = ParseChUrl("chdb:/var/lib/aips-ch/");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_TRUE(u->in_process());
  EXPECT_EQ(u->chdb_dir, "/var/lib/aips-ch");
  EXPECT_EQ(u->database, "aips");
  EXPECT_EQ(u->entry.Name(), "chdb:/var/lib/aips-ch");
  ASSERT_EQ(u->nodes.size(), 1u);
  EXPECT_TRUE(u->cluster.empty());
  EXPECT_EQ(u->Display(), "chdb:/var/lib/aips-ch");
  auto db = ParseChUrl("chdb:/x/y?database=other_1");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(db->database, "other_1");
  EXPECT_EQ(db->Display(), "chdb:/x/y?database=other_1");
  auto rel = ParseChUrl("chdb:ch-data");
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->chdb_dir, (std::filesystem::current_path() / "ch-data").string());
}

TEST(ChUrlChdb, NamesWhatIsWrong) {
  EXPECT_NE(ParseChUrl("chdb:").status().message().find("chdb:DIR"), std::string::npos);
  EXPECT_NE(ParseChUrl("chdb://x").status().message().find("chdb:DIR"), std::string::npos);
  EXPECT_NE(ParseChUrl("chdb:/x?cluster=c").status().message().find("database=NAME only"), std::string::npos);
  EXPECT_NE(ParseChUrl("chdb:/x?database=a-b").status().message().find("a-b"), std::string::npos);
  EXPECT_NE(ParseChUrl("duckdb:/x").status().message().find("chdb:DIR"), std::string::npos);
}

}  // namespace
}  // namespace aips
