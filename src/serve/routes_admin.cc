// HTTP routes: tenants, keys and ingest (admin keys) (docs/http-api.md). Each handler checks the caller's
// access and asks the engine interface, and renders with the CLI's renderers, so the answers are the CLI's.
#include "front/ingest_into.h"
#include "ingest/ingest_json.h"
#include "serve/assets.h"
#include "serve/routes.h"
#include "simdjson.h"

namespace aips {

namespace {

// Reads {"tenant": "...", ...} request bodies.
Result<simdjson::padded_string> Body(const Call& c) { return simdjson::padded_string(c.req().body); }

}  // namespace

ApiReply RouteIngest(const Call& c, const Principal& p, TableKind kind) {
  if (!p.admin)
    return ApiReply::Error(403,
                           "this key cannot ingest: ingest needs an admin key (aips key create --admin)");
  IngestOptions opt;
  opt.kind = kind;
  std::vector<std::string> rejects;  // the first 1000 rejected rows
  auto r = IngestInto(c.ctx().source,
                      {InputBuffer{fmt::format("request body ({})", TableKindName(kind)), c.req().body}}, opt,
                      &rejects, 1000);
  if (!r.ok()) return FromStatus(r.status());
  c.ctx().metrics->Ingested(r->accepted, r->rejected, r->duplicates);
  std::string errors = ",\"errors\":[";
  for (size_t i = 0; i < rejects.size(); ++i) errors += (i ? "," : "") + rejects[i];
  return ApiReply::Json(IngestResultJson(r.value(), errors + "]"));
}

// POST /api/v1/tenants
ApiReply RouteTenantsPost(const Call& c, const Principal& p) {
  if (!p.admin) return ApiReply::Error(403, "tenant management needs an admin key");
  API_ASSIGN(auto body, Body(c));
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  std::string tenant;
  std::vector<std::string> brands;
  if (parser.iterate(body).get(doc))
    return ApiReply::Error(400, "body must be JSON: {\"tenant\":\"T\",\"brands\":[\"B\"]}");
  std::string_view t;
  if (doc["tenant"].get_string().get(t) || t.empty()) return ApiReply::Error(400, "missing \"tenant\"");
  tenant = std::string(t);
  simdjson::ondemand::array arr;
  if (!doc["brands"].get_array().get(arr)) {
    for (auto v : arr) {
      std::string_view b;
      if (v.get_string().get(b)) return ApiReply::Error(400, "\"brands\" must be a list of strings");
      brands.emplace_back(b);
    }
  }
  API_ASSIGN(auto store, OpenTenantStore(c.ctx().source));
  API_ASSIGN(Tenant stored, store->AddTenant(tenant, brands));
  JsonWriter w;
  w.BeginObject().Key("tenant").String(tenant).Key("brands").BeginArray();
  for (auto& b : stored.brands) w.String(b);
  w.EndArray().EndObject();
  return ApiReply::Json(w.str());
}

// POST /api/v1/keys
ApiReply RouteKeysPost(const Call& c, const Principal& p) {
  if (!p.admin) return ApiReply::Error(403, "key management needs an admin key");
  API_ASSIGN(auto body, Body(c));
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (parser.iterate(body).get(doc))
    return ApiReply::Error(400, "body must be JSON: {\"tenant\":\"T\",\"admin\":false}");
  std::string_view t;
  bool admin = false;
  if (doc["tenant"].get_string().get(t)) t = "";
  std::string tenant(t);
  if (doc["admin"].get_bool().get(admin)) admin = false;
  API_ASSIGN(auto store, OpenTenantStore(c.ctx().source));
  API_ASSIGN(std::string key, store->CreateKey(tenant, admin));
  return ApiReply::Json(fmt::format("{{\"key\":\"{}\"}}", key));
}

ApiReply RouteHealth(ApiContext& ctx, const HttpRequest&, std::string*) {
  const bool has_data = HasData(ctx.source);
  return ApiReply::Json(fmt::format("{{\"status\":\"ok\",\"data\":{}}}", has_data ? "true" : "false"));
}

ApiReply RouteMetrics(ApiContext& ctx, const HttpRequest&, std::string*) {
  return ApiReply{200, ctx.metrics->Render(), "text/plain; version=0.0.4", false};
}

// "/" is the dashboard's page; other paths name an embedded file.
ApiReply RouteAsset(ApiContext&, const HttpRequest& req, std::string*) {
  const std::string path = req.path == "/" ? "/index.html" : req.path;
  const Asset* a = FindAsset(path);
  if (!a) {
    if (path == "/index.html") {
      return ApiReply{200,
                      "<!doctype html><meta charset=utf-8><title>aips</title><p>The dashboard was not built "
                      "into this binary: run <code>make build</code> (it runs npm) and restart <code>aips "
                      "serve</code>. The API is at <a href=/openapi.json>/openapi.json</a>.",
                      "text/html; charset=utf-8", false};
    }
    return ApiReply::Error(404, "no such file");
  }
  return ApiReply{200, std::string(a->data), std::string(a->content_type), path != "/index.html"};
}

}  // namespace aips
