// The answer cache of a generation: hits, least-recently-used eviction at the byte bound, and answers too
// large to keep.
#include "serve/engine_pool.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

TEST(AnswerCache, HitsAndMisses) {
  AnswerCache c(1 << 20);
  std::string body, type;
  EXPECT_FALSE(c.Get("GET /a", &body, &type));
  c.Put("GET /a", "{\"x\":1}", "application/json");
  ASSERT_TRUE(c.Get("GET /a", &body, &type));
  EXPECT_EQ(body, "{\"x\":1}");
  EXPECT_EQ(type, "application/json");
  EXPECT_EQ(c.hits(), 1u);
}

TEST(AnswerCache, EvictsTheLeastRecentlyUsedPastTheBound) {
  AnswerCache c(1000);  // entries of ~210 bytes: four fit, a fifth evicts the oldest unused
  const std::string big(200, 'x');
  for (const char* k : {"k1", "k2", "k3", "k4"}) c.Put(k, big, "t");
  std::string body, type;
  ASSERT_TRUE(c.Get("k1", &body, &type));  // k1 is now the most recent: k2 goes first
  c.Put("k5", big, "t");
  EXPECT_TRUE(c.Get("k1", &body, &type));
  EXPECT_FALSE(c.Get("k2", &body, &type));
  EXPECT_TRUE(c.Get("k5", &body, &type));
  EXPECT_LE(c.bytes(), 1000u);
}

TEST(AnswerCache, KeepsNoAnswerLargerThanAQuarter) {
  AnswerCache c(1000);
  c.Put("big", std::string(300, 'x'), "t");
  std::string body, type;
  EXPECT_FALSE(c.Get("big", &body, &type));
  EXPECT_EQ(c.bytes(), 0u);
}

}  // namespace
}  // namespace aips
