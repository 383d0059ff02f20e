// HTTP routes: a brand in its category, against competitors and its first-party customers (docs/http-api.md).
// Each handler checks the caller's access and asks the engine interface, and renders with the CLI's
// renderers, so the answers are the CLI's.
#include "engine/crowd_expr.h"
#include "serve/routes.h"

namespace aips {

// GET /api/v1/compare
ApiReply RouteCompare(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  std::vector<std::string> with = SplitList(c.Str("with"));
  for (auto& w : with)
    if (!p.CanRead(w)) return NotOwned(w);
  API_ASSIGN(auto date, c.Date("date"));
  API_ASSIGN(auto from, c.Date("from"));
  API_ASSIGN(auto top, c.Int("top"));
  auto r = e.Compare(brand, with, from, date, top.value_or(3));
  if (!r.ok()) return FromStatus(r.status());
  return ApiReply::Json(ToJson(r.value()));
}

// GET /api/v1/overlap
ApiReply RouteOverlap(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string list, c.Required("brands"));
  std::vector<std::string> brands = SplitList(list);
  for (auto& b : brands)
    if (!p.CanRead(b)) return NotOwned(b);
  API_ASSIGN(auto date, c.Date("date"));
  return Reply(e.Overlap(brands, date));
}

// GET /api/v1/defeated
ApiReply RouteDefeated(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto date, c.Date("date"));
  API_ASSIGN(auto x, c.Int("x"));
  return Reply(e.Defeated(brand, date, x));
}

// GET /api/v1/searchback
ApiReply RouteSearchback(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto from, c.Date("from"));
  API_ASSIGN(auto to, c.Date("to"));
  API_ASSIGN(auto within, c.Int("within"));
  return Reply(e.SearchBack(brand, from, to, within.value_or(7)));
}

// GET /api/v1/firstparty
ApiReply RouteFirstparty(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  return Reply(e.FirstParty(brand));
}

// GET /api/v1/aurora
ApiReply RouteAurora(const Call& c, const Principal& p, QueryEngine& e) {
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
  if (out.brands.empty()) return ApiReply::Error(404, UnknownCategoryMessage(category));
  return ApiReply::Json(ToJson(out));
}

// GET /api/v1/spectrum
ApiReply RouteSpectrum(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto date, c.Date("date"));
  API_ASSIGN(auto x, c.Int("x"));
  return Reply(e.Spectrum(brand, date, x));
}

// GET /api/v1/correction
ApiReply RouteCorrection(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string campaign, c.Required("campaign"));
  API_ASSIGN(std::string target, c.Required("target"));
  auto owner = e.BrandOfCampaign(campaign);
  if (!owner.ok() || !p.CanRead(owner.value())) return ApiReply::Error(404, UnknownCampaignMessage(campaign));
  API_TRY(CheckCrowdAccess(target, p, e));  // the target's brands and campaigns too
  double threshold = 0.8;
  if (const std::string t = c.Str("threshold"); !t.empty()) {
    size_t used = 0;
    try {
      threshold = std::stod(t, &used);
    } catch (...) {
      used = 0;
    }
    if (used != t.size() || !(threshold > 0 && threshold <= 1))
      return ApiReply::Error(400, "threshold must be a number in (0, 1]");
  }
  return Reply(e.Correction(campaign, CrowdQuery{target, p.tenant}, threshold));
}

}  // namespace aips
