// The date rules every engine applies: defaults, their clamping to the first day with data, and refusals.
#include "engine/query_dates.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

TEST(QueryDates, DateOrLast) {
  EXPECT_EQ(DateOrLast(std::nullopt, 100).value(), 100);
  EXPECT_EQ(DateOrLast(std::optional<Day>(90), 100).value(), 90);
  EXPECT_TRUE(DateOrLast(std::nullopt, kNoDay).status().IsInvalidArgument());
}

TEST(QueryDates, TrendDefaultIsThirtyDaysClampedToTheData) {
  EXPECT_EQ(TrendFrom(std::nullopt, 100, 0).value(), 71);
  EXPECT_EQ(TrendFrom(std::nullopt, 100, 80).value(), 80);            // the data begins on day 80
  EXPECT_EQ(TrendFrom(std::nullopt, 100, kNoDay).value(), 71);        // no bound
  EXPECT_EQ(TrendFrom(std::optional<Day>(60), 100, 80).value(), 60);  // explicit: not clamped here
  EXPECT_TRUE(TrendFrom(std::optional<Day>(101), 100, 0).status().IsInvalidArgument());
}

TEST(QueryDates, FlowDefaultIsThirtyDaysBackClampedButBeforeTo) {
  EXPECT_EQ(FlowFrom(std::nullopt, 100, 0).value(), 70);
  EXPECT_EQ(FlowFrom(std::nullopt, 100, 90).value(), 90);
  EXPECT_EQ(FlowFrom(std::nullopt, 100, 100).value(), 70);  // data of one day: the default stays
  EXPECT_TRUE(FlowFrom(std::optional<Day>(100), 100, 0).status().IsInvalidArgument());
}

}  // namespace
}  // namespace aips
