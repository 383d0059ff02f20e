// What every HTTP route handler shares (serve/routes_*.cc): one request's parameters and caller (`Call`),
// the mapping of a Status to an HTTP status, and the two kinds of endpoint: `Data` (authenticated,
// answered by a warm engine of the current generation, GET answers cached for the generation) and
// `Write` (authenticated, no pooled engine). The route table itself is data, in serve/api.cc.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"
#include "common/date.h"
#include "common/json_writer.h"
#include "crowds/crowd_tools.h"
#include "engine/engine.h"
#include "engine/messages.h"
#include "fmt/format.h"
#include "ingest/tables.h"
#include "render/render.h"
#include "render/render_act.h"
#include "render/render_campaign.h"
#include "render/render_category.h"
#include "render/render_insights.h"
#include "render/render_lift.h"
#include "serve/api.h"
#include "serve/engine_pool.h"
#include "serve/metrics.h"
#include "store/tenants.h"

namespace aips {

// 404 NotFound, 400 InvalidArgument, 501 Unsupported, 503 Busy and OutOfMemory, 507 an IOError of a full
// disk or quota (IsOutOfSpace), else 500; the body is
// {"error": message}. OutOfMemory answers as OutOfMemoryReply (serve/api.h).
int HttpStatus(const Status& s);
ApiReply FromStatus(const Status& s);

template <typename R>
ApiReply Reply(const Result<R>& r) {
  if (!r.ok()) return FromStatus(r.status());
  return ApiReply::Json(ToJson(r.value()));
}

// One request: its parameters and its caller.
class Call {
 public:
  Call(ApiContext& ctx, const HttpRequest& req) : ctx_(ctx), req_(req) {}

  // Accepts only the listed query parameters (InvalidArgument names the unknown one).
  Status Allow(const std::vector<std::string_view>& names) const;
  std::string Str(const char* name) const { return req_.Param(name); }
  // InvalidArgument "missing parameter 'NAME'" when absent or empty.
  Result<std::string> Required(const char* name) const;
  // The required `brand` parameter, when the caller may read it; otherwise NotFound exactly as for a
  // brand that does not exist.
  Result<std::string> OwnBrand(const Principal& p) const;
  Result<std::optional<Day>> Date(const char* name) const;
  Result<std::optional<int>> Int(const char* name) const;
  // Authenticates the bearer key against the generation's registry; nullopt with *reply set when the
  // caller is not let in. *tenant receives the caller's name for the request log.
  std::optional<Principal> Auth(Generation& gen, ApiReply* reply, std::string* tenant) const;
  const HttpRequest& req() const { return req_; }
  ApiContext& ctx() const { return ctx_; }

 private:
  ApiContext& ctx_;
  const HttpRequest& req_;
};

using DataFn = ApiReply (*)(const Call&, const Principal&, QueryEngine&);
using WriteFn = std::function<ApiReply(const Call&, const Principal&)>;
// A data endpoint taking the listed parameters.
ApiHandler Data(std::initializer_list<std::string_view> params, DataFn fn);
// A write endpoint (it checks its own parameters).
ApiHandler Write(WriteFn fn);

// "a,b,,c" -> {"a","b","c"}.
std::vector<std::string> SplitList(const std::string& s);
// 404 exactly as for a brand that does not exist.
ApiReply NotOwned(const std::string& brand);
// The brand, and the SPU when the request names one.
ScopeRef Scope(const Call& c, const std::string& brand);
// NotFound (exactly as for names that do not exist) unless every brand and campaign the expression names
// is the caller's.
Status CheckCrowdAccess(const std::string& expr, const Principal& p, QueryEngine& e);
// The crowd of a request (expr, or a preset and its arguments), after checking that every brand and
// campaign it names is the caller's and that a preset's days are inside the data; crowd("name") sees
// the caller's saved crowds.
Result<CrowdQuery> RequestedCrowd(const Call& c, const Principal& p, QueryEngine& e);

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

// routes_funnel.cc
ApiReply RouteMe(const Call&, const Principal& p, QueryEngine& e);
ApiReply RouteInfo(const Call&, const Principal& p, QueryEngine& e);
ApiReply RouteStages(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteTrend(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteFlow(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RoutePenetration(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteCampaign(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteLift(const Call& c, const Principal& p, QueryEngine& e);
// routes_forecast.cc
ApiReply RouteForecast(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteForecastBacktest(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteCampaigns(const Call& c, const Principal& p, QueryEngine& e);

// routes_category.cc
ApiReply RouteCompare(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteOverlap(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteDefeated(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteSearchback(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteFirstparty(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteAurora(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteSpectrum(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteCorrection(const Call& c, const Principal& p, QueryEngine& e);

// routes_crowds.cc
ApiReply RouteCrowdCount(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteCrowdExport(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteCrowdPortrait(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteLookalike(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteCrowds(const Call&, const Principal& p, QueryEngine& e);
ApiReply RouteCrowdsPost(const Call& c, const Principal& p);

// routes_insights.cc
ApiReply RouteTopics(const Call& c, const Principal& p, QueryEngine& e);
ApiReply RouteConsult(const Call& c, const Principal& p, QueryEngine& e);

// routes_admin.cc
ApiReply RouteTenantsPost(const Call& c, const Principal& p);
ApiReply RouteKeysPost(const Call& c, const Principal& p);
// An ingest endpoint of one table (admin keys).
ApiReply RouteIngest(const Call& c, const Principal& p, TableKind kind);
// Open endpoints: /healthz, /metrics, the dashboard's files and /openapi.json.
ApiReply RouteHealth(ApiContext& ctx, const HttpRequest& req, std::string* tenant);
ApiReply RouteMetrics(ApiContext& ctx, const HttpRequest& req, std::string* tenant);
ApiReply RouteAsset(ApiContext& ctx, const HttpRequest& req, std::string* tenant);

}  // namespace aips
