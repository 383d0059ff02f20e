// GET /api/v1/forecast and /api/v1/forecast/backtest (预判; docs/http-api.md, docs/measures.md#forecast):
// the same answers as `aips forecast --json` and `aips forecast backtest --json`.
#include "domain/domain.h"
#include "engine/forecast.h"
#include "fmt/format.h"
#include "render/render_forecast.h"
#include "serve/routes.h"

namespace aips {

namespace {

Result<int> StageParam(const Call& c) {
  const std::string code = c.Str("stage");
  if (code.empty()) return 3;
  auto s = ParseStage(code);
  if (!s || *s == Stage::kNone)
    return Status::InvalidArgument(fmt::format("stage '{}' is not one of A, I, TI, P, S", code));
  return static_cast<int>(*s);
}

}  // namespace

ApiReply RouteForecast(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(auto date, c.Date("date"));
  API_ASSIGN(int stage, StageParam(c));
  API_ASSIGN(auto x, c.Int("x"));
  return Reply(ForecastCrowd(e, ForecastArgs{Scope(c, brand), date, stage, x}));
}

ApiReply RouteForecastBacktest(const Call& c, const Principal& p, QueryEngine& e) {
  API_ASSIGN(std::string brand, c.OwnBrand(p));
  API_ASSIGN(int stage, StageParam(c));
  API_ASSIGN(auto x, c.Int("x"));
  API_ASSIGN(auto every, c.Int("every"));
  return Reply(BacktestForecast(e, Scope(c, brand), stage, x, every.value_or(7)));
}

}  // namespace aips
