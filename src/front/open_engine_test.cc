// The factory's source checks and the source as shown to people (never a password).
#include "front/open_engine.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

TEST(EngineSource, ExactlyOne) {
  EXPECT_TRUE(CheckEngineSource(EngineSource{"", ""}).IsInvalidArgument());
  EXPECT_TRUE(CheckEngineSource(EngineSource{"d", "clickhouse://h:1/db"}).IsInvalidArgument());
  EXPECT_TRUE(CheckEngineSource(EngineSource{"d", ""}).ok());
}

TEST(EngineSource, NameHidesPasswords) {
  EXPECT_EQ(SourceName(EngineSource{"/data/store", ""}), "/data/store");
  EXPECT_EQ(SourceName(EngineSource{"", "clickhouse://h:8123/db?cluster=c"}),
            "clickhouse://h:8123/db?cluster=c");
  EXPECT_EQ(SourceName(EngineSource{"", "clickhouse://me:secret@h:8123/db"}),
            "clickhouse://me:***@h:8123/db");
  EXPECT_EQ(SourceName(EngineSource{"", "clickhouse://h:8123/db?user=me&password=secret&cluster=c"}),
            "clickhouse://h:8123/db?user=me&password=***&cluster=c");
}

TEST(EngineSource, TenantStoreNeedsASource) {
  EXPECT_TRUE(OpenTenantStore(EngineSource{"", ""}).status().IsInvalidArgument());
  EXPECT_TRUE(OpenTenantStore(EngineSource{"", "clickhouse://h:x/db"}).status().IsInvalidArgument());
}

}  // namespace
}  // namespace aips
