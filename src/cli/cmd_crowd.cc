#include <algorithm>

#include "cli/cli.h"
#include "common/file_util.h"
#include "common/json_writer.h"
#include "crowds/crowd_tools.h"
#include "fmt/format.h"
#include "front/open_engine.h"
#include "render/render.h"
#include "render/render_act.h"
#include "render/render_category.h"
#include "store/tenants.h"

namespace aips::cli {

namespace {

struct Args {
  Where where;
  std::string expr, preset, brand, competitor, date, since, name, tenant, out;
  size_t min_size = kDefaultMinExportSize;
  bool raw = false, json = false;
  std::string campaign;  // export: split for this campaign's holdout
  double holdout = 0;    // export: percent of the crowd held out
};

void AddSelection(CLI::App* c, Args* a) {
  AddWhere(c, &a->where);
  c->add_option("--expr", a->expr, "A crowd expression (docs/crowds.md)");
  c->add_option("--preset", a->preset, "Or a preset: redelivery, lost, conquest");
  c->add_option("--brand", a->brand, "The preset's brand");
  c->add_option("--competitor", a->competitor, "The conquest preset's competitor");
  c->add_option("--date", a->date, "The preset's day (default: the last day with data)");
  c->add_option("--since", a->since, "The lost preset's earlier day (default: 30 days before --date)");
}

// The crowd of --expr or --preset.
Result<CrowdQuery> Selected(const Args& a, QueryEngine& e) {
  if (a.expr.empty() == a.preset.empty())
    return Status::InvalidArgument("give --expr '...' or --preset NAME");
  CrowdSelection sel;
  sel.expr = a.expr;
  sel.preset = a.preset;
  sel.brand = a.brand;
  sel.competitor = a.competitor;
  AIPS_ASSIGN_OR_RETURN(sel.date, OptionalDate(a.date, "--date"));
  AIPS_ASSIGN_OR_RETURN(sel.since, OptionalDate(a.since, "--since"));
  CrowdQuery q;
  AIPS_ASSIGN_OR_RETURN(q.expr, SelectionExpression(sel, e));
  return q;
}

// Opens the engine and resolves the crowd, then runs fn(engine, crowd).
template <typename Fn>
void WithCrowd(const Args& a, Fn fn) {
  auto e = OpenQueryEngine(a.where);
  if (!e.ok()) return Fail(e.status());
  auto q = Selected(a, *e.value());
  if (!q.ok()) return Fail(q.status());
  fn(*e.value(), q.value());
}

template <typename R>
void Print(const Result<R>& r, bool json) {
  if (!r.ok()) return Fail(r.status());
  fmt::print("{}{}", json ? ToJson(r.value()) : ToTable(r.value()), json ? "\n" : "");
}

}  // namespace

void RegisterActReports(CLI::App& app) {
  {
    auto a = std::make_shared<Args>();
    auto x = std::make_shared<int>(-1);
    CLI::App* c = app.add_subcommand(
        "spectrum", "一方光谱: first-party customer tiers × AIPS stages, conversion, bid multipliers");
    AddWhere(c, &a->where);
    c->add_option("--brand", a->brand, "The brand")->required();
    c->add_option("--date", a->date, "As of YYYY-MM-DD (default: the last day with data minus x)");
    c->add_option("--x", *x, "Conversion window in days (default: the category's decision cycle)");
    c->add_flag("--json", a->json, "JSON");
    c->callback([a, x] {
      auto date = OptionalDate(a->date, "--date");
      if (!date.ok()) return Fail(date.status());
      auto e = OpenQueryEngine(a->where);
      if (!e.ok()) return Fail(e.status());
      Print(e.value()->Spectrum(a->brand, date.value(), *x >= 0 ? std::optional<int>(*x) : std::nullopt),
            a->json);
    });
  }
  {
    auto a = std::make_shared<Args>();
    auto threshold = std::make_shared<double>(0.8);
    CLI::App* c = app.add_subcommand(
        "correction", "人群纠偏: a campaign's reached crowd against its target crowd, day by day");
    AddWhere(c, &a->where);
    c->add_option("--campaign", a->name, "The campaign")->required();
    c->add_option("--target", a->expr, "The target crowd, as an expression (docs/crowds.md)")->required();
    c->add_option("--threshold", *threshold,
                  "A segment drifts below this share of its target share (default 0.8)");
    c->add_flag("--json", a->json, "JSON");
    c->callback([a, threshold] {
      auto e = OpenQueryEngine(a->where);
      if (!e.ok()) return Fail(e.status());
      Print(e.value()->Correction(a->name, CrowdQuery{a->expr, ""}, *threshold), a->json);
    });
  }
}

void RegisterLookalike(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto tiers = std::make_shared<std::string>("1000,5000,20000");
  auto window = std::make_shared<int>(90);
  CLI::App* c = app.add_subcommand("lookalike",
                                   "人群反漏斗: widen from a seed crowd to similar users, in nested tiers");
  AddSelection(c, a.get());
  c->add_option(
      "--tiers", *tiers,
      "Tier sizes, comma-separated, growing (default 1000,5000,20000: core, high_potential, broad)");
  c->add_option("--window", *window, "Days of behaviour that make a profile (default 90)");
  c->add_option("--name", a->name, "Save each tier as a crowd named NAME-<tier>");
  c->add_flag("--json", a->json, "JSON");
  c->callback([a, tiers, window] {
    auto sizes = ParseTierSizes(*tiers);
    if (!sizes.ok()) return Fail(sizes.status());
    WithCrowd(*a, [&](QueryEngine& e, const CrowdQuery& q) {
      auto date = OptionalDate(a->date, "--date");
      if (!date.ok()) return Fail(date.status());
      Print(e.Lookalike(q, date.value(), *window, sizes.value(), a->name), a->json);
    });
  });
}

namespace {

void AddCrowdCount(CLI::App* crowd) {
  auto a = std::make_shared<Args>();
  CLI::App* c = crowd->add_subcommand("count", "Count a crowd's users");
  AddSelection(c, a.get());
  c->add_flag("--json", a->json, "Print {\"count\":N,\"expr\":\"...\"}");
  c->callback([a] {
    WithCrowd(*a, [&](QueryEngine& e, const CrowdQuery& q) {
      auto n = e.CrowdCount(q);
      if (!n.ok()) return Fail(n.status());
      if (a->json) {
        fmt::print("{}\n", CrowdCountJson(n.value(), q.expr));
      } else {
        fmt::print("{} users\n  {}\n", Thousands(n.value()), q.expr);
      }
    });
  });
}

void AddCrowdSave(CLI::App* crowd) {
  auto a = std::make_shared<Args>();
  CLI::App* c = crowd->add_subcommand("save", "Save a crowd under a name (a new version each time)");
  AddSelection(c, a.get());
  c->add_option("--name", a->name, "Name")->required();
  c->add_flag("--json", a->json, "Print the saved version as JSON");
  c->callback([a] {
    WithCrowd(*a, [&](QueryEngine& e, const CrowdQuery& q) {
      auto saved = e.SaveCrowd(a->name, q);
      if (!saved.ok()) return Fail(saved.status());
      const SavedCrowd& sc = saved.value();
      if (a->json) {
        fmt::print("{{\"name\":\"{}\",\"version\":{},\"size\":{}}}\n", sc.name, sc.version, sc.size);
      } else {
        fmt::print("saved {} v{}: {} users\n", sc.name, sc.version, Thousands(sc.size));
      }
    });
  });
}

void AddCrowdList(CLI::App* crowd) {
  auto a = std::make_shared<Args>();
  CLI::App* c = crowd->add_subcommand("list", "List saved crowds");
  AddWhere(c, &a->where);
  c->add_flag("--json", a->json, "JSON");
  c->callback([a] {
    auto e = OpenQueryEngine(a->where);
    if (!e.ok()) return Fail(e.status());
    auto saved = e.value()->SavedCrowds();
    if (!saved.ok()) return Fail(saved.status());
    if (a->json) {
      fmt::print("{}\n", SavedCrowdsJson(saved.value(), std::nullopt));
    } else {
      for (auto& sc : saved.value()) {
        fmt::print("{:<24} v{:<3} {:>10} users  {}\n", sc.name, sc.version, sc.size, sc.definition);
      }
    }
  });
}

void AddCrowdPortrait(CLI::App* crowd) {
  auto a = std::make_shared<Args>();
  auto category = std::make_shared<std::string>();
  CLI::App* c = crowd->add_subcommand(
      "portrait", "人群画像: a crowd's share per user tag against the category crowd (TGI)");
  AddSelection(c, a.get());
  c->add_option("--category", *category, "Base category (default: the first brand's category)");
  c->add_flag("--json", a->json, "JSON");
  c->callback([a, category] {
    WithCrowd(*a, [&](QueryEngine& e, const CrowdQuery& q) {
      auto date = OptionalDate(a->date, "--date");
      if (!date.ok()) return Fail(date.status());
      Print(e.CrowdPortrait(q, *category, date.value()), a->json);
    });
  });
}

void AddCrowdExport(CLI::App* crowd) {
  auto a = std::make_shared<Args>();
  CLI::App* c =
      crowd->add_subcommand("export", "Export a crowd's members as salted SHA-256 ids for an ad platform");
  AddSelection(c, a.get());
  c->add_option("--tenant", a->tenant, "Tenant whose salt hashes the ids");
  c->add_flag("--raw", a->raw, "Platform user ids in clear instead (operators only)");
  c->add_option("--out", a->out, "Output file (default: standard output)");
  c->add_option("--min-size", a->min_size, "Refuse crowds smaller than this (default 100)");
  c->add_flag("--json", a->json, "With --out: print {\"exported\":N,\"out\":\"FILE\"}");
  auto* camp = c->add_option("--campaign", a->campaign,
                             "Split the crowd for this campaign's holdout: export only its treatment group");
  auto* hold = c->add_option("--holdout", a->holdout,
                             "With --campaign: percent of the crowd held out as the control group (e.g. 10)");
  camp->needs(hold);
  hold->needs(camp);
  c->footer(
      "With --campaign C --holdout PCT the crowd is split before export: each member without an assignment\n"
      "to C goes to C's control group with probability PCT% (a hash of the user id under a salt made from\n"
      "C: deterministic, so exporting a grown crowd again keeps every earlier member's group) and to its\n"
      "treatment group otherwise; the assignments are stored (no experiments upload needed) and only the\n"
      "treatment members are exported. 'aips lift --campaign C' then measures the campaign against the\n"
      "control group (docs/measures.md#lift).");
  c->callback([a] {
    if (a->tenant.empty() == !a->raw)
      return Fail(Status::InvalidArgument("give --tenant T (salted ids) or --raw"));
    std::string salt;
    if (!a->raw) {
      auto store = OpenTenantStore(EngineSource{a->where.data, a->where.engine});
      if (!store.ok()) return Fail(store.status());
      auto reg = store.value()->Load();
      if (!reg.ok()) return Fail(reg.status());
      auto t = reg->tenants().find(a->tenant);
      if (t == reg->tenants().end())
        return Fail(Status::NotFound(fmt::format("unknown tenant '{}'", a->tenant)));
      salt = t->second.salt;
    }
    WithCrowd(*a, [&](QueryEngine& e, const CrowdQuery& q) {
      auto csv = a->campaign.empty() ? e.CrowdExport(q, salt, a->min_size)
                                     : e.CrowdExportHoldout(q, salt, a->min_size, a->campaign, a->holdout);
      if (!csv.ok()) return Fail(csv.status());
      const auto exported = std::count(csv->begin(), csv->end(), '\n') - 1;  // lines after the header
      if (a->out.empty()) {
        fmt::print("{}", csv.value());
      } else if (Status s = WriteFileAtomic(a->out, csv.value()); !s.ok()) {
        return Fail(s);
      }
      if (a->json && !a->out.empty()) {
        fmt::print("{{\"exported\":{},\"out\":\"{}\"}}\n", exported, a->out);
      } else {
        fmt::print(stderr, "exported {} users{}\n", exported, a->out.empty() ? "" : " to " + a->out);
      }
    });
  });
}

}  // namespace

void RegisterCrowd(CLI::App& app) {
  CLI::App* crowd = app.add_subcommand(
      "crowd", "Crowd packs: count, save, list and export crowds built from stages and flows");
  crowd->require_subcommand(1);
  crowd->footer(
      "Expressions (docs/crowds.md):\n"
      "  stage(brand: \"B\", date: \"2024-11-29\") in [TI] and not stage(brand: \"B\", date: \"2024-11-29\") "
      "in [P]\n"
      "  flowed(brand: \"B\", from: \"2024-10-30\", to: \"2024-11-29\", from_stage: [TI, P], to_stage: "
      "[none])\n"
      "  reached(campaign: \"C\") or crowd(\"saved name\")\n"
      "Presets: redelivery (复投), lost (流失召回), conquest (竞品收割, needs --competitor).");
  AddCrowdCount(crowd);
  AddCrowdSave(crowd);
  AddCrowdList(crowd);
  AddCrowdPortrait(crowd);
  AddCrowdExport(crowd);
}

}  // namespace aips::cli
