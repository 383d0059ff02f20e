#include "render/render_lift.h"

#include <algorithm>

#include "common/decimal.h"
#include "common/json_writer.h"
#include "domain/domain.h"
#include "engine/lift_math.h"
#include "fmt/format.h"
#include "render/render.h"

namespace aips {

namespace {

constexpr const char* kLiftStages[4] = {"I", "TI", "P", "S"};

// Everything the JSON and the table show, computed once.
struct LiftFigures {
  bool matched = false;
  std::array<ProportionLift, 4> stages;
  MeanLift gmv;
  MatchedLift strata;                   // matched design
  std::array<ProportionLift, 4> naive;  // matched design: reached vs the whole pool, unadjusted
  MeanLift naive_gmv;
  double spend = 0;
  std::optional<double> iroi, icpti, mde_ti, mde_p;
};

LiftFigures Figures(const LiftResult& r) {
  LiftFigures f;
  for (size_t s = 0; s < 4; ++s)
    f.stages[s] = LiftOf(r.treatment_converted[s], r.treatment_size, r.control_converted[s], r.control_size);
  f.gmv = MeanLiftOf(r.treatment_gmv, r.control_gmv);
  f.matched = r.design == "matched";
  if (f.matched) {
    f.naive = f.stages;
    f.naive_gmv = f.gmv;
    f.strata = MatchedLiftOf(r.strata);
    f.stages = f.strata.stages;
    f.gmv = f.strata.gmv;
  }
  f.spend = MicrosToDouble(r.spend);
  const std::optional<double> incremental_gmv = OptMoney(f.gmv.incremental);
  if (incremental_gmv && f.spend > 0) f.iroi = *incremental_gmv / f.spend;
  const std::optional<double>& inc_ti = f.stages[1].incremental_users;
  if (inc_ti && *inc_ti > 0) f.icpti = f.spend / *inc_ti;
  if (f.matched) {
    f.mde_ti = f.strata.mde_ti;
    f.mde_p = f.strata.mde_p;
  } else {
    if (f.stages[1].control_rate)
      f.mde_ti = MinimumDetectableEffect(*f.stages[1].control_rate, r.treatment_size, r.control_size);
    if (f.stages[2].control_rate)
      f.mde_p = MinimumDetectableEffect(*f.stages[2].control_rate, r.treatment_size, r.control_size);
  }
  return f;
}

std::string Pct(std::optional<double> v) { return v ? fmt::format("{:.2f}%", *v * 100) : "—"; }
std::string Pp(std::optional<double> v) { return v ? fmt::format("{:+.2f} pp", *v * 100) : "—"; }

}  // namespace

std::string ToJson(const LiftResult& r) {
  const LiftFigures f = Figures(r);
  JsonWriter w;
  w.BeginObject();
  w.Key("campaign").String(r.campaign).Key("brand").String(r.brand).Key("spu").OptString(r.spu);
  w.Key("design").String(r.design).Key("observational").Bool(f.matched);
  w.Key("flight").BeginObject().Key("start").String(FormatDate(r.start)).Key("end").String(FormatDate(r.end));
  w.EndObject();
  w.Key("x").Int(r.x_days).Key("window_end").String(FormatDate(r.window_end));
  w.Key("measured_through").String(FormatDate(r.measured_through)).Key("maturing").Bool(r.maturing);
  w.Key("treatment_size").Int(static_cast<int64_t>(r.treatment_size));
  w.Key("control_size").Int(static_cast<int64_t>(r.control_size));
  w.Key("treatment_reached").Int(static_cast<int64_t>(r.treatment_reached));
  w.Key("control_reached").Int(static_cast<int64_t>(r.control_reached));
  w.Key("stages").BeginObject();
  for (size_t s = 0; s < 4; ++s) {
    const ProportionLift& p = f.stages[s];
    w.Key(kLiftStages[s]).BeginObject();
    w.Key("treatment")
        .Int(static_cast<int64_t>(p.treatment))
        .Key("control")
        .Int(static_cast<int64_t>(p.control));
    w.Key("treatment_rate").OptDouble(p.treatment_rate).Key("control_rate").OptDouble(p.control_rate);
    w.Key("lift").OptDouble(p.lift).Key("relative_lift").OptDouble(p.relative_lift);
    w.Key("ci_low").OptDouble(p.ci_low).Key("ci_high").OptDouble(p.ci_high);
    w.Key("p_value").OptDouble(p.p_value).Key("incremental_users").OptDouble(p.incremental_users);
    w.EndObject();
  }
  w.EndObject();
  w.Key("gmv").BeginObject();
  w.Key("treatment_mean")
      .OptDouble(OptMoney(f.gmv.treatment_mean))
      .Key("control_mean")
      .OptDouble(OptMoney(f.gmv.control_mean));
  w.Key("diff").OptDouble(OptMoney(f.gmv.diff)).Key("ci_low").OptDouble(OptMoney(f.gmv.ci_low));
  w.Key("ci_high")
      .OptDouble(OptMoney(f.gmv.ci_high))
      .Key("incremental_gmv")
      .OptDouble(OptMoney(f.gmv.incremental));
  w.EndObject();
  w.Key("spend").Double(f.spend).Key("iroi").OptDouble(f.iroi).Key("icpti").OptDouble(f.icpti);
  w.Key("mde").BeginObject().Key("TI").OptDouble(f.mde_ti).Key("P").OptDouble(f.mde_p).EndObject();
  w.Key("method").String(f.matched ? kMatchedLiftMethod : kLiftMethod);
  if (f.matched) {
    const MatchedLift& m = f.strata;
    w.Key("matched").BeginObject();
    w.Key("reached").Int(static_cast<int64_t>(m.reached));
    w.Key("matched_reached").Int(static_cast<int64_t>(m.matched_reached));
    w.Key("unmatched_reached").Int(static_cast<int64_t>(m.reached - m.matched_reached));
    w.Key("pool")
        .Int(static_cast<int64_t>(m.pool))
        .Key("matched_pool")
        .Int(static_cast<int64_t>(m.matched_pool));
    w.Key("strata")
        .Int(static_cast<int64_t>(m.strata))
        .Key("strata_used")
        .Int(static_cast<int64_t>(m.strata_used));
    w.EndObject();
    w.Key("naive").BeginObject();
    for (size_t s = 0; s < 4; ++s) {
      const ProportionLift& p = f.naive[s];
      w.Key(kLiftStages[s]).BeginObject();
      w.Key("treatment_rate").OptDouble(p.treatment_rate).Key("control_rate").OptDouble(p.control_rate);
      w.Key("lift").OptDouble(p.lift).EndObject();
    }
    w.Key("gmv_diff").OptDouble(OptMoney(f.naive_gmv.diff));
    w.EndObject();
  }
  w.EndObject();
  return w.str();
}

std::string ToTable(const LiftResult& r) {
  const LiftFigures f = Figures(r);
  std::string o = fmt::format(
      "增量 lift of campaign {} · brand {}{} · flight {} .. {} · T+{} to {}{}\n", r.campaign, r.brand,
      r.spu ? " · SPU " + *r.spu : "", FormatDate(r.start), FormatDate(r.end), r.x_days,
      FormatDate(r.window_end),
      r.maturing ? fmt::format(" (maturing: measured through {})", FormatDate(r.measured_through)) : "");
  if (f.matched) {
    const MatchedLift& m = f.strata;
    o += fmt::format(
        "design: matched — OBSERVATIONAL (no holdout): {} reached users, {} of them matched in {} strata "
        "against {} of {} users who met the brand otherwise in the flight ({} reached users unmatched)\n\n",
        Thousands(m.reached), Thousands(m.matched_reached), Thousands(m.strata_used),
        Thousands(m.matched_pool), Thousands(m.pool), Thousands(m.reached - m.matched_reached));
  } else {
    o += fmt::format("design: {} — treatment {} users ({} reached), control {} users ({} reached{})\n\n",
                     r.design, Thousands(r.treatment_size), Thousands(r.treatment_reached),
                     Thousands(r.control_size), Thousands(r.control_reached),
                     r.control_reached ? ": contamination" : "");
  }
  o += fmt::format("  {:<6}{:>12}{:>12}{:>12}{:>24}{:>10}{:>14}{}\n", "stage",
                   f.matched ? "reached" : "treatment", f.matched ? "matched" : "control", "lift",
                   "95% interval", "p", "incremental", f.matched ? fmt::format("{:>14}", "naive lift") : "");
  for (size_t s = 0; s < 4; ++s) {
    const ProportionLift& p = f.stages[s];
    const std::string ci =
        p.ci_low ? fmt::format("[{:+.2f}, {:+.2f}] pp", *p.ci_low * 100, *p.ci_high * 100) : "—";
    o += fmt::format("  {:<6}{:>12}{:>12}{:>12}{:>24}{:>10}{:>14}{}\n", kLiftStages[s], Pct(p.treatment_rate),
                     Pct(p.control_rate), Pp(p.lift), ci, p.p_value ? fmt::format("{:.3f}", *p.p_value) : "—",
                     p.incremental_users ? fmt::format("{:+.0f}", *p.incremental_users) : "—",
                     f.matched ? fmt::format("{:>14}", Pp(f.naive[s].lift)) : "");
  }
  auto money = [](std::optional<double> v) { return v ? MoneyText(*v) : std::string("—"); };
  o +=
      fmt::format("\n  GMV per {}  {} {} · {} {} · difference {} [{}, {}]\n", f.matched ? "user" : "member",
                  f.matched ? "reached" : "treatment", money(OptMoney(f.gmv.treatment_mean)),
                  f.matched ? "matched" : "control", money(OptMoney(f.gmv.control_mean)),
                  money(OptMoney(f.gmv.diff)), money(OptMoney(f.gmv.ci_low)), money(OptMoney(f.gmv.ci_high)));
  o += fmt::format("  incremental GMV {} · spend {} · iROI(T+{}) {} · incremental CPTI {}\n",
                   money(OptMoney(f.gmv.incremental)), MoneyText(f.spend), r.x_days,
                   f.iroi ? fmt::format("{:.2f}", *f.iroi) : "—", money(f.icpti));
  o += fmt::format("  smallest detectable lift (80% power): TI {} · P {}\n", Pp(f.mde_ti), Pp(f.mde_p));
  if (f.matched) {
    o += "  (observational: reached users against users alike before the flight — stage, segment, recent\n"
         "   category activity — who met the brand otherwise; the pool's rate is weighted to the reached "
         "users'\n"
         "   mix; 'naive lift' compares reached users with the brand's unreached asset, unadjusted, as the\n"
         "   seeded/unseeded split does; incremental figures apply the effect to every reached user; a\n"
         "   difference the strata do not hold is not adjusted for)\n";
  } else {
    o += "  (rates are converted members / assigned members; every assigned member counts, reached or not)\n";
  }
  return o;
}

std::string LiftSummaryTable(const std::vector<LiftResult>& lifts) {
  std::string o =
      "增量 lift per campaign (holdout: randomised; matched: OBSERVATIONAL, docs/measures.md#lift)\n";
  o += fmt::format("   {:<18}{:<24}{:>12}{:>24}{:>12}{:>24}{:>12}{:>10}\n", "campaign", "design", "lift TI",
                   "95% interval", "lift P", "95% interval", "iCPTI", "iROI");
  auto ci = [](const ProportionLift& p) {
    return p.ci_low ? fmt::format("[{:+.2f}, {:+.2f}] pp", *p.ci_low * 100, *p.ci_high * 100)
                    : std::string("—");
  };
  for (const LiftResult& r : lifts) {
    const LiftFigures f = Figures(r);
    std::string design = f.matched ? "matched (observational)" : r.design;
    if (r.maturing) design += " *";
    o += fmt::format("   {:<18}{:<24}{:>12}{:>24}{:>12}{:>24}{:>12}{:>10}\n", r.campaign, design,
                     Pp(f.stages[1].lift), ci(f.stages[1]), Pp(f.stages[2].lift), ci(f.stages[2]),
                     f.icpti ? MoneyText(*f.icpti) : "—", f.iroi ? fmt::format("{:.2f}", *f.iroi) : "—");
  }
  if (std::any_of(lifts.begin(), lifts.end(), [](const LiftResult& r) { return r.maturing; }))
    o += "   (* maturing: T+x has not closed; counted through the last day with data)\n";
  return o;
}

}  // namespace aips
