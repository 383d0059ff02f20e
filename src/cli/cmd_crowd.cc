#include <ctime>

#include "cli/cli.h"
#include "common/file_util.h"
#include "common/json_writer.h"
#include "fmt/format.h"
#include "crowds/crowd_tools.h"
#include "embedded/embedded_engine.h"
#include "render/render_act.h"
#include "render/render_category.h"
#include "serve/tenants.h"
#include "store/crowds.h"

namespace aips::cli {

namespace {

struct Args {
  std::string data, expr, preset, brand, competitor, date, since, name, tenant, out;
  size_t min_size = kDefaultMinExportSize;
  bool raw = false, json = false;
};

void AddSelection(CLI::App* c, Args* a) {
  c->add_option("--data", a->data, "Data directory")->required()->envname("AIPS_DATA");
  c->add_option("--expr", a->expr, "A crowd expression (docs/crowds.md)");
  c->add_option("--preset", a->preset, "Or a preset: redelivery, lost, conquest");
  c->add_option("--brand", a->brand, "The preset's brand");
  c->add_option("--competitor", a->competitor, "The conquest preset's competitor");
  c->add_option("--date", a->date, "The preset's day (default: the last day with data)");
  c->add_option("--since", a->since, "The lost preset's earlier day (default: 30 days before --date)");
}

// The expression text of --expr or --preset.
Result<std::string> Expression(const Args& a, EmbeddedEngine& e) {
  if (a.expr.empty() == a.preset.empty())
    return Status::InvalidArgument("give --expr '...' or --preset NAME");
  if (!a.expr.empty()) return a.expr;
  PresetArgs p{a.preset, a.brand, a.competitor};
  AIPS_ASSIGN_OR_RETURN(auto date, OptionalDate(a.date, "--date"));
  AIPS_ASSIGN_OR_RETURN(auto since, OptionalDate(a.since, "--since"));
  p.date = date.value_or(e.store().manifest().LastDay());
  p.since = since.value_or(kNoDay);
  return PresetExpression(p);
}

struct Evaluated {
  std::string expr;
  Roaring members;
};

Result<Evaluated> Evaluate(const Args& a, EmbeddedEngine& e) {
  Evaluated out;
  AIPS_ASSIGN_OR_RETURN(out.expr, Expression(a, e));
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(out.expr));
  AIPS_ASSIGN_OR_RETURN(out.members, e.EvalCrowd(*node, ""));
  return out;
}

template <typename Fn>
void WithCrowd(const Args& a, Fn fn) {
  auto e = EmbeddedEngine::Open(a.data);
  if (!e.ok()) return Fail(e.status());
  auto r = Evaluate(a, *e.value());
  if (!r.ok()) return Fail(r.status());
  fn(*e.value(), r.value());
}

}  // namespace

