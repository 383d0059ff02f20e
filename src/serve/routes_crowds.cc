// HTTP routes: crowd packs: count, export, portrait, lookalike, saved crowds (docs/http-api.md). Each handler
// checks the caller's access and asks the engine interface, and renders with the CLI's renderers, so the
// answers are the CLI's.
#include "serve/routes.h"

namespace aips {

// GET /api/v1/crowd/count
ApiReply RouteCrowdCount(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, e));
  API_ASSIGN(uint64_t n, e.CrowdCount(q));
  return ApiReply::Json(CrowdCountJson(n, q.expr));
}

// GET /api/v1/crowd/export
ApiReply RouteCrowdExport(const Call& c, const Principal& p, QueryEngine& e) {
  const bool raw = c.Str("raw") == "1" || c.Str("raw") == "true";
  if (raw && !p.admin)
    return ApiReply::Error(403, "raw user ids are for admin keys only; exports are salted SHA-256 ids");
  if (!raw && p.salt.empty())
    return ApiReply::Error(400,
                           "this key has no tenant, so no export salt: use raw=1 (admin) or a tenant's key");
  API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, e));
  API_ASSIGN(std::string csv, e.CrowdExport(q, raw ? "" : p.salt, c.ctx().min_export_size));
  return ApiReply{200, std::move(csv), "text/csv; charset=utf-8", false};
}

// GET /api/v1/crowd/portrait
ApiReply RouteCrowdPortrait(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, e));
  API_ASSIGN(auto date, c.Date("date"));
  const std::string category = c.Str("category");
  if (!category.empty()) {  // the base must be a category the tenant has a brand in
    API_ASSIGN(auto names, e.BrandsOfCategory(category));
    if (!p.admin && std::none_of(names.begin(), names.end(), [&](auto& b) { return p.CanRead(b); })) {
      return ApiReply::Error(404, fmt::format("unknown category '{}'", category));
    }
  }
  return Reply(e.CrowdPortrait(q, category, date));
}

// GET /api/v1/lookalike
ApiReply RouteLookalike(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, e));
  API_ASSIGN(auto sizes, ParseTierSizes(c.Str("tiers").empty() ? "1000,5000,20000" : c.Str("tiers")));
  API_ASSIGN(auto window, c.Int("window"));
  API_ASSIGN(auto date, c.Date("date"));
  return Reply(e.Lookalike(q, date, window.value_or(90), sizes, ""));
}

// GET /api/v1/crowds
ApiReply RouteCrowds(const Call&, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::vector<SavedCrowd> saved, e.SavedCrowds());
  return ApiReply::Json(
      SavedCrowdsJson(saved, p.admin && p.tenant.empty() ? std::nullopt : std::optional(p.tenant)));
}

// POST /api/v1/crowds
ApiReply RouteCrowdsPost(const Call& c, const Principal& p) {
  API_TRY(c.Allow({"name", "expr", "preset", "brand", "competitor", "date", "since"}));
  API_ASSIGN(std::string name, c.Required("name"));
  API_ASSIGN(auto engine, OpenEngine(c.ctx().source));
  API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, *engine));
  API_ASSIGN(SavedCrowd sc, engine->SaveCrowd(name, q));
  JsonWriter w;
  w.BeginObject().Key("name").String(sc.name).Key("version").Int(sc.version);
  w.Key("size").Int(static_cast<int64_t>(sc.size)).EndObject();
  return ApiReply::Json(w.str());
}

}  // namespace aips
