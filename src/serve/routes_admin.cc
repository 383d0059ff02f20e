// HTTP routes: tenants, keys and ingest (admin keys) (docs/http-api.md). Each handler checks the caller's
// access and asks the engine interface, and renders with the CLI's renderers, so the answers are the CLI's.
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "ingest/ingest_json.h"
#include "ingest/ingester.h"
#include "serve/assets.h"
#include "serve/routes.h"
#include "simdjson.h"
#include "store/store.h"

namespace aips {

namespace {

std::string ReadRejects(const std::string& path, size_t limit) {
  std::string out = "[";
  auto text = ReadFile(path);
  if (text.ok()) {
    size_t n = 0;
    for (absl::string_view line : absl::StrSplit(text.value(), '\n', absl::SkipEmpty())) {
      if (n++ == limit) break;
      if (n > 1) out += ',';
      out.append(line.data(), line.size());
    }
  }
  return out + "]";
}

// Reads {"tenant": "...", ...} request bodies.
Result<simdjson::padded_string> Body(const Call& c) { return simdjson::padded_string(c.req().body); }

}  // namespace

ApiReply RouteIngest(const Call& c, const Principal& p, TableKind kind) {
  if (!p.admin)
    return ApiReply::Error(403,
                           "this key cannot ingest: ingest needs an admin key (aips key create --admin)");
  auto store = Store::Open(c.ctx().data_dir, Store::Mode::kWrite);
  if (!store.ok()) return FromStatus(store.status());
  IngestOptions opt;
  opt.kind = kind;
  auto r =
      IngestBuffers(*store.value(),
                    {InputBuffer{fmt::format("request body ({})", TableKindName(kind)), c.req().body}}, opt);
  if (!r.ok()) return FromStatus(r.status());
  c.ctx().metrics->Ingested(r->accepted, r->rejected, r->duplicates);
  return ApiReply::Json(IngestResultJson(r.value(), ",\"errors\":" + ReadRejects(r->rejects_file, 1000)));
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
  auto lock = DirLock::Acquire(c.ctx().data_dir, 30000);
  if (!lock.ok()) return FromStatus(lock.status());
  API_ASSIGN(TenantRegistry reg, TenantRegistry::Load(c.ctx().data_dir));
  API_TRY(reg.AddTenant(tenant, brands));
  API_TRY(reg.Save(c.ctx().data_dir));
  JsonWriter w;
  w.BeginObject().Key("tenant").String(tenant).Key("brands").BeginArray();
  for (auto& b : reg.tenants().at(tenant).brands) w.String(b);
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
  auto lock = DirLock::Acquire(c.ctx().data_dir, 30000);
  if (!lock.ok()) return FromStatus(lock.status());
  API_ASSIGN(TenantRegistry reg, TenantRegistry::Load(c.ctx().data_dir));
  API_ASSIGN(std::string key, reg.CreateKey(tenant, admin));
  API_TRY(reg.Save(c.ctx().data_dir));
  return ApiReply::Json(fmt::format("{{\"key\":\"{}\"}}", key));
}

ApiReply RouteHealth(ApiContext& ctx, const HttpRequest&, std::string*) {
  const bool has_data = FileExists(ctx.data_dir + "/MANIFEST");
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
