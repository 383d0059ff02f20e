// aips forecast (预判) and aips forecast backtest (docs/measures.md#forecast).
#include "cli/cli.h"
#include "domain/domain.h"
#include "engine/forecast.h"
#include "fmt/format.h"
#include "render/render_forecast.h"

namespace aips::cli {

namespace {

struct ForecastCliArgs {
  Where where;
  std::string brand, spu, date, stage = "TI";
  int x = -1, every = 7;
  bool json = false;
  ScopeRef scope() const {
    ScopeRef s{brand, std::nullopt};
    if (!spu.empty()) s.spu = spu;
    return s;
  }
};

}  // namespace

void RegisterForecast(CLI::App& app) {
  auto a = std::make_shared<ForecastCliArgs>();
  CLI::App* c = app.add_subcommand(
      "forecast", "预判: how many of a crowd will buy the brand within the decision cycle, with intervals");
  AddWhere(c, &a->where);
  c->add_option("--brand", a->brand, "Brand id")->required();
  c->add_option("--spu", a->spu, "Product (SPU) id: the crowd in the SPU scope (purchases: of the brand)");
  c->add_option("--date", a->date, "Forecast as of YYYY-MM-DD (default: the last day with data)");
  c->add_option("--stage", a->stage,
                "The crowd: users at this stage on the date (A, I, TI, P, S; default TI)");
  c->add_option("--x", a->x, "Days ahead (default: the brand's category's decision cycle)");
  c->add_flag("--json", a->json,
              "Print one JSON document (docs/measures.md#forecast: the shape is a contract)");
  c->footer(
      "The crowd is the users at --stage on --date in the scope; the forecast is how many of them buy the\n"
      "brand in (date, date + x], with 80% and 95% intervals. Only events dated on or before --date are\n"
      "used, so a forecast on a directory holding later data can be compared with what happened ('forecast\n"
      "backtest' does that at rolling origins). The model learns the delay to a first purchase from past\n"
      "weekly cohorts at the same stage (Kaplan-Meier: users still inside their window are not counted as\n"
      "lost); docs/measures.md#forecast.\n"
      "Examples:\n  aips forecast --data store --brand serum-01\n"
      "  aips forecast --data store --brand serum-01 --stage I --date 2024-10-31 --json\n"
      "  aips forecast backtest --data store --brand serum-01 --every 7");
  CLI::App* b = c->add_subcommand(
      "backtest", "Rolling-origin backtest of the forecast: WAPE, interval coverage, baselines");
  b->add_option("--every", a->every, "Days between origins (default 7)");
  b->fallthrough();  // --data, --brand, --stage, --x ... belong to forecast and may follow backtest
  b->footer(
      "Origins D = last - x, last - x - every, ... (58 days after the first day at least: 30 days of\n"
      "stage warm-up and four weekly cohorts); at each, the forecast as\n"
      "of D against what its crowd bought in (D, D + x]. Reports WAPE, the coverage of the 80% and 95%\n"
      "intervals, and the WAPE of two baselines: the share of day D - x's crowd that bought in (D - x, D]\n"
      "times today's crowd, and treating not-yet-converted users as never converting.\n"
      "Example:\n  aips forecast backtest --data store --brand serum-01 --json");
  auto run = [a](bool backtest) {
    auto stage = ForecastStage(a->stage, "--stage");
    if (!stage.ok()) return Fail(stage.status());
    std::optional<int> x;
    if (a->x != -1) x = a->x;  // -1: not given (any other value is checked, and a negative one refused)
    auto e = OpenQueryEngine(a->where);
    if (!e.ok()) return Fail(e.status());
    if (backtest) {
      auto r = BacktestForecast(*e.value(), a->scope(), stage.value(), x, a->every);
      if (!r.ok()) return Fail(r.status());
      fmt::print("{}{}", a->json ? ToJson(r.value()) : ToTable(r.value()), a->json ? "\n" : "");
      return;
    }
    auto d = OptionalDate(a->date, "--date");
    if (!d.ok()) return Fail(d.status());
    auto r = ForecastCrowd(*e.value(), aips::ForecastArgs{a->scope(), d.value(), stage.value(), x});
    if (!r.ok()) return Fail(r.status());
    fmt::print("{}{}", a->json ? ToJson(r.value()) : ToTable(r.value()), a->json ? "\n" : "");
  };
  b->callback([run] { run(true); });
  c->callback([run, b] {
    if (!b->parsed()) run(false);
  });
}

}  // namespace aips::cli
