#include "render/render_campaign.h"

#include "common/decimal.h"
#include "common/json_writer.h"
#include "domain/domain.h"
#include "fmt/format.h"
#include "render/render.h"

namespace aips {

namespace {

// 预判 of an open campaign (docs/measures.md#open-campaigns): labelled a forecast.
void Forecast(JsonWriter& w, const CampaignForecast& f) {
  w.Key("forecast").BeginObject().Key("label").String("forecast");
  w.Key("from").String(FormatDate(f.from)).Key("to").String(FormatDate(f.to));
  w.Key("flight_running").Bool(f.flight_running);
  w.Key("reached_by_stage").BeginObject();
  for (int s = 0; s <= kNumStages; ++s)
    w.Key(kStageCodes[static_cast<size_t>(s)])
        .Int(static_cast<int64_t>(f.reached_by_stage[static_cast<size_t>(s)]));
  w.EndObject();
  w.Key("expected_buyers").OptDouble(f.expected_buyers);
  w.Key("buyers_low80").OptUInt(f.buyers_low80).Key("buyers_high80").OptUInt(f.buyers_high80);
  w.Key("gmv_per_buyer").OptDouble(OptMoney(f.gmv_per_buyer));
  w.Key("expected_gmv").OptDouble(OptMoney(f.expected_gmv));
  w.Key("gmv_low80").OptDouble(OptMoney(f.gmv_low80)).Key("gmv_high80").OptDouble(OptMoney(f.gmv_high80));
  w.Key("roi")
      .OptDouble(f.roi)
      .Key("roi_low80")
      .OptDouble(f.roi_low80)
      .Key("roi_high80")
      .OptDouble(f.roi_high80);
  if (!f.reason.empty()) w.Key("reason").String(f.reason);
  w.Key("method").String(kCampaignForecastMethod);
  w.EndObject();
}

std::optional<double> Ratio(double num, double den) {
  if (den == 0) return std::nullopt;
  return num / den;
}

double Money(int64_t micros) { return MicrosToDouble(micros); }

void Group(JsonWriter& w, const char* key, const BuyerGroup& g) {
  w.Key(key).BeginObject();
  w.Key("users").Int(static_cast<int64_t>(g.users)).Key("buyers").Int(static_cast<int64_t>(g.buyers));
  w.Key("orders").Int(static_cast<int64_t>(g.orders)).Key("gmv").Double(Money(g.gmv));
  w.Key("conversion_rate").OptDouble(Ratio(static_cast<double>(g.buyers), static_cast<double>(g.users)));
  w.Key("aov").OptDouble(Ratio(Money(g.gmv), static_cast<double>(g.orders)));
  w.EndObject();
}

void Mix(JsonWriter& w, const char* key, const std::array<uint64_t, 6>& m) {
  w.Key(key).BeginObject();
  for (int s = 0; s <= kNumStages; ++s)
    w.Key(kStageCodes[static_cast<size_t>(s)]).Int(static_cast<int64_t>(m[static_cast<size_t>(s)]));
  w.EndObject();
}

void Write(JsonWriter& w, const CampaignResult& c) {
  const double spend = Money(c.spend);
  w.BeginObject();
  w.Key("campaign").String(c.campaign).Key("brand").String(c.brand).Key("spu").OptString(c.spu);
  w.Key("listed").Bool(c.listed);
  w.Key("flight")
      .BeginObject()
      .Key("start")
      .String(FormatDate(c.start))
      .Key("end")
      .String(FormatDate(c.end))
      .EndObject();
  w.Key("reach")
      .Int(static_cast<int64_t>(c.reach))
      .Key("impressions")
      .Int(static_cast<int64_t>(c.impressions));
  w.Key("clicks").Int(static_cast<int64_t>(c.clicks));
  w.Key("frequency").OptDouble(Ratio(static_cast<double>(c.impressions), static_cast<double>(c.reach)));
  w.Key("ctr").OptDouble(Ratio(static_cast<double>(c.clicks), static_cast<double>(c.impressions)));
  w.Key("new_I").Int(static_cast<int64_t>(c.new_I)).Key("new_TI").Int(static_cast<int64_t>(c.new_TI));
  w.Key("new_P").Int(static_cast<int64_t>(c.new_P)).Key("new_S").Int(static_cast<int64_t>(c.new_S));
  w.Key("spend").Double(spend);
  w.Key("cpi").OptDouble(Ratio(spend, static_cast<double>(c.new_I)));
  w.Key("cpti").OptDouble(Ratio(spend, static_cast<double>(c.new_TI)));
  w.Key("cost_per_new_P").OptDouble(Ratio(spend, static_cast<double>(c.new_P)));
  w.Key("cost_per_new_S").OptDouble(Ratio(spend, static_cast<double>(c.new_S)));
  w.Key("x_days").Int(c.x_days).Key("window_end").String(FormatDate(c.window_end));
  w.Key("gmv")
      .Double(Money(c.gmv))
      .Key("buyers")
      .Int(static_cast<int64_t>(c.buyers))
      .Key("orders")
      .Int(static_cast<int64_t>(c.orders));
  w.Key("roi").OptDouble(Ratio(Money(c.gmv), spend));
  w.Key("provisional").Bool(c.provisional);
  w.Key("last_data_day")
      .OptString(c.last_data_day == kNoDay ? std::nullopt : std::optional(FormatDate(c.last_data_day)));
  Group(w, "seeded", c.seeded);
  Group(w, "unseeded", c.unseeded);
  w.Key("stage_mix").BeginObject();
  Mix(w, "before", c.mix_before);
  Mix(w, "after", c.mix_after);
  w.EndObject();
  if (c.forecast) Forecast(w, *c.forecast);
  w.Key("attribution").String(kAttributionNote);
  w.EndObject();
}

std::string Money2(int64_t micros) { return MoneyText(Money(micros)); }

// Money per person (CPI, CPTI, average order) or a ratio; "—" when undefined.
std::string Opt(std::optional<double> v) { return v ? MoneyText(*v) : "—"; }

std::string ForecastLine(const CampaignResult& c, const std::string& lead) {
  const CampaignForecast& f = *c.forecast;
  std::string o = lead;
  if (!f.expected_gmv) {
    o += fmt::format("forecast to {}: — ({})\n", FormatDate(f.to), f.reason);
    return o;
  }
  o += fmt::format(
      "FORECAST final GMV by {} {} [{}, {}] (80%), ROI(T+{}) {} [{}, {}]; {:.1f} more buyers expected\n",
      FormatDate(f.to), MoneyText(*f.expected_gmv / 1e6), MoneyText(*f.gmv_low80 / 1e6),
      MoneyText(*f.gmv_high80 / 1e6), c.x_days, f.roi ? fmt::format("{:.2f}", *f.roi) : "—",
      f.roi_low80 ? fmt::format("{:.2f}", *f.roi_low80) : "—",
      f.roi_high80 ? fmt::format("{:.2f}", *f.roi_high80) : "—", *f.expected_buyers);
  if (f.flight_running)
    o += lead.size() > 2
             ? ""
             : "  (the flight is still running: its reach may still grow, which is not forecast)\n";
  return o;
}

}  // namespace

std::string ToJson(const CampaignResult& c) {
  JsonWriter w;
  Write(w, c);
  return w.str();
}

std::string CampaignsToJson(const std::string& brand, const std::vector<CampaignResult>& cs) {
  JsonWriter w;
  w.BeginObject().Key("brand").String(brand).Key("campaigns").BeginArray();
  for (auto& c : cs) Write(w, c);
  w.EndArray().Key("attribution").String(kAttributionNote).EndObject();
  return w.str();
}

std::string ToTable(const CampaignResult& c) {
  const double spend = Money(c.spend);
  std::string o =
      fmt::format("投放效果 campaign {} · brand {}{} · flight {} .. {}{}\n\n", c.campaign, c.brand,
                  c.spu ? " · SPU " + *c.spu : "", FormatDate(c.start), FormatDate(c.end),
                  c.listed ? "" : " (no campaigns row: flight from its events)");
  auto line = [&](const std::string& k, const std::string& v) { o += fmt::format("  {:<34}{:>16}\n", k, v); };
  line("reach 触达人数", Thousands(c.reach));
  line("impressions / clicks", Thousands(c.impressions) + " / " + Thousands(c.clicks));
  line("frequency / CTR", Opt(Ratio(static_cast<double>(c.impressions), static_cast<double>(c.reach))) +
                              " / " + Percent(c.clicks, c.impressions));
  line("spend 花费", Money2(c.spend));
  line("new I 新增种草人群", Thousands(c.new_I));
  line("CPI 种草成本", Opt(Ratio(spend, static_cast<double>(c.new_I))));
  line("new TI 新增深度种草人群", Thousands(c.new_TI));
  line("CPTI 深度种草成本", Opt(Ratio(spend, static_cast<double>(c.new_TI))));
  line("new P / cost per new P",
       Thousands(c.new_P) + " / " + Opt(Ratio(spend, static_cast<double>(c.new_P))));
  line(fmt::format("GMV within T+{} (to {})", c.x_days, FormatDate(c.window_end)), Money2(c.gmv));
  line("buyers / orders", Thousands(c.buyers) + " / " + Thousands(c.orders));
  line(fmt::format("ROI(T+{})", c.x_days),
       Opt(Ratio(Money(c.gmv), spend)) + (c.provisional ? " provisional" : ""));
  o += "  (new P counts users who entered P during the flight; buyers, users who bought within T+x after\n"
       "   their first reach: the windows differ, so the two need not agree)\n";
  o += "\n  seeded vs. unseeded buyers (bought the brand in [d0, d1+x], from the flight's first day: a\n"
       "  wider window than the GMV line's, which starts at each buyer's first reach)\n";
  o += fmt::format("  {:<12}{:>12}{:>10}{:>12}{:>12}\n", "group", "users", "buyers", "conversion", "AOV");
  for (auto [name, g] : {std::pair{"reached", &c.seeded}, std::pair{"unreached", &c.unseeded}}) {
    o += fmt::format("  {:<12}{:>12}{:>10}{:>12}{:>12}\n", name, Thousands(g->users), Thousands(g->buyers),
                     Percent(g->buyers, g->users), Opt(Ratio(Money(g->gmv), static_cast<double>(g->orders))));
  }
  o += "\n  reached crowd's stage mix   before (d0-1)   after (d1)\n";
  for (int s = 0; s <= kNumStages; ++s) {
    o += fmt::format("  {:<28}{:>14}{:>13}\n", kStageCodes[static_cast<size_t>(s)],
                     Thousands(c.mix_before[static_cast<size_t>(s)]),
                     Thousands(c.mix_after[static_cast<size_t>(s)]));
  }
  if (c.provisional)
    o += fmt::format("\n  provisional: T+{} ends {}, after the last day with data\n", c.x_days,
                     FormatDate(c.window_end));
  if (c.forecast) o += ForecastLine(c, "  ");
  o += fmt::format("\n  note: {}\n", kAttributionNote);
  return o;
}

std::string CampaignsToTable(const std::string& brand, const std::vector<CampaignResult>& cs) {
  std::string o = fmt::format("投放效果 campaigns of brand {}\n\n", brand);
  o += fmt::format("  {:<16}{:<24}{:>9}{:>12}{:>8}{:>9}{:>8}{:>9}{:>13}{:>11}\n", "campaign", "flight",
                   "reach", "spend", "new I", "CPI", "new TI", "CPTI", "GMV", "ROI(T+x)");
  for (auto& c : cs) {
    const double spend = Money(c.spend);
    o += fmt::format("  {:<16}{:<24}{:>9}{:>12}{:>8}{:>9}{:>8}{:>9}{:>13}{:>11}{}\n", c.campaign,
                     FormatDate(c.start) + ".." + FormatDate(c.end).substr(5), Thousands(c.reach),
                     Money2(c.spend), Thousands(c.new_I), Opt(Ratio(spend, static_cast<double>(c.new_I))),
                     Thousands(c.new_TI), Opt(Ratio(spend, static_cast<double>(c.new_TI))), Money2(c.gmv),
                     Opt(Ratio(Money(c.gmv), spend)),
                     fmt::format(" T+{}{}", c.x_days, c.provisional ? " provisional" : ""));
  }
  bool any = false;
  for (auto& c : cs) {
    if (!c.forecast) continue;
    if (!any) o += "\n  预判 forecast of the open campaigns (T+x not closed yet)\n";
    any = true;
    o += ForecastLine(c, "  " + c.campaign + ": ");
  }
  o += fmt::format("\n  note: {}\n", kAttributionNote);
  return o;
}

}  // namespace aips
