#include "cli/cli.h"
#include "engine/forecast.h"
#include "engine/lift_math.h"
#include "fmt/format.h"
#include "render/render_campaign.h"
#include "render/render_lift.h"

namespace aips::cli {

void RegisterCampaign(CLI::App& app) {
  struct Args {
    Where where;
    std::string campaign, brand;
    int x = -1;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand(
      "campaign", "投放效果: reach, newly seeded people and their cost (CPI/CPTI), ROI(T+x)");
  AddWhere(c, &a->where);
  auto* by_c = c->add_option("--campaign", a->campaign, "One campaign");
  auto* by_b = c->add_option("--brand", a->brand, "Every campaign of a brand, one row each");
  by_c->excludes(by_b);
  c->add_option("--x", a->x,
                "Decision cycle x in days (default: the brand's category's, 30 when not configured)");
  c->add_flag("--json", a->json, "Print one JSON document");
  c->footer(
      "newI = reached users below I the day before the flight and at I or higher on its last day (TI "
      "likewise), in the\n"
      "campaign's SPU scope; CPI = spend / newI; ROI(T+x) = GMV of reached buyers from their first reach "
      "through\n"
      "d1 + x, over spend. Attribution is reach-based and not exclusive. While T+x is still open the "
      "figures\n"
      "are provisional and a FORECAST of the final GMV and ROI(T+x) with its 80% interval is given beside\n"
      "them (docs/measures.md#open-campaigns).\n"
      "Example:\n  aips campaign --data store --brand serum-01\n  aips campaign --data store --campaign "
      "serum-01-c1 --json");
  c->callback([a] {
    if (a->campaign.empty() == a->brand.empty())
      return Fail(Status::InvalidArgument("give --campaign C or --brand B"));
    std::optional<int> x;
    if (a->x >= 0) x = a->x;
    auto e = OpenQueryEngine(a->where);
    if (!e.ok()) return Fail(e.status());
    if (!a->campaign.empty()) {
      auto r = e.value()->Campaign(a->campaign, x);
      if (!r.ok()) return Fail(r.status());
      if (Status s = AddCampaignForecast(*e.value(), &r.value()); !s.ok()) return Fail(s);
      fmt::print("{}{}", a->json ? ToJson(r.value()) : ToTable(r.value()), a->json ? "\n" : "");
    } else {
      auto r = e.value()->BrandCampaigns(a->brand, x);
      if (!r.ok()) return Fail(r.status());
      for (CampaignResult& one : r.value())
        if (Status s = AddCampaignForecast(*e.value(), &one); !s.ok()) return Fail(s);
      fmt::print("{}{}",
                 a->json ? CampaignsToJson(a->brand, r.value()) : CampaignsToTable(a->brand, r.value()),
                 a->json ? "\n" : "");
    }
  });
}

void RegisterLift(CLI::App& app) {
  struct Args {
    Where where;
    std::string campaign;
    int x = -1;
    std::string design = "auto";
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand(
      "lift", "增量 lift per stage: what a campaign caused, by its holdout or by matching, with intervals");
  AddWhere(c, &a->where);
  c->add_option("--campaign", a->campaign, "The campaign")->required();
  c->add_option("--design", a->design,
                "auto (the holdout when the campaign has experiment assignments, else matched), holdout, or "
                "matched (observational)")
      ->check(CLI::IsMember({"auto", "holdout", "matched"}));
  c->add_option("--x", a->x,
                "Decision cycle x in days (default: the brand's category's, 30 when not configured)");
  c->add_flag("--json", a->json, "Print one JSON document (docs/measures.md#lift: the shape is a contract)");
  c->footer(
      "Holdout design (a randomised experiment): compares the campaign's treatment group with its control\n"
      "group, as assigned by an experiments table (campaign,user_id,group) or by 'aips crowd export\n"
      "--campaign C --holdout PCT'. Every assigned member counts, reached or not (intent-to-treat); a\n"
      "reached control member is reported as contamination.\n"
      "Matched design (observational, for campaigns without a holdout): compares the users the campaign\n"
      "reached with users who met the brand otherwise during the flight, within strata of users alike\n"
      "before it (stage on d0-1, segment: tag, active days in the category in the 30 days before); it\n"
      "estimates the effect on the reached users, and cannot see differences the strata do not hold.\n"
      "A user converts to stage s when below s on the day before the flight and at s or above on some day\n"
      "of [d0, d1+x], in the campaign's SPU scope (its brand when it has none). Per stage: both rates,\n"
      "their difference (lift) with a 95% interval, a p-value, incremental users; GMV per user with its\n"
      "interval; iROI and incremental CPTI. While d1+x is after the last day with data the answer is\n"
      "'maturing' (docs/measures.md#lift).\n"
      "Example:\n  aips lift --data store --campaign serum-01-c1\n  aips lift --data store --campaign "
      "serum-01-c2 --design matched --json");
  c->callback([a] {
    std::optional<int> x;
    if (a->x >= 0) x = a->x;
    auto e = OpenQueryEngine(a->where);
    if (!e.ok()) return Fail(e.status());
    auto design = LiftDesignNamed(a->design);
    if (!design.ok()) return Fail(design.status());
    auto r = e.value()->Lift(a->campaign, x, design.value());
    if (!r.ok()) return Fail(r.status());
    fmt::print("{}{}", a->json ? ToJson(r.value()) : ToTable(r.value()), a->json ? "\n" : "");
  });
}

}  // namespace aips::cli
