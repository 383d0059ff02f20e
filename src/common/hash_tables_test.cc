// What common/hash_tables.h relies on: a table made WithRoomFor(n) takes n entries without growing (so no
// allocation can throw while it fills), and KeyedLists keeps lists per key.
#include "common/hash_tables.h"

#include <gtest/gtest.h>

#include <string>

namespace aips {
namespace {

TEST(HashTables, WithRoomForNeverGrowsWhileFilled) {
  for (size_t n : {size_t{1}, size_t{7}, size_t{100}, size_t{1000}, size_t{123457}}) {
    auto t = WithRoomFor<absl::flat_hash_map<std::string, std::string>>(n);
    const size_t capacity = t.bucket_count();
    for (size_t i = 0; i < n; ++i) t[std::to_string(i)] = "v";
    EXPECT_EQ(t.bucket_count(), capacity) << n;
    EXPECT_EQ(t.size(), n);
  }
}

TEST(HashTables, ReserveSafelyMakesRoom) {
  absl::flat_hash_map<uint32_t, uint32_t> t;
  ReserveSafely(t, 1000);  // never allocated: a new table
  EXPECT_GE(t.bucket_count() - t.bucket_count() / 8, 1000u);
  t[1] = 2;
  ReserveSafely(t, 5000);  // keeps what it holds
  EXPECT_GE(t.bucket_count() - t.bucket_count() / 8, 5000u);
  EXPECT_EQ(t.at(1), 2u);
}

TEST(HashTables, KeyedListsKeepListsPerKey) {
  KeyedLists<int> lists;
  lists[7].push_back(1);
  lists[3].push_back(2);
  lists[7].push_back(3);
  EXPECT_EQ(lists.size(), 2u);
  ASSERT_NE(lists.Find(7), nullptr);
  EXPECT_EQ(*lists.Find(7), (std::vector<int>{1, 3}));
  EXPECT_EQ(lists.Find(4), nullptr);
  size_t total = 0;
  lists.ForEach([&](uint32_t, const std::vector<int>& l) { total += l.size(); });
  EXPECT_EQ(total, 3u);
}

}  // namespace
}  // namespace aips
