#include "cli/cli.h"
#include "domain/domain.h"
#include "engine/forecast.h"
#include "fmt/format.h"
#include "render/render.h"
#include "render/render_campaign.h"
#include "render/render_category.h"
#include "render/render_lift.h"

namespace aips::cli {

namespace {

struct ReportArgs {
  Where where;
  std::string brand, date;
  int days = 30;
  bool json = false;
};

std::string Signed(int64_t v) {
  std::string s = Thousands(static_cast<uint64_t>(v < 0 ? -v : v));
  return (v > 0 ? "+" : v < 0 ? "-" : "±") + s;
}

void RunReport(const ReportArgs& a) {
  auto date = OptionalDate(a.date, "--date");
  if (!date.ok()) return Fail(date.status());
  if (a.days < 1) return Fail(Status::InvalidArgument("--days must be at least 1"));
  auto opened = OpenQueryEngine(a.where);
  if (!opened.ok()) return Fail(opened.status());
  QueryEngine& e = *opened.value();
  ScopeRef scope{a.brand, std::nullopt};
  auto now = e.Stages(scope, date.value());
  if (!now.ok()) return Fail(now.status());
  const Day d1 = now->date, d0 = d1 - a.days;
  auto before = e.Stages(scope, d0);
  auto flow = e.Flow(scope, d0, d1);
  auto pen = e.Penetration(scope, d1);
  auto info = e.Info();
  for (const Status* s : {&before.status(), &flow.status(), &pen.status(), &info.status()}) {
    if (!s->ok()) return Fail(*s);
  }
  std::vector<StagesResult> spus;
  for (auto& b : info->brands) {
    if (b.name != a.brand) continue;
    for (auto& s : b.spus) {
      auto r = e.Stages(ScopeRef{a.brand, s}, d1);
      if (!r.ok()) return Fail(r.status());
      spus.push_back(r.value());
    }
  }
  if (a.json) {
    std::string out = fmt::format(
        "{{\"brand\":\"{}\",\"date\":\"{}\",\"compare_days\":{},\"stages\":{},\"previous\":{},\"flow\":{},"
        "\"penetration\":{},\"spus\":[",
        a.brand, FormatDate(d1), a.days, ToJson(now.value()), ToJson(before.value()), ToJson(flow.value()),
        ToJson(pen.value()));
    for (size_t i = 0; i < spus.size(); ++i) out += (i ? "," : "") + ToJson(spus[i]);
    fmt::print("{}]}}\n", out);
    return;
  }
  fmt::print("══ 人群资产报告 AIPS crowd-asset report ══\n");
  fmt::print("brand {}   category {}   as of {}   compared with {} ({} days earlier)\n\n", a.brand,
             pen->category_listed ? pen->category : "—", FormatDate(d1), FormatDate(d0), a.days);
  fmt::print("1. 人群资产 stage sizes\n");
  fmt::print("   {:<18}{:>12}{:>12}{:>12}\n", "stage", FormatDate(d0), FormatDate(d1), "change");
  for (int i = 0; i < kNumStages; ++i) {
    std::string label = fmt::format("{} {}", kStageCodes[i + 1], kStageNamesZh[i + 1]);
    int64_t delta = static_cast<int64_t>(now->stages[i]) - static_cast<int64_t>(before->stages[i]);
    // CJK labels are two columns wide per character: pad by hand.
    size_t cjk = (label.size() - kStageCodes[i + 1].size() - 1) / 3;
    fmt::print("   {}{}{:>12}{:>12}{:>12}\n", label,
               std::string(18 > label.size() - cjk ? 18 - (label.size() - cjk) : 1, ' '),
               Thousands(before->stages[i]), Thousands(now->stages[i]), Signed(delta));
  }
  fmt::print("   {:<18}{:>12}{:>12}{:>12}\n\n", "total 资产总量", Thousands(before->total()),
             Thousands(now->total()),
             Signed(static_cast<int64_t>(now->total()) - static_cast<int64_t>(before->total())));
  fmt::print("2. {}\n", ToTable(flow.value()));
  fmt::print("3. {}\n", ToTable(pen.value()));
  if (!spus.empty()) {
    fmt::print("4. SPU 单品 stage sizes on {}\n", FormatDate(d1));
    fmt::print("   {:<22}{:>9}{:>9}{:>9}{:>9}{:>9}{:>10}\n", "SPU", "A", "I", "TI", "P", "S", "total");
    for (auto& s : spus) {
      fmt::print("   {:<22}{:>9}{:>9}{:>9}{:>9}{:>9}{:>10}\n", *s.scope.spu, Thousands(s.stages[0]),
                 Thousands(s.stages[1]), Thousands(s.stages[2]), Thousands(s.stages[3]),
                 Thousands(s.stages[4]), Thousands(s.total()));
    }
  }
  // What seeding bought, and where the brand stands in its category.
  auto campaigns = e.BrandCampaigns(a.brand, std::nullopt);
  if (!campaigns.ok()) return Fail(campaigns.status());
  for (CampaignResult& one : campaigns.value())
    if (Status s = AddCampaignForecast(e, &one); !s.ok()) return Fail(s);
  if (!campaigns->empty()) {
    fmt::print("\n5. {}", CampaignsToTable(a.brand, campaigns.value()));
    std::vector<LiftResult> lifts;
    for (const CampaignResult& c : campaigns.value()) {
      auto l = e.Lift(c.campaign, std::nullopt, LiftDesign::kAuto);
      if (l.ok()) {
        lifts.push_back(std::move(l).value());
      } else if (!l.status().IsInvalidArgument() && !l.status().IsNotFound()) {
        return Fail(l.status());  // a failure, not a campaign lift cannot measure
      }
    }
    if (!lifts.empty()) fmt::print("\n   {}", LiftSummaryTable(lifts));
  }
  if (pen->category_listed) {
    auto cmp = e.Compare(a.brand, {}, d0, d1, 3);
    if (!cmp.ok()) return Fail(cmp.status());
    fmt::print("\n6. {}", ToTable(cmp.value()));
  }
}

}  // namespace

void RegisterReport(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* c = app.add_subcommand(
      "report", "A brand's crowd-asset report: stages and their change, flow, penetration, SPUs");
  AddWhere(c, &a->where);
  c->add_option("--brand", a->brand, "Brand id")->required();
  c->add_option("--date", a->date, "As of YYYY-MM-DD (default: the last day with data)");
  c->add_option("--days", a->days, "Compare with this many days earlier (default 30)");
  c->add_flag("--json", a->json, "Print one JSON document");
  c->callback([a] { RunReport(*a); });
}

}  // namespace aips::cli
