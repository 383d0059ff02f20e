#include <algorithm>

#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "common/memory_limit.h"
#include "engine/crowd_expr.h"
#include "serve/routes.h"

namespace aips {

int HttpStatus(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kBusy:
    case Status::Code::kOutOfMemory:
      return 503;
    case Status::Code::kUnsupported:
      return 501;
    case Status::Code::kIOError:
      return IsOutOfSpace(s) ? 507 : 500;  // 507 Insufficient Storage: reads go on
    default:
      return 500;
  }
}

namespace {
constexpr int kOpenAttempts = 16;  // generations tried by one request before it answers 503
}  // namespace

ApiReply FromStatus(const Status& s) {
  if (s.IsOutOfMemory()) return OutOfMemoryReply(s.message());
  return ApiReply::Error(HttpStatus(s), s.message());
}

ApiReply OutOfMemoryReply(std::string_view what) {
  // Memory comes back as the requests in flight finish; a few seconds is a fair wait.
  constexpr int kRetryAfterSeconds = 5;
  ApiReply r = ApiReply::Error(503, OutOfMemoryMessage(what));
  r.retry_after = kRetryAfterSeconds;
  return r;
}

Status Call::Allow(const std::vector<std::string_view>& names) const {
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

Result<std::string> Call::Required(const char* name) const {
  std::string v = Str(name);
  if (v.empty()) return Status::InvalidArgument(fmt::format("missing parameter '{}'", name));
  return v;
}

Result<std::string> Call::OwnBrand(const Principal& p) const {
  AIPS_ASSIGN_OR_RETURN(std::string brand, Required("brand"));
  if (!p.CanRead(brand)) return Status::NotFound(UnknownBrandMessage(brand));
  return brand;
}

Result<std::optional<Day>> Call::Date(const char* name) const {
  std::string v = Str(name);
  if (v.empty()) return std::optional<Day>();
  auto d = ParseDate(v);
  if (!d.ok()) return Status::InvalidArgument(fmt::format("{}: {}", name, d.status().message()));
  return std::optional<Day>(d.value());
}

Result<std::optional<int>> Call::Int(const char* name) const {
  std::string v = Str(name);
  if (v.empty()) return std::optional<int>();
  int x = 0;
  const bool ok =
      v.size() <= 6 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  for (char c : v) x = x * 10 + (c - '0');
  if (!ok) return Status::InvalidArgument(fmt::format("{} must be a non-negative integer", name));
  return std::optional<int>(x);
}

std::optional<Principal> Call::Auth(Generation& gen, ApiReply* reply, std::string* tenant) const {
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

namespace {

// The answer cache's key: the request as sent and the caller's identity (answers differ by tenant).
std::string CacheKey(const HttpRequest& req, const Principal& p) {
  return fmt::format("{} {}\n{}\n{}", req.method, req.target, p.tenant, p.admin ? "admin" : "");
}

}  // namespace

// A request that failed on a generation that retired meanwhile (a writer replaced a file it was about to
// read) is answered again on the new one.
ApiHandler Data(std::initializer_list<std::string_view> params, DataFn fn) {
  std::vector<std::string_view> allowed(params);
  return [allowed, fn](ApiContext& ctx, const HttpRequest& req, std::string* tenant) -> ApiReply {
    Call call(ctx, req);
    bool answered_again = false;  // a failed answer is asked again once, on a newer generation
    for (int attempt = 1;; ++attempt) {
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
        auto leased = gen->Acquire();
        // Commits that follow each other faster than an engine opens retire the generation again: try
        // the newest one a few times before refusing (503, "ask again").
        if (!leased.ok() && leased.status().message() == kGenerationRetired && attempt < kOpenAttempts) {
          ctx.pool->Refresh();
          continue;
        }
        API_ASSIGN(Generation::Lease engine, std::move(leased));
        const double before = engine->ComputeSeconds();
        r = fn(call, *who, *engine);
        computed = engine->ComputeSeconds() - before;
      }
      if (computed > 0) {
        ctx.metrics->Computed(computed);
        ctx.pool->Refresh();  // the engine stored snapshots: the next request sees them on a new generation
      }
      if (r.status != 200 && !answered_again) {  // a file the request needed may have gone with a commit
        answered_again = true;
        ctx.pool->Refresh();
        if (ctx.pool->Current() != gen) continue;
      }
      if (cacheable && r.status == 200) gen->answers().Put(key, r.body, r.content_type);
      return r;
    }
  };
}

// No pooled engine: the data directory may still be empty, and a writer must not keep the directory's
// lock in a pooled engine. The next request sees the write.
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

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  for (absl::string_view p : absl::StrSplit(s, ',', absl::SkipEmpty())) out.emplace_back(p);
  return out;
}

ApiReply NotOwned(const std::string& brand) { return ApiReply::Error(404, UnknownBrandMessage(brand)); }

ScopeRef Scope(const Call& c, const std::string& brand) {
  ScopeRef s{brand, std::nullopt};
  if (!c.Str("spu").empty()) s.spu = c.Str("spu");
  return s;
}

Result<CrowdQuery> RequestedCrowd(const Call& c, const Principal& p, QueryEngine& e) {
  CrowdSelection sel;
  sel.expr = c.Str("expr");
  sel.preset = c.Str("preset");
  sel.brand = c.Str("brand");
  sel.competitor = c.Str("competitor");
  AIPS_ASSIGN_OR_RETURN(sel.date, c.Date("date"));
  AIPS_ASSIGN_OR_RETURN(sel.since, c.Date("since"));
  CrowdQuery q;
  q.tenant = p.tenant;
  AIPS_ASSIGN_OR_RETURN(q.expr, SelectionExpression(sel, e));
  AIPS_RETURN_IF_ERROR(CheckCrowdAccess(q.expr, p, e));
  return q;
}

Status CheckCrowdAccess(const std::string& expr, const Principal& p, QueryEngine& e) {
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(expr));
  std::vector<std::string> brands, campaigns, crowds;
  CollectNames(*node, &brands, &campaigns, &crowds);
  for (auto& b : brands)
    if (!p.CanRead(b)) return Status::NotFound(UnknownBrandMessage(b));
  for (auto& name : campaigns) {
    auto brand = e.BrandOfCampaign(name);
    if (!brand.ok() || !p.CanRead(brand.value())) return Status::NotFound(UnknownCampaignMessage(name));
  }
  return Status::OK();
}

}  // namespace aips
