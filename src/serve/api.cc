#include "serve/api.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "common/json_writer.h"
#include "crowds/crowd_tools.h"
#include "engine/crowd_expr.h"
#include "engine/engine.h"
#include "engine/messages.h"
#include "fmt/format.h"
#include "ingest/ingest_json.h"
#include "ingest/ingester.h"
#include "render/render.h"
#include "render/render_act.h"
#include "render/render_campaign.h"
#include "render/render_category.h"
#include "render/render_insights.h"
#include "serve/assets.h"
#include "serve/engine_pool.h"
#include "serve/metrics.h"
#include "serve/tenants.h"
#include "simdjson.h"
#include "store/store.h"

namespace aips {

namespace {

int HttpStatus(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kBusy:
      return 503;
    case Status::Code::kUnsupported:
      return 501;
    default:
      return 500;
  }
}

ApiReply FromStatus(const Status& s) { return ApiReply::Error(HttpStatus(s), s.message()); }

template <typename R>
ApiReply Reply(const Result<R>& r) {
  if (!r.ok()) return FromStatus(r.status());
  return ApiReply::Json(ToJson(r.value()));
}

// One request: its parameters, its caller, its engine.
class Call {
 public:
  Call(ApiContext& ctx, const HttpRequest& req) : ctx_(ctx), req_(req) {}