void RegisterActReports(CLI::App& app) {
  {
    auto a = std::make_shared<Args>();
    auto x = std::make_shared<int>(-1);
    CLI::App* c = app.add_subcommand(
        "spectrum", "一方光谱: first-party customer tiers × AIPS stages, conversion, bid multipliers");
    c->add_option("--data", a->data, "Data directory")->required()->envname("AIPS_DATA");
    c->add_option("--brand", a->brand, "The brand")->required();
    c->add_option("--date", a->date, "As of YYYY-MM-DD (default: the last day with data minus x)");
    c->add_option("--x", *x, "Conversion window in days (default: the category's decision cycle)");
    c->add_flag("--json", a->json, "JSON");
    c->callback([a, x] {
      auto date = OptionalDate(a->date, "--date");
      if (!date.ok()) return Fail(date.status());
      auto e = EmbeddedEngine::Open(a->data);
      if (!e.ok()) return Fail(e.status());
      auto r = e.value()->Spectrum(a->brand, date.value(), *x >= 0 ? std::optional<int>(*x) : std::nullopt);
      if (!r.ok()) return Fail(r.status());
      fmt::print("{}{}", a->json ? ToJson(r.value()) : ToTable(r.value()), a->json ? "\n" : "");
    });
  }
  {
    auto a = std::make_shared<Args>();
    auto threshold = std::make_shared<double>(0.8);
    CLI::App* c = app.add_subcommand(
        "correction", "人群纠偏: a campaign's reached crowd against its target crowd, day by day");
    c->add_option("--data", a->data, "Data directory")->required()->envname("AIPS_DATA");
    c->add_option("--campaign", a->name, "The campaign")->required();
    c->add_option("--target", a->expr, "The target crowd, as an expression (docs/crowds.md)")->required();
    c->add_option("--threshold", *threshold,
                  "A segment drifts below this share of its target share (default 0.8)");
    c->add_flag("--json", a->json, "JSON");
    c->callback([a, threshold] {
      auto e = EmbeddedEngine::Open(a->data);
      if (!e.ok()) return Fail(e.status());
      auto r = e.value()->Correction(a->name, a->expr, *threshold, "");
      if (!r.ok()) return Fail(r.status());
      fmt::print("{}{}", a->json ? ToJson(r.value()) : ToTable(r.value()), a->json ? "\n" : "");
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
    WithCrowd(*a, [&](EmbeddedEngine& e, const Evaluated& r) {
      auto date = OptionalDate(a->date, "--date");
      if (!date.ok()) return Fail(date.status());
      auto la = e.Lookalike(r.members, date.value(), *window, sizes.value());
      if (!la.ok()) return Fail(la.status());
      if (!a->name.empty()) {
        // The data directory's lock, held by the engine (which may hold it already after computing).
        if (Status s = e.store().UpgradeToWrite(); !s.ok()) return Fail(s);
        auto saved = LoadCrowds(e.store().dir());
        if (!saved.ok()) return Fail(saved.status());
        for (auto& t : la->tiers) {
          saved->push_back(MakeSavedCrowd(saved.value(), a->name + "-" + t.name, "",
                                          fmt::format("lookalike of ({}) tier {}", r.expr, t.name),
                                          t.members));
        }
        if (Status s = SaveCrowds(e.store().dir(), saved.value()); !s.ok()) return Fail(s);
      }
      fmt::print("{}{}", a->json ? ToJson(la.value()) : ToTable(la.value()), a->json ? "\n" : "");
    });
  });
}

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
  {
    auto a = std::make_shared<Args>();
    CLI::App* c = crowd->add_subcommand("count", "Count a crowd's users");
    AddSelection(c, a.get());
    c->add_flag("--json", a->json, "Print {\"count\":N,\"expr\":\"...\"}");
    c->callback([a] {
      WithCrowd(*a, [&](EmbeddedEngine&, const Evaluated& r) {
        if (a->json) {
          fmt::print("{}\n", CrowdCountJson(r.members, r.expr));
        } else {
          fmt::print("{} users\n  {}\n", r.members.cardinality(), r.expr);
        }
      });
    });
  }
  {
    auto a = std::make_shared<Args>();
    CLI::App* c = crowd->add_subcommand("save", "Save a crowd under a name (a new version each time)");
    AddSelection(c, a.get());
    c->add_option("--name", a->name, "Name")->required();
    c->add_flag("--json", a->json, "Print the saved version as JSON");
    c->callback([a] {
      WithCrowd(*a, [&](EmbeddedEngine& e, const Evaluated& r) {
        // The data directory's lock, held by the engine (which may hold it already after computing).
        if (Status s = e.store().UpgradeToWrite(); !s.ok()) return Fail(s);
        auto saved = LoadCrowds(e.store().dir());
        if (!saved.ok()) return Fail(saved.status());
        SavedCrowd sc = MakeSavedCrowd(saved.value(), a->name, "", r.expr, r.members);
        saved->push_back(sc);
        if (Status s = SaveCrowds(e.store().dir(), saved.value()); !s.ok()) return Fail(s);
        if (a->json) {
          fmt::print("{{\"name\":\"{}\",\"version\":{},\"size\":{}}}\n", sc.name, sc.version, sc.size);
        } else {
          fmt::print("saved {} v{}: {} users\n", sc.name, sc.version, sc.size);
        }
      });
    });
  }
  {
    auto a = std::make_shared<Args>();
    CLI::App* c = crowd->add_subcommand("list", "List saved crowds");
    c->add_option("--data", a->data, "Data directory")->required()->envname("AIPS_DATA");
    c->add_flag("--json", a->json, "JSON");
    c->callback([a] {
      auto saved = LoadCrowds(a->data);
      if (!saved.ok()) return Fail(saved.status());
      JsonWriter w;
      w.BeginObject().Key("crowds").BeginArray();
      if (a->json) {
        fmt::print("{}\n", SavedCrowdsJson(saved.value(), std::nullopt));
      } else {
        for (auto& sc : saved.value()) {
          fmt::print("{:<24} v{:<3} {:>10} users  {}\n", sc.name, sc.version, sc.size, sc.definition);
        }
      }
    });
  }
  {
    auto a = std::make_shared<Args>();
    auto category = std::make_shared<std::string>();
    CLI::App* c = crowd->add_subcommand(
        "portrait", "人群画像: a crowd's share per user tag against the category crowd (TGI)");
    AddSelection(c, a.get());
    c->add_option("--category", *category, "Base category (default: the first brand's category)");
    c->add_flag("--json", a->json, "JSON");
    c->callback([a, category] {
      WithCrowd(*a, [&](EmbeddedEngine& e, const Evaluated& r) {
        auto date = OptionalDate(a->date, "--date");
        if (!date.ok()) return Fail(date.status());
        auto p = PortraitOf(e, r.expr, r.members, *category, date.value());
        if (!p.ok()) return Fail(p.status());
        fmt::print("{}{}", a->json ? ToJson(p.value()) : ToTable(p.value()), a->json ? "\n" : "");
      });
    });
  }
  {
    auto a = std::make_shared<Args>();
    CLI::App* c =
        crowd->add_subcommand("export", "Export a crowd's members as salted SHA-256 ids for an ad platform");
    AddSelection(c, a.get());
    c->add_option("--tenant", a->tenant, "Tenant whose salt hashes the ids");
    c->add_flag("--raw", a->raw, "Platform user ids in clear instead (operators only)");
    c->add_option("--out", a->out, "Output file (default: standard output)");
    c->add_option("--min-size", a->min_size, "Refuse crowds smaller than this (default 100)");
    c->add_flag("--json", a->json, "With --out: print {\"exported\":N,\"out\":\"FILE\"}");
    c->callback([a] {
      if (a->tenant.empty() == !a->raw)
        return Fail(Status::InvalidArgument("give --tenant T (salted ids) or --raw"));
      std::string salt;
      if (!a->raw) {
        auto reg = TenantRegistry::Load(a->data);
        if (!reg.ok()) return Fail(reg.status());
        auto t = reg->tenants().find(a->tenant);
        if (t == reg->tenants().end())
          return Fail(Status::NotFound(fmt::format("unknown tenant '{}'", a->tenant)));
        salt = t->second.salt;
      }
      WithCrowd(*a, [&](EmbeddedEngine& e, const Evaluated& r) {
        auto csv = ExportCrowd(e, r.members, salt, a->min_size);
        if (!csv.ok()) return Fail(csv.status());
        if (a->out.empty()) {
          fmt::print("{}", csv.value());
        } else if (Status s = WriteFileAtomic(a->out, csv.value()); !s.ok()) {
          return Fail(s);
        }
        if (a->json && !a->out.empty()) {
          fmt::print("{{\"exported\":{},\"out\":\"{}\"}}\n", r.members.cardinality(), a->out);
        } else {
          fmt::print(stderr, "exported {} users{}\n", r.members.cardinality(),
                     a->out.empty() ? "" : " to " + a->out);
        }
      });
    });
  }
}

}  // namespace aips::cli
