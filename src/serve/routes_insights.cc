// HTTP routes: 灵犀 topics and 私信 consultations (docs/http-api.md). Each handler checks the caller's access
// and asks the engine interface, and renders with the CLI's renderers, so the answers are the CLI's.
#include <set>

#include "serve/routes.h"

namespace aips {

// GET /api/v1/topics
ApiReply RouteTopics(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string category, c.Required("category"));
  const std::string brand = c.Str("brand");
  if (!brand.empty() && !p.CanRead(brand)) return NotOwned(brand);
  API_ASSIGN(auto names, e.BrandsOfCategory(category));
  if (!p.admin && std::none_of(names.begin(), names.end(), [&](auto& b) { return p.CanRead(b); }))
    return ApiReply::Error(404, UnknownCategoryMessage(category));
  API_ASSIGN(auto from, c.Date("from"));
  API_ASSIGN(auto to, c.Date("to"));
  return Reply(e.Topics(category, from, to, brand));
}

// GET /api/v1/consult
ApiReply RouteConsult(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(auto from, c.Date("from"));
  API_ASSIGN(auto to, c.Date("to"));
  // brand=B: only B's accounts (B must be the caller's); otherwise every account the caller may see.
  const std::string brand = c.Str("brand");
  if (!brand.empty() && !p.CanRead(brand)) return NotOwned(brand);
  const std::set<std::string> only{brand};
  return Reply(e.Consult(c.Str("account"), from, to, !brand.empty() ? &only : p.admin ? nullptr : &p.brands));
}

}  // namespace aips
