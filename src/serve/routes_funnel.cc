// HTTP routes: the crowd asset's stages and flows, campaigns, and who the caller is (docs/http-api.md). Each
// handler checks the caller's access and asks the engine interface, and renders with the CLI's renderers, so
// the answers are the CLI's.
#include "engine/forecast.h"
#include "engine/lift_math.h"
#include "serve/routes.h"

namespace aips {

// GET /api/v1/me
ApiReply RouteMe(const Call&, const Principal& p, QueryEngine& e) {
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
}

// GET /api/v1/info
ApiReply RouteInfo(const Call&, const Principal& p, QueryEngine& e) {
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
  if (!p.admin) {  // platform-wide figures are for admins: a tenant sees its brands' events
    r.users_hidden = true;
    r.events_of_tenant = true;
    r.events = 0;
    for (const BrandSummary& b : r.brands) r.events += b.events;
  }
  return ApiReply::Json(ToJson(r));
}

// GET /api/v1/stages
ApiReply RouteStages(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto date, c.Date("date"));
  return Reply(e.Stages(Scope(c, brand), date));
}

// GET /api/v1/trend
ApiReply RouteTrend(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto from, c.Date("from"));
  API_ASSIGN(auto to, c.Date("to"));
  return Reply(e.Trend(Scope(c, brand), from, to));
}

// GET /api/v1/flow
ApiReply RouteFlow(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto from, c.Date("from"));
  API_ASSIGN(auto to, c.Date("to"));
  return Reply(e.Flow(Scope(c, brand), from, to));
}

// GET /api/v1/penetration
ApiReply RoutePenetration(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto date, c.Date("date"));
  return Reply(e.Penetration(Scope(c, brand), date));
}

// GET /api/v1/campaign
ApiReply RouteCampaign(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string name, c.Required("campaign"));
  API_ASSIGN(auto x, c.Int("x"));
  auto r = e.Campaign(name, x);
  if (r.ok() && !p.CanRead(r->brand)) {
    return ApiReply::Error(404, UnknownCampaignMessage(name));
  }
  if (!r.ok()) return FromStatus(r.status());
  if (Status s = AddCampaignForecast(e, &r.value()); !s.ok()) return FromStatus(s);
  return ApiReply::Json(ToJson(r.value()));
}

// GET /api/v1/lift: another tenant's campaign answers exactly as an unknown one, before anything is measured.
ApiReply RouteLift(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string name, c.Required("campaign"));
  API_ASSIGN(auto x, c.Int("x"));
  API_ASSIGN(LiftDesign design, LiftDesignNamed(c.Str("design")));
  auto brand = e.BrandOfCampaign(name);
  if (!brand.ok()) return FromStatus(brand.status());
  if (!p.CanRead(brand.value())) return ApiReply::Error(404, UnknownCampaignMessage(name));
  auto r = e.Lift(name, x, design);
  if (!r.ok()) return FromStatus(r.status());
  return ApiReply::Json(ToJson(r.value()));
}

// GET /api/v1/campaigns
ApiReply RouteCampaigns(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto x, c.Int("x"));
  auto r = e.BrandCampaigns(brand, x);
  if (!r.ok()) return FromStatus(r.status());
  for (CampaignResult& one : r.value())
    if (Status s = AddCampaignForecast(e, &one); !s.ok()) return FromStatus(s);
  return ApiReply::Json(CampaignsToJson(brand, r.value()));
}

}  // namespace aips
