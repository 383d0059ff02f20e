// The route table against the published API: every route the server answers is documented in
// docs/openapi.json (the copy embedded in the binary), so that a new endpoint cannot ship undocumented.
#include "serve/api.h"

#include <gtest/gtest.h>

#include "serve/assets.h"

namespace aips {
namespace {

TEST(ApiRoutes, EveryRouteIsInTheOpenApiDocument) {
  const Asset* doc = FindAsset("/openapi.json");
  ASSERT_NE(doc, nullptr) << "the OpenAPI document is not embedded";
  const std::string_view text = doc->data;
  size_t checked = 0;
  for (const ApiRoute& r : ApiRoutes()) {
    if (r.path == "/" || r.path == "/openapi.json" || r.path.back() == '/') continue;  // page and assets
    EXPECT_NE(text.find("\"" + r.path + "\""), std::string_view::npos) << r.method << " " << r.path;
    ++checked;
  }
  EXPECT_GT(checked, 30u);
}

TEST(ApiRoutes, PathsAreUniquePerMethod) {
  std::set<std::string> seen;
  for (const ApiRoute& r : ApiRoutes()) EXPECT_TRUE(seen.insert(r.method + " " + r.path).second) << r.path;
}

}  // namespace
}  // namespace aips
