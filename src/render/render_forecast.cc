#include "render/render_forecast.h"

#include "common/json_writer.h"
#include "domain/domain.h"
#include "fmt/format.h"
#include "render/render.h"

namespace aips {

namespace {

void Body(JsonWriter& w, const ForecastResult& r) {
  w.Key("members").Int(static_cast<int64_t>(r.members));
  w.Key("expected_buyers").OptDouble(r.expected_buyers).Key("probability").OptDouble(r.probability);
  w.Key("low80").OptUInt(r.low80).Key("high80").OptUInt(r.high80);
  w.Key("low95").OptUInt(r.low95).Key("high95").OptUInt(r.high95);
}

std::string Range(const std::optional<uint64_t>& lo, const std::optional<uint64_t>& hi) {
  return lo ? fmt::format("[{}, {}]", Thousands(*lo), Thousands(*hi)) : "—";
}

std::string Opt(const std::optional<double>& v, const char* spec = "{:.1f}") {
  return v ? fmt::format(fmt::runtime(spec), *v) : "—";
}

}  // namespace

std::string ToJson(const ForecastResult& r) {
  JsonWriter w;
  w.BeginObject();
  w.Key("brand").String(r.scope.brand).Key("spu").OptString(r.scope.spu);
  w.Key("date").String(FormatDate(r.date)).Key("x").Int(r.x);
  w.Key("stage").String(kStageCodes[static_cast<size_t>(r.stage)]);
  Body(w, r);
  w.Key("window")
      .BeginObject()
      .Key("from")
      .String(FormatDate(r.date + 1))
      .Key("to")
      .String(FormatDate(r.date + r.x));
  w.EndObject();
  if (!r.reason.empty()) w.Key("reason").String(r.reason);
  w.Key("model").BeginObject();
  w.Key("name").String("kaplan-meier-cure").Key("method").String(kForecastMethod);
  w.Key("origins").Int(r.origins);
  w.Key("history_from")
      .OptString(r.history_from == kNoDay ? std::nullopt : std::optional(FormatDate(r.history_from)));
  w.Key("history_to")
      .OptString(r.history_to == kNoDay ? std::nullopt : std::optional(FormatDate(r.history_to)));
  w.Key("observations")
      .Int(static_cast<int64_t>(r.pairs))
      .Key("distinct_users")
      .Int(static_cast<int64_t>(r.distinct_users));
  w.Key("dispersion").Double(r.dispersion).Key("between_cohort_sd").Double(r.between_cohort_sd);
  w.Key("design_effect").Double(r.design_effect).Key("longest_followup").Int(r.longest_followup);
  w.Key("extrapolated_days")
      .Int(std::max(0, r.extrapolated_days))
      .Key("tail_hazard")
      .OptDouble(r.tail_hazard);
  w.Key("draws").Int(kForecastDraws).EndObject();
  w.Key("baselines").BeginObject();
  w.Key("share_of_day_minus_x")
      .OptDouble(r.baseline_share)
      .Key("no_censoring")
      .OptDouble(r.baseline_no_censoring);
  w.EndObject();
  w.Key("curve").BeginArray();
  for (const ForecastPoint& p : r.curve) {
    w.BeginObject().Key("date").String(FormatDate(p.date)).Key("expected").Double(p.expected);
    w.Key("low80")
        .Int(static_cast<int64_t>(p.low80))
        .Key("high80")
        .Int(static_cast<int64_t>(p.high80))
        .EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.str();
}

std::string ToTable(const ForecastResult& r) {
  const std::string stage(kStageCodes[static_cast<size_t>(r.stage)]);
  std::string o = fmt::format(
      "预判 forecast · brand {}{} · the {} crowd of {} · purchases of the brand in {} .. {} (x = {})\n\n",
      r.scope.brand, r.scope.spu ? " · SPU " + *r.scope.spu : "", stage, FormatDate(r.date),
      FormatDate(r.date + 1), FormatDate(r.date + r.x), r.x);
  o += fmt::format("  members at {} on {}   {}\n", stage, FormatDate(r.date), Thousands(r.members));
  if (!r.expected_buyers) {
    o += fmt::format("  no forecast: {}\n", r.reason);
    return o;
  }
  o += fmt::format("  expected buyers          {:.1f} (each member buys with probability {:.2f}%)\n",
                   *r.expected_buyers, *r.probability * 100);
  o += fmt::format("  80% interval             {}\n", Range(r.low80, r.high80));
  o += fmt::format("  95% interval             {}\n\n", Range(r.low95, r.high95));
  o += fmt::format(
      "  learnt from {} past cohorts of {} users at {} ({} .. {}; {} observations, design effect "
      "{:.2f});\n",
      r.origins, Thousands(r.distinct_users), stage, FormatDate(r.history_from), FormatDate(r.history_to),
      Thousands(r.pairs), r.design_effect);
  o += fmt::format("  the longest follow-up is {} days", r.longest_followup);
  o += r.extrapolated_days > 0
           ? fmt::format(": the last {} days of the window are extrapolated\n", r.extrapolated_days)
           : "\n";
  o += fmt::format(
      "  baselines: share of the crowd of {} that bought by {} → {}; not-yet-bought as never → {}\n",
      FormatDate(r.date - r.x), FormatDate(r.date), Opt(r.baseline_share), Opt(r.baseline_no_censoring));
  o += "  (only events dated on or before the forecast day are used; docs/measures.md#forecast)\n";
  return o;
}

std::string ToJson(const BacktestResult& r) {
  JsonWriter w;
  w.BeginObject();
  w.Key("brand").String(r.scope.brand).Key("spu").OptString(r.scope.spu);
  w.Key("stage")
      .String(kStageCodes[static_cast<size_t>(r.stage)])
      .Key("x")
      .Int(r.x)
      .Key("every")
      .Int(r.every);
  w.Key("origins").Int(static_cast<int64_t>(r.rows.size()));
  w.Key("wape")
      .OptDouble(r.wape)
      .Key("coverage80")
      .OptDouble(r.coverage80)
      .Key("coverage95")
      .OptDouble(r.coverage95);
  w.Key("baselines").BeginObject();
  w.Key("share_of_day_minus_x")
      .BeginObject()
      .Key("wape")
      .OptDouble(r.wape_share)
      .Key("origins")
      .Int(static_cast<int64_t>(r.share_rows))
      .EndObject();
  w.Key("no_censoring")
      .BeginObject()
      .Key("wape")
      .OptDouble(r.wape_no_censoring)
      .Key("origins")
      .Int(static_cast<int64_t>(r.no_censoring_rows))
      .EndObject();
  w.EndObject();
  w.Key("rows").BeginArray();
  for (const BacktestRow& row : r.rows) {
    const ForecastResult& f = row.forecast;
    w.BeginObject().Key("date").String(FormatDate(f.date));
    Body(w, f);
    w.Key("actual").Int(static_cast<int64_t>(row.actual));
    w.Key("baseline_share")
        .OptDouble(f.baseline_share)
        .Key("baseline_no_censoring")
        .OptDouble(f.baseline_no_censoring);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.str();
}

std::string ToTable(const BacktestResult& r) {
  const std::string stage(kStageCodes[static_cast<size_t>(r.stage)]);
  std::string o =
      fmt::format("预判 backtest · brand {}{} · {} crowd · x = {} · an origin every {} days\n\n",
                  r.scope.brand, r.scope.spu ? " · SPU " + *r.scope.spu : "", stage, r.x, r.every);
  if (r.rows.empty()) {
    o += "  no origin: a backtest needs 58 days of data before an origin (30 of stage warm-up, four weekly "
         "cohorts) and x days after it\n";
    return o;
  }
  o += fmt::format("  {:<12}{:>10}{:>12}{:>18}{:>10}{:>12}{:>14}\n", "as of", "members", "forecast",
                   "80% interval", "actual", "share base", "no-censor base");
  for (const BacktestRow& row : r.rows) {
    const ForecastResult& f = row.forecast;
    o += fmt::format("  {:<12}{:>10}{:>12}{:>18}{:>10}{:>12}{:>14}\n", FormatDate(f.date),
                     Thousands(f.members), Opt(f.expected_buyers), Range(f.low80, f.high80),
                     Thousands(row.actual), Opt(f.baseline_share), Opt(f.baseline_no_censoring));
  }
  auto pct = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.1f}%", *v * 100) : std::string("—");
  };
  o += fmt::format(
      "\n  WAPE {} (baselines: share {}, no-censoring {}) · 80% interval covers {} · 95% covers {}\n",
      pct(r.wape), pct(r.wape_share), pct(r.wape_no_censoring), pct(r.coverage80), pct(r.coverage95));
  return o;
}

}  // namespace aips
