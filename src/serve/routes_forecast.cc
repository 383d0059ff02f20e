// GET /api/v1/forecast and /api/v1/forecast/backtest (预判; docs/http-api.md, docs/measures.md#forecast):
// the same answers as `aips forecast --json` and `aips forecast backtest --json`.
#include "engine/forecast.h"
#include "render/render_forecast.h"
#include "serve/routes.h"

namespace aips {

ApiReply RouteForecast(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto date, c.Date("date"));
  API_ASSIGN(int stage, ForecastStage(c.Str("stage"), "stage"));
  API_ASSIGN(auto x, c.Int("x"));
  return Reply(ForecastCrowd(e, ForecastArgs{Scope(c, brand), date, stage, x}));
}

ApiReply RouteForecastBacktest(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(int stage, ForecastStage(c.Str("stage"), "stage"));
  API_ASSIGN(auto x, c.Int("x"));
  API_ASSIGN(auto every, c.Int("every"));
  return Reply(BacktestForecast(e, Scope(c, brand), stage, x, every.value_or(7)));
}

}  // namespace aips
