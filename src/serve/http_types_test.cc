#include "serve/http_types.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(ParseTarget, DecodesThePathAndTheParameters) {
  std::string path;
  Params params;
  ASSERT_TRUE(ParseTarget("/api/v1/crowd%2Fcount?expr=a%20b%3D1&brand=serum-01", &path, &params).ok());
  EXPECT_EQ(path, "/api/v1/crowd/count");
  EXPECT_EQ(params, (Params{{"expr", "a b=1"}, {"brand", "serum-01"}}));
  ASSERT_TRUE(ParseTarget("/x", &path, &params).ok());
  EXPECT_EQ(path, "/x");
  EXPECT_TRUE(params.empty());
  // UTF-8 in escapes, upper- and lower-case hex.
  ASSERT_TRUE(ParseTarget("/q?name=%E7%81%B5%e7%8a%80", &path, &params).ok());
  EXPECT_EQ(params, (Params{{"name", "灵犀"}}));
}

TEST(ParseTarget, PlusIsASpaceOnlyInTheQuery) {
  std::string path;
  Params params;
  ASSERT_TRUE(ParseTarget("/a+b?x=1+2&y+z=%2B", &path, &params).ok());
  EXPECT_EQ(path, "/a+b");
  EXPECT_EQ(params, (Params{{"x", "1 2"}, {"y z", "+"}}));
}

TEST(ParseTarget, EmptyAndValuelessParameters) {
  std::string path;
  Params params;
  ASSERT_TRUE(ParseTarget("/p?&a&b=&&c=3&", &path, &params).ok());
  EXPECT_EQ(params, (Params{{"a", ""}, {"b", ""}, {"c", "3"}}));
  ASSERT_TRUE(ParseTarget("/p?", &path, &params).ok());
  EXPECT_TRUE(params.empty());
  ASSERT_TRUE(ParseTarget("/p?x=a=b", &path, &params).ok());  // only the first '=' separates
  EXPECT_EQ(params, (Params{{"x", "a=b"}}));
  EXPECT_EQ(path, "/p");
}

TEST(ParseTarget, RefusesMalformedEscapes) {
  std::string path;
  Params params;
  for (const char* bad : {"/a%zz", "/a%4", "/a%", "/p?x=%g1", "/p?x=%", "/p?%1=1", "/p?x=1%2"}) {
    Status s = ParseTarget(bad, &path, &params);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << bad;
  }
  // A whole escape at the very end is fine.
  ASSERT_TRUE(ParseTarget("/a%41", &path, &params).ok());
  EXPECT_EQ(path, "/aA");
  ASSERT_TRUE(ParseTarget("/p?x=%41", &path, &params).ok());
  EXPECT_EQ(params, (Params{{"x", "A"}}));
}

TEST(HttpRequest, LooksUpParametersAndHeaders) {
  HttpRequest r;
  r.params = {{"a", "1"}, {"a", "2"}, {"b", ""}};
  r.headers = {{"authorization", "Bearer k"}};
  EXPECT_EQ(r.Param("a"), "1");
  EXPECT_TRUE(r.HasParam("b"));
  EXPECT_FALSE(r.HasParam("c"));
  EXPECT_EQ(r.Param("c"), "");
  EXPECT_EQ(r.Header("authorization"), "Bearer k");
  EXPECT_EQ(r.Header("host"), "");
  HttpReply e = HttpReply::Error(404, "no \"such\" thing");
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.body, R"({"error":"no \"such\" thing"})");
  EXPECT_EQ(e.content_type, "application/json");
}

}  // namespace
}  // namespace aips