  // Accepts only the listed query parameters (400 names the unknown one).
  Status Allow(const std::vector<std::string_view>& names) const {
    for (auto& [k, v] : req_.params) {
      if (std::find(names.begin(), names.end(), k) == names.end()) {
        std::string list;
        for (auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
        return Status::InvalidArgument(
            fmt::format("unknown parameter '{}' (this endpoint takes: {})", k, list.empty() ? "none" : list));
      }
    }
    return Status::OK();
  }
  std::string Str(const char* name) const { return req_.Param(name); }
  Result<std::string> Required(const char* name) const {
    std::string v = Str(name);
    if (v.empty()) return Status::InvalidArgument(fmt::format("missing parameter '{}'", name));
    return v;
  }
  Result<std::optional<Day>> Date(const char* name) const {
    std::string v = Str(name);
    if (v.empty()) return std::optional<Day>();
    auto d = ParseDate(v);
    if (!d.ok()) return Status::InvalidArgument(fmt::format("{}: {}", name, d.status().message()));
    return std::optional<Day>(d.value());
  }
  Result<std::optional<int>> Int(const char* name) const {
    std::string v = Str(name);
    if (v.empty()) return std::optional<int>();
    int x = 0;
    bool ok = v.size() <= 6 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    for (char c : v) x = x * 10 + (c - '0');
    if (!ok) return Status::InvalidArgument(fmt::format("{} must be a non-negative integer", name));
    return std::optional<int>(x);
  }
  // Authenticates the bearer key; nullopt with *reply set when the caller is not let in.
  std::optional<Principal> Auth(Generation& gen, ApiReply* reply, std::string* tenant) const {
    auto reg = gen.Registry();
    if (!reg.ok()) {
      *reply = FromStatus(reg.status());
      return std::nullopt;
    }
    const std::string h = req_.Header("authorization");
    if (h.rfind("Bearer ", 0) != 0) {
      *reply = ApiReply::Error(401, "missing API key: send 'Authorization: Bearer KEY' (aips key create)");
      return std::nullopt;
    }
    auto p = reg.value()->Authenticate(h.substr(7));
    if (!p) {
      *reply = ApiReply::Error(401, "unknown API key");
      return std::nullopt;
    }
    *tenant = p->admin ? (p->tenant.empty() ? "admin" : p->tenant + "/admin") : p->tenant;
    return p;
  }
  const HttpRequest& req() const { return req_; }
  ApiContext& ctx() const { return ctx_; }

 private:
  ApiContext& ctx_;
  const HttpRequest& req_;
};

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  for (absl::string_view p : absl::StrSplit(s, ',', absl::SkipEmpty())) out.emplace_back(p);
  return out;
}

#define API_TRY(expr)                    \
  do {                                   \
    ::aips::Status _s = (expr);          \
    if (!_s.ok()) return FromStatus(_s); \
  } while (0)
#define API_ASSIGN_IMPL(tmp, lhs, expr)           \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return FromStatus(tmp.status()); \
  lhs = std::move(tmp).value()
#define API_ASSIGN(lhs, expr) API_ASSIGN_IMPL(AIPS_CONCAT(_api_, __LINE__), lhs, expr)

// The answer cache's key: the request as sent and the caller's identity (answers differ by tenant).
std::string CacheKey(const HttpRequest& req, const Principal& p) {
  return fmt::format("{} {}\n{}\n{}", req.method, req.target, p.tenant, p.admin ? "admin" : "");
}

// A data endpoint: authenticated, answered by a warm engine of the current generation. GET answers
// with status 200 are cached for the generation; a request that failed on a generation that retired
// meanwhile (a writer replaced a file it was about to read) is answered again on the new one.
using DataFn = std::function<ApiReply(const Call&, const Principal&, QueryEngine&)>;
ApiHandler Data(std::initializer_list<std::string_view> params, DataFn fn) {
  std::vector<std::string_view> allowed(params);
  return [allowed, fn](ApiContext& ctx, const HttpRequest& req, std::string* tenant) -> ApiReply {
    Call call(ctx, req);
    for (int attempt = 0;; ++attempt) {
      std::shared_ptr<Generation> gen = ctx.pool->Current();
      ApiReply denied;
      auto who = call.Auth(*gen, &denied, tenant);
      if (!who) return denied;
      if (Status s = call.Allow(allowed); !s.ok()) return FromStatus(s);
      const bool cacheable = req.method == "GET";
      std::string key;
      if (cacheable) {
        key = CacheKey(req, *who);
        ApiReply hit;
        if (gen->answers().Get(key, &hit.body, &hit.content_type)) return hit;
      }
      ApiReply r;
      double computed = 0;
      {
        API_ASSIGN(Generation::Lease engine, gen->Acquire());
        const double before = engine->ComputeSeconds();
        r = fn(call, *who, *engine);
        computed = engine->ComputeSeconds() - before;
      }
      if (computed > 0) {
        ctx.metrics->Computed(computed);
        ctx.pool->Refresh();  // the engine stored snapshots: the next request sees them on a new generation
      }
      if (r.status >= 500 && attempt == 0) {
        ctx.pool->Refresh();
        if (ctx.pool->Current() != gen) continue;
      }
      if (cacheable && r.status == 200) gen->answers().Put(key, r.body, r.content_type);
      return r;
    }
  };
}

// A write endpoint: authenticated, no pooled engine (the data directory may still be empty, and a
// writer must not keep the directory's lock in a pooled engine). The next request sees the write.
using WriteFn = std::function<ApiReply(const Call&, const Principal&)>;
ApiHandler Write(WriteFn fn) {
  return [fn](ApiContext& ctx, const HttpRequest& req, std::string* tenant) -> ApiReply {
    Call call(ctx, req);
    ApiReply denied;
    auto who = call.Auth(*ctx.pool->Current(), &denied, tenant);
    if (!who) return denied;
    ApiReply r = fn(call, *who);
    ctx.pool->Refresh();
    return r;
  };
}

// The crowd of a request (expr, or a preset and its arguments), after checking that every brand and
// campaign it names is the caller's; crowd("name") sees the caller's saved crowds.
Result<CrowdQuery> RequestedCrowd(const Call& c, const Principal& p, QueryEngine& e) {
  CrowdSelection sel{c.Str("expr"), c.Str("preset"), c.Str("brand"), c.Str("competitor")};
  AIPS_ASSIGN_OR_RETURN(sel.date, c.Date("date"));
  AIPS_ASSIGN_OR_RETURN(sel.since, c.Date("since"));
  CrowdQuery q;
  q.tenant = p.tenant;
  AIPS_ASSIGN_OR_RETURN(q.expr, SelectionExpression(sel, e));
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(q.expr));
  std::vector<std::string> brands, campaigns, crowds;
  CollectNames(*node, &brands, &campaigns, &crowds);
  for (auto& b : brands)
    if (!p.CanRead(b)) return Status::NotFound(UnknownBrandMessage(b));
  for (auto& name : campaigns) {
    auto brand = e.BrandOfCampaign(name);
    if (!brand.ok() || !p.CanRead(brand.value())) return Status::NotFound(UnknownCampaignMessage(name));
  }
  return q;
}

