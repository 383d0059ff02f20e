#include "common/date.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

TEST(Date, RoundTripsCivilDays) {
  for (Day d = -1000; d < 60000; d += 7) {
    int y;
    unsigned m, dd;
    CivilFromDays(d, &y, &m, &dd);
    EXPECT_EQ(DaysFromCivil(y, m, dd), d);
  }
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(ParseDate("2024-02-29").value(), DaysFromCivil(2024, 2, 29));
}

TEST(Date, RejectsMalformedDates) {
  EXPECT_FALSE(ParseDate("2023-02-29").ok());
  EXPECT_FALSE(ParseDate("2024-13-01").ok());
  EXPECT_FALSE(ParseDate("2024-1-01").ok());
  EXPECT_FALSE(ParseDate("20240101").ok());
  EXPECT_NE(ParseDate("2024/01/01").status().message().find("2024/01/01"), std::string::npos);
}

TEST(Timestamp, ParsesOffsetsAndUnixSeconds) {
  EXPECT_EQ(ParseTimestamp("2024-01-01T00:00:00Z").value(), 1704067200);
  EXPECT_EQ(ParseTimestamp("2024-01-01T08:00:00+08:00").value(), 1704067200);
  EXPECT_EQ(ParseTimestamp("2024-01-01 08:00:00+0800").value(), 1704067200);
  EXPECT_EQ(ParseTimestamp("2023-12-31T19:00:00.123-05:00").value(), 1704067200);
  EXPECT_EQ(ParseTimestamp("1704067200").value(), 1704067200);
}

TEST(Timestamp, RejectsWithReasons) {
  EXPECT_NE(ParseTimestamp("2024-01-01T00:00:00").status().message().find("no UTC offset"),
            std::string::npos);
  EXPECT_NE(ParseTimestamp("1999-12-31T23:59:59Z").status().message().find("outside"), std::string::npos);
  EXPECT_FALSE(ParseTimestamp("2100-01-01T00:00:00Z").ok());
  EXPECT_TRUE(ParseTimestamp("2099-12-31T23:59:59Z").ok());
  EXPECT_FALSE(ParseTimestamp("946684799").ok());
  EXPECT_TRUE(ParseTimestamp("946684800").ok());
  EXPECT_FALSE(ParseTimestamp("yesterday").ok());
  EXPECT_FALSE(ParseTimestamp("2024-01-01T25:00:00Z").ok());
  EXPECT_FALSE(ParseTimestamp("2024-01-01T00:00:00+8").ok());
  EXPECT_FALSE(ParseTimestamp("").ok());
}

TEST(DayMapper, MatchesAbseilAcrossTransitions) {
  for (const char* name : {"Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"}) {
    absl::TimeZone tz = LoadZone(name).value();
    DayMapper mapper(tz);
    // Walk 2000..2030 in irregular steps (forwards and back) and compare with absl's own answer.
    int64_t t = kMinTimestamp;
    for (int i = 0; i < 200000; ++i) {
      t += (i % 3 == 0) ? -4000 : 7919;
      if (t < kMinTimestamp) t = kMinTimestamp;
      absl::CivilDay cd = absl::ToCivilDay(absl::FromUnixSeconds(t), tz);
      Day want = DaysFromCivil(static_cast<int>(cd.year()), static_cast<unsigned>(cd.month()),
                               static_cast<unsigned>(cd.day()));
      ASSERT_EQ(mapper.LocalDay(t), want) << name << " t=" << t;
    }
  }
}

}  // namespace
}  // namespace aips
