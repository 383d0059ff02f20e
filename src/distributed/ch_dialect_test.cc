// Both sides of every version-dependent choice of ChDialect (18.16 and current releases).
#include "distributed/ch_dialect.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

TEST(ChDialect, ReadsTheVersion) {
  auto old = ChDialect::FromVersion("18.16.1\n");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->major(), 18);
  EXPECT_EQ(old->minor(), 16);
  EXPECT_EQ(old->version(), "18.16.1");
  auto now = ChDialect::FromVersion("26.7.2.1");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->major(), 26);
  EXPECT_TRUE(now->AtLeast(20, 7));
  EXPECT_TRUE(now->AtLeast(26, 7));
  EXPECT_FALSE(now->AtLeast(26, 8));
  EXPECT_FALSE(old->AtLeast(20, 7));
  EXPECT_FALSE(ChDialect::FromVersion("").ok());
  EXPECT_FALSE(ChDialect::FromVersion("x.1").ok());
  EXPECT_FALSE(ChDialect::FromVersion("26").ok());
}

TEST(ChDialect, ZeroDateByRelease) {
  auto old = ChDialect::FromVersion("18.16.1").value();
  auto edge = ChDialect::FromVersion("20.7.1.1").value();
  auto now = ChDialect::FromVersion("26.7.2.1").value();
  EXPECT_EQ(old.ZeroDate(), "0000-00-00");
  EXPECT_EQ(ChDialect::FromVersion("20.6.3").value().ZeroDate(), "0000-00-00");
  EXPECT_EQ(edge.ZeroDate(), "1970-01-01");
  EXPECT_EQ(now.ZeroDate(), "1970-01-01");
  EXPECT_EQ(old.ParseDay("0000-00-00").value(), kNoDay);
  EXPECT_EQ(now.ParseDay("1970-01-01").value(), kNoDay);
  EXPECT_EQ(old.ParseDay("1970-01-01").value(), 0);  // a real day on 18.16
  EXPECT_EQ(now.ParseDay("2024-03-01").value(), old.ParseDay("2024-03-01").value());
  EXPECT_FALSE(now.ParseDay("0000-00-00").ok());
}

}  // namespace
}  // namespace aips