ApiReply NotOwned(const std::string& brand) { return ApiReply::Error(404, UnknownBrandMessage(brand)); }

ScopeRef Scope(const Call& c, const std::string& brand) {
  ScopeRef s{brand, std::nullopt};
  if (!c.Str("spu").empty()) s.spu = c.Str("spu");
  return s;
}

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

ApiReply Ingest(const Call& c, const Principal& p, TableKind kind) {
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

// Reads {"tenant": "...", ...} request bodies.
Result<simdjson::padded_string> Body(const Call& c) { return simdjson::padded_string(c.req().body); }

std::vector<ApiRoute> MakeRoutes() {
  std::vector<ApiRoute> routes;
  auto get = [&](std::string path, ApiHandler h) {
    routes.push_back({"GET", std::move(path), std::move(h)});
  };
  auto post = [&](std::string path, ApiHandler h) {
    routes.push_back({"POST", std::move(path), std::move(h)});
  };

  // Open endpoints.
  get("/healthz", [](ApiContext& ctx, const HttpRequest&, std::string*) {
    const bool has_data = FileExists(ctx.data_dir + "/MANIFEST");
    return ApiReply::Json(fmt::format("{{\"status\":\"ok\",\"data\":{}}}", has_data ? "true" : "false"));
  });
  get("/metrics", [](ApiContext& ctx, const HttpRequest&, std::string*) {
    return ApiReply{200, ctx.metrics->Render(), "text/plain; version=0.0.4", false};
  });
  auto asset = [](std::string_view path) -> ApiReply {
    const Asset* a = FindAsset(path);
    if (!a) {
      if (path == "/index.html") {
        return ApiReply{
            200,
            "<!doctype html><meta charset=utf-8><title>aips</title><p>The dashboard was not built into "
            "this binary: run <code>make build</code> (it runs npm) and restart <code>aips serve</code>. "
            "The API is at <a href=/openapi.json>/openapi.json</a>.",
            "text/html; charset=utf-8", false};
      }
      return ApiReply::Error(404, "no such file");
    }
    return ApiReply{200, std::string(a->data), std::string(a->content_type), path != "/index.html"};
  };
  get("/", [asset](ApiContext&, const HttpRequest&, std::string*) { return asset("/index.html"); });
  get("/openapi.json",
      [asset](ApiContext&, const HttpRequest&, std::string*) { return asset("/openapi.json"); });
  get("/assets/", [asset](ApiContext&, const HttpRequest& req, std::string*) { return asset(req.path); });

  // Who am I, and which brands may I read.
  get("/api/v1/me", Data({}, [](const Call&, const Principal& p, QueryEngine& e) {
        auto info = e.Info();
        if (!info.ok()) return FromStatus(info.status());
        JsonWriter w;
        w.BeginObject().Key("tenant").String(p.tenant).Key("admin").Bool(p.admin).Key("brands").BeginArray();
        for (auto& b : info->brands)
          if (p.CanRead(b.name)) w.String(b.name);
        w.EndArray()
            .Key("last_day")
            .OptString(info->last_day == kNoDay ? std::nullopt : std::optional(FormatDate(info->last_day)));
        w.Key("first_day")
            .OptString(info->first_day == kNoDay ? std::nullopt : std::optional(FormatDate(info->first_day)));
        w.EndObject();
        return ApiReply::Json(w.str());
      }));
  get("/api/v1/info", Data({}, [](const Call&, const Principal& p, QueryEngine& e) {
        auto info = e.Info();
        if (!info.ok()) return FromStatus(info.status());
        InfoResult r = info.value();
        std::erase_if(r.brands, [&](const BrandSummary& b) { return !p.CanRead(b.name); });
        if (!p.admin) {
          std::erase_if(r.campaigns, [&](const std::string& c) {
            auto brand = e.BrandOfCampaign(c);
            return !brand.ok() || !p.CanRead(brand.value());
          });
        }
        if (!p.admin) r.users = 0;  // platform-wide figures are for admins
        return ApiReply::Json(ToJson(r));
      }));
  get("/api/v1/stages", Data({"brand", "spu", "date"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto date, c.Date("date"));
        return Reply(e.Stages(Scope(c, brand), date));
      }));
  get("/api/v1/trend",
      Data({"brand", "spu", "from", "to"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto from, c.Date("from"));
        API_ASSIGN(auto to, c.Date("to"));
        return Reply(e.Trend(Scope(c, brand), from, to));
      }));
  get("/api/v1/flow",
      Data({"brand", "spu", "from", "to"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto from, c.Date("from"));
        API_ASSIGN(auto to, c.Date("to"));
        return Reply(e.Flow(Scope(c, brand), from, to));
      }));
  get("/api/v1/penetration",
      Data({"brand", "spu", "date"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto date, c.Date("date"));
        return Reply(e.Penetration(Scope(c, brand), date));
      }));
  get("/api/v1/campaign", Data({"campaign", "x"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string name, c.Required("campaign"));
        API_ASSIGN(auto x, c.Int("x"));
        auto r = e.Campaign(name, x);
        if (r.ok() && !p.CanRead(r->brand)) {
          return ApiReply::Error(404, UnknownCampaignMessage(name));
        }
        if (!r.ok()) return FromStatus(r.status());
        return ApiReply::Json(ToJson(r.value()));
      }));
  get("/api/v1/campaigns", Data({"brand", "x"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto x, c.Int("x"));
        auto r = e.BrandCampaigns(brand, x);
        if (!r.ok()) return FromStatus(r.status());
        return ApiReply::Json(CampaignsToJson(brand, r.value()));
      }));
  get("/api/v1/compare",
      Data({"brand", "with", "date", "from", "top"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        std::vector<std::string> with = SplitList(c.Str("with"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        for (auto& w : with)
          if (!p.CanRead(w)) return NotOwned(w);
        API_ASSIGN(auto date, c.Date("date"));
        API_ASSIGN(auto from, c.Date("from"));
        API_ASSIGN(auto top, c.Int("top"));
        auto r = e.Compare(brand, with, from, date, top.value_or(3));
        if (!r.ok()) return FromStatus(r.status());
        return ApiReply::Json(ToJson(r.value()));
      }));
  get("/api/v1/overlap", Data({"brands", "date"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string list, c.Required("brands"));
        std::vector<std::string> brands = SplitList(list);
        for (auto& b : brands)
          if (!p.CanRead(b)) return NotOwned(b);
        API_ASSIGN(auto date, c.Date("date"));
        return Reply(e.Overlap(brands, date));
      }));
  get("/api/v1/defeated", Data({"brand", "date", "x"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto date, c.Date("date"));
        API_ASSIGN(auto x, c.Int("x"));
        return Reply(e.Defeated(brand, date, x));
      }));
  get("/api/v1/searchback",
      Data({"brand", "from", "to", "within"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto from, c.Date("from"));
        API_ASSIGN(auto to, c.Date("to"));
        API_ASSIGN(auto within, c.Int("within"));
        return Reply(e.SearchBack(brand, from, to, within.value_or(7)));
      }));
  get("/api/v1/firstparty", Data({"brand"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        return Reply(e.FirstParty(brand));
      }));
  // 灵犀 topics of a category the tenant has a brand in; reach and top notes only for its own brand.
  get("/api/v1/topics",
      Data({"category", "brand", "from", "to"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string category, c.Required("category"));
        const std::string brand = c.Str("brand");
        if (!brand.empty() && !p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto names, e.BrandsOfCategory(category));
        if (!p.admin && std::none_of(names.begin(), names.end(), [&](auto& b) { return p.CanRead(b); }))
          return ApiReply::Error(404,
                                 fmt::format("unknown category '{}' (no brands row names it)", category));
        API_ASSIGN(auto from, c.Date("from"));
        API_ASSIGN(auto to, c.Date("to"));
        return Reply(e.Topics(category, from, to, brand));
      }));
  // 私信 consultations of the accounts that answer for the tenant's brands.
  get("/api/v1/consult",
      Data({"account", "from", "to"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(auto from, c.Date("from"));
        API_ASSIGN(auto to, c.Date("to"));
        return Reply(e.Consult(c.Str("account"), from, to, p.admin ? nullptr : &p.brands));
      }));
  get("/api/v1/aurora",
      Data({"category", "brand", "date"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        std::string category = c.Str("category");
        const std::string brand = c.Str("brand");
        if (category.empty()) {
          if (brand.empty()) return ApiReply::Error(400, "give category or brand");
          if (!p.CanRead(brand)) return NotOwned(brand);
          API_ASSIGN(category, e.CategoryOf(brand));
        }
        API_ASSIGN(auto date, c.Date("date"));
        auto r = e.Aurora(category, date);
        if (!r.ok()) return FromStatus(r.status());
        AuroraResult out = r.value();
        std::erase_if(out.brands, [&](const AuroraRow& row) { return !p.CanRead(row.brand); });
        if (out.brands.empty())
          return ApiReply::Error(404,
                                 fmt::format("unknown category '{}' (no brands row names it)", category));
        return ApiReply::Json(ToJson(out));
      }));

  // Crowds (docs/crowds.md): count, export, save, list. Every brand an expression names must be the
  // caller's; crowd("name") sees the caller's saved crowds.
  static const std::initializer_list<std::string_view> kCrowdParams = {"expr",       "preset", "brand",
                                                                       "competitor", "date",   "since"};
  get("/api/v1/crowd/count", Data(kCrowdParams, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, e));
        API_ASSIGN(uint64_t n, e.CrowdCount(q));
        return ApiReply::Json(CrowdCountJson(n, q.expr));
      }));
  get("/api/v1/crowd/export",
      Data({"expr", "preset", "brand", "competitor", "date", "since", "raw"},
           [](const Call& c, const Principal& p, QueryEngine& e) {
             const bool raw = c.Str("raw") == "1" || c.Str("raw") == "true";
             if (raw && !p.admin)
               return ApiReply::Error(403,
                                      "raw user ids are for admin keys only; exports are salted SHA-256 ids");
             if (!raw && p.salt.empty())
               return ApiReply::Error(
                   400, "this key has no tenant, so no export salt: use raw=1 (admin) or a tenant's key");
             API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, e));
             API_ASSIGN(std::string csv, e.CrowdExport(q, raw ? "" : p.salt, c.ctx().min_export_size));
             return ApiReply{200, std::move(csv), "text/csv; charset=utf-8", false};
           }));
  get("/api/v1/crowd/portrait",
      Data({"expr", "preset", "brand", "competitor", "date", "since", "category"},
           [](const Call& c, const Principal& p, QueryEngine& e) {
             API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, e));
             API_ASSIGN(auto date, c.Date("date"));
             const std::string category = c.Str("category");
             if (!category.empty()) {  // the base must be a category the tenant has a brand in
               API_ASSIGN(auto names, e.BrandsOfCategory(category));
               if (!p.admin &&
                   std::none_of(names.begin(), names.end(), [&](auto& b) { return p.CanRead(b); })) {
                 return ApiReply::Error(404, fmt::format("unknown category '{}'", category));
               }
             }
             return Reply(e.CrowdPortrait(q, category, date));
           }));
  get("/api/v1/lookalike",
      Data({"expr", "preset", "brand", "competitor", "date", "since", "tiers", "window"},
           [](const Call& c, const Principal& p, QueryEngine& e) {
             API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, e));
             API_ASSIGN(auto sizes,
                        ParseTierSizes(c.Str("tiers").empty() ? "1000,5000,20000" : c.Str("tiers")));
             API_ASSIGN(auto window, c.Int("window"));
             API_ASSIGN(auto date, c.Date("date"));
             return Reply(e.Lookalike(q, date, window.value_or(90), sizes, ""));
           }));
  get("/api/v1/spectrum", Data({"brand", "date", "x"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string brand, c.Required("brand"));
        if (!p.CanRead(brand)) return NotOwned(brand);
        API_ASSIGN(auto date, c.Date("date"));
        API_ASSIGN(auto x, c.Int("x"));
        return Reply(e.Spectrum(brand, date, x));
      }));
  get("/api/v1/correction",
      Data({"campaign", "target", "threshold"}, [](const Call& c, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::string campaign, c.Required("campaign"));
        API_ASSIGN(std::string target, c.Required("target"));
        auto camp = e.Campaign(campaign, std::nullopt);
        if (!camp.ok() || !p.CanRead(camp->brand)) {
          return ApiReply::Error(404, UnknownCampaignMessage(campaign));
        }
        API_ASSIGN(auto node, ParseCrowdExpr(target));
        std::vector<std::string> brands, campaigns, crowds;
        CollectNames(*node, &brands, &campaigns, &crowds);
        for (auto& b : brands)
          if (!p.CanRead(b)) return NotOwned(b);
        double threshold = 0.8;
        if (!c.Str("threshold").empty()) {
          try {
            threshold = std::stod(c.Str("threshold"));
          } catch (...) {
            return ApiReply::Error(400, "threshold must be a number in (0, 1]");
          }
        }
        return Reply(e.Correction(campaign, CrowdQuery{target, p.tenant}, threshold));
      }));
  get("/api/v1/crowds", Data({}, [](const Call&, const Principal& p, QueryEngine& e) {
        API_ASSIGN(std::vector<SavedCrowd> saved, e.SavedCrowds());
        return ApiReply::Json(
            SavedCrowdsJson(saved, p.admin && p.tenant.empty() ? std::nullopt : std::optional(p.tenant)));
      }));
  post("/api/v1/crowds", Write([](const Call& c, const Principal& p) {
         API_TRY(c.Allow({"name", "expr", "preset", "brand", "competitor", "date", "since"}));
         API_ASSIGN(std::string name, c.Required("name"));
         API_ASSIGN(auto engine, OpenEngine(EngineSource{c.ctx().data_dir, ""}));
         API_ASSIGN(CrowdQuery q, RequestedCrowd(c, p, *engine));
         API_ASSIGN(SavedCrowd sc, engine->SaveCrowd(name, q));
         return ApiReply::Json(
             fmt::format("{{\"name\":\"{}\",\"version\":{},\"size\":{}}}", sc.name, sc.version, sc.size));
       }));

  // Writes (admin keys).
  for (TableKind kind : {TableKind::kEvents, TableKind::kOrders, TableKind::kIdentity, TableKind::kCategories,
                         TableKind::kBrands, TableKind::kCampaigns, TableKind::kSpend, TableKind::kNotes,
                         TableKind::kMessages, TableKind::kAccounts}) {
    post(fmt::format("/api/v1/ingest/{}", TableKindName(kind)),
         Write([kind](const Call& c, const Principal& p) { return Ingest(c, p, kind); }));
  }
  post("/api/v1/tenants", Write([](const Call& c, const Principal& p) {
         if (!p.admin) return ApiReply::Error(403, "tenant management needs an admin key");
         API_ASSIGN(auto body, Body(c));
         simdjson::ondemand::parser parser;
         simdjson::ondemand::document doc;
         std::string tenant;
         std::vector<std::string> brands;
         if (parser.iterate(body).get(doc))
           return ApiReply::Error(400, "body must be JSON: {\"tenant\":\"T\",\"brands\":[\"B\"]}");
         std::string_view t;
         if (doc["tenant"].get_string().get(t) || t.empty())
           return ApiReply::Error(400, "missing \"tenant\"");
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
       }));
  post("/api/v1/keys", Write([](const Call& c, const Principal& p) {
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
       }));
  return routes;
}

}  // namespace

const std::vector<ApiRoute>& ApiRoutes() {
  static const std::vector<ApiRoute> kRoutes = MakeRoutes();
  return kRoutes;
}

}  // namespace aips
