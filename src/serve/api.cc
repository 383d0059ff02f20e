// The route table of `aips serve` (docs/http-api.md, docs/openapi.json): one row per endpoint, its
// method, its path, the parameters it takes and its handler (serve/routes_*.cc).
#include "serve/api.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "serve/routes.h"

#include "fmt/format.h"

namespace aips {

namespace {

#define AIPS_CROWD_PARAMS "expr", "preset", "brand", "competitor", "date", "since"

std::vector<ApiRoute> MakeRoutes() {
  std::vector<ApiRoute> routes = {
      {"GET", "/healthz", &RouteHealth},
      {"GET", "/metrics", &RouteMetrics},
      {"GET", "/", &RouteAsset},
      {"GET", "/openapi.json", &RouteAsset},
      {"GET", "/assets/", &RouteAsset},
      {"GET", "/api/v1/me", Data({}, &RouteMe)},
      {"GET", "/api/v1/info", Data({}, &RouteInfo)},
      {"GET", "/api/v1/stages", Data({"brand", "spu", "date"}, &RouteStages)},
      {"GET", "/api/v1/trend", Data({"brand", "spu", "from", "to"}, &RouteTrend)},
      {"GET", "/api/v1/flow", Data({"brand", "spu", "from", "to"}, &RouteFlow)},
      {"GET", "/api/v1/penetration", Data({"brand", "spu", "date"}, &RoutePenetration)},
      {"GET", "/api/v1/campaign", Data({"campaign", "x"}, &RouteCampaign)},
      {"GET", "/api/v1/lift", Data({"campaign", "x", "design"}, &RouteLift)},
      {"GET", "/api/v1/campaigns", Data({"brand", "x"}, &RouteCampaigns)},
      {"GET", "/api/v1/forecast", Data({"brand", "spu", "date", "stage", "x"}, &RouteForecast)},
      {"GET", "/api/v1/forecast/backtest",
       Data({"brand", "spu", "stage", "x", "every"}, &RouteForecastBacktest)},
      {"GET", "/api/v1/compare", Data({"brand", "with", "date", "from", "top"}, &RouteCompare)},
      {"GET", "/api/v1/overlap", Data({"brands", "date"}, &RouteOverlap)},
      {"GET", "/api/v1/defeated", Data({"brand", "date", "x"}, &RouteDefeated)},
      {"GET", "/api/v1/searchback", Data({"brand", "from", "to", "within"}, &RouteSearchback)},
      {"GET", "/api/v1/firstparty", Data({"brand"}, &RouteFirstparty)},
      {"GET", "/api/v1/topics", Data({"category", "brand", "from", "to"}, &RouteTopics)},
      {"GET", "/api/v1/consult", Data({"account", "brand", "from", "to"}, &RouteConsult)},
      {"GET", "/api/v1/aurora", Data({"category", "brand", "date"}, &RouteAurora)},
      {"GET", "/api/v1/crowd/count", Data({AIPS_CROWD_PARAMS}, &RouteCrowdCount)},
      {"GET", "/api/v1/crowd/export", Data({AIPS_CROWD_PARAMS, "raw"}, &RouteCrowdExport)},
      {"GET", "/api/v1/crowd/portrait", Data({AIPS_CROWD_PARAMS, "category"}, &RouteCrowdPortrait)},
      {"GET", "/api/v1/lookalike", Data({AIPS_CROWD_PARAMS, "tiers", "window"}, &RouteLookalike)},
      {"GET", "/api/v1/spectrum", Data({"brand", "date", "x"}, &RouteSpectrum)},
      {"GET", "/api/v1/correction", Data({"campaign", "target", "threshold"}, &RouteCorrection)},
      {"GET", "/api/v1/crowds", Data({}, &RouteCrowds)},
      {"POST", "/api/v1/crowds", Write(&RouteCrowdsPost)},
      {"POST", "/api/v1/tenants", Write(&RouteTenantsPost)},
      {"POST", "/api/v1/keys", Write(&RouteKeysPost)},
  };
  for (TableKind kind : {TableKind::kEvents, TableKind::kOrders, TableKind::kIdentity, TableKind::kCategories,
                         TableKind::kBrands, TableKind::kCampaigns, TableKind::kSpend, TableKind::kNotes,
                         TableKind::kMessages, TableKind::kAccounts, TableKind::kExperiments}) {
    routes.push_back({"POST", fmt::format("/api/v1/ingest/{}", TableKindName(kind)),
                      Write([kind](const Call& c, const Principal& p) { return RouteIngest(c, p, kind); })});
  }
  return routes;
}

}  // namespace

const std::vector<ApiRoute>& ApiRoutes() {
  static const std::vector<ApiRoute> kRoutes = MakeRoutes();
  return kRoutes;
}

const ApiRoute* FindRoute(const HttpRequest& req) {
  const std::string_view method =
      req.method == "HEAD" ? std::string_view("GET") : std::string_view(req.method);
  for (const ApiRoute& r : ApiRoutes()) {
    if (r.method != method) continue;
    if (r.path.size() == 1 || r.path.back() != '/') {
      if (req.path == r.path) return &r;
      continue;
    }
    if (req.path.size() > r.path.size() && req.path.compare(0, r.path.size(), r.path) == 0 &&
        std::all_of(req.path.begin() + static_cast<std::ptrdiff_t>(r.path.size()), req.path.end(),
                    [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
                    }))
      return &r;
  }
  return nullptr;
}

}  // namespace aips
