#include <chrono>

#include "cli/cli.h"
#include "fmt/format.h"
#include "render/render.h"

namespace aips::cli {

namespace {

struct QueryArgs {
  Where where;
  std::string brand, spu, date, from, to;
  bool json = false;
  ScopeRef scope() const {
    ScopeRef s{brand, std::nullopt};
    if (!spu.empty()) s.spu = spu;
    return s;
  }
};

template <typename R>
void Print(const Result<R>& r, bool json) {
  if (!r.ok()) return Fail(r.status());
  fmt::print("{}{}", json ? ToJson(r.value()) : ToTable(r.value()), json ? "\n" : "");
}

CLI::App* AddQuery(CLI::App& app, const char* name, const char* help, std::shared_ptr<QueryArgs> a,
                   bool scoped) {
  CLI::App* c = app.add_subcommand(name, help);
  AddWhere(c, &a->where);
  if (scoped) {
    c->add_option("--brand", a->brand, "Brand id")->required();
    c->add_option("--spu", a->spu, "Product (SPU) id: the SPU scope instead of the brand scope");
  }
  c->add_flag("--json", a->json, "Print one JSON document (the contract in docs/cli.md)");
  return c;
}

}  // namespace

void RegisterQueries(CLI::App& app) {
  {
    auto a = std::make_shared<QueryArgs>();
    CLI::App* c =
        AddQuery(app, "info", "What a data directory holds: brands, SPUs, campaigns, days, rules", a, false);
    c->callback([a] {
      auto e = OpenQueryEngine(a->where);
      if (!e.ok()) return Fail(e.status());
      Print(e.value()->Info(), a->json);
    });
  }
  {
    auto a = std::make_shared<QueryArgs>();
    CLI::App* c =
        AddQuery(app, "stages", "Stage sizes (A, I, TI, P, S) of a brand or SPU on one day", a, true);
    c->add_option("--date", a->date, "YYYY-MM-DD (default: the last day with data)");
    c->footer("Example:\n  aips stages --data store --brand serum-01 --date 2024-11-30 --json");
    c->callback([a] {
      auto d = OptionalDate(a->date, "--date");
      if (!d.ok()) return Fail(d.status());
      auto e = OpenQueryEngine(a->where);
      if (!e.ok()) return Fail(e.status());
      Print(e.value()->Stages(a->scope(), d.value()), a->json);
    });
  }
  {
    auto a = std::make_shared<QueryArgs>();
    CLI::App* c = AddQuery(app, "trend", "Daily stage sizes over a date range", a, true);
    c->add_option("--from", a->from, "First day, YYYY-MM-DD (default: 29 days before --to)");
    c->add_option("--to", a->to, "Last day, YYYY-MM-DD (default: the last day with data)");
    c->callback([a] {
      auto f = OptionalDate(a->from, "--from");
      if (!f.ok()) return Fail(f.status());
      auto t = OptionalDate(a->to, "--to");
      if (!t.ok()) return Fail(t.status());
      auto e = OpenQueryEngine(a->where);
      if (!e.ok()) return Fail(e.status());
      Print(e.value()->Trend(a->scope(), f.value(), t.value()), a->json);
    });
  }
  {
    auto a = std::make_shared<QueryArgs>();
    CLI::App* c = AddQuery(
        app, "flow", "人群流转: the 6×6 matrix of stage moves between two days, with 新增/流失/加深/回落", a,
        true);
    c->add_option("--from", a->from, "Day D0, YYYY-MM-DD (default: 30 days before --to)");
    c->add_option("--to", a->to, "Day D1 > D0, YYYY-MM-DD (default: the last day with data)");
    c->callback([a] {
      auto f = OptionalDate(a->from, "--from");
      if (!f.ok()) return Fail(f.status());
      auto t = OptionalDate(a->to, "--to");
      if (!t.ok()) return Fail(t.status());
      auto e = OpenQueryEngine(a->where);
      if (!e.ok()) return Fail(e.status());
      Print(e.value()->Flow(a->scope(), f.value(), t.value()), a->json);
    });
  }
  {
    auto a = std::make_shared<QueryArgs>();
    CLI::App* c = AddQuery(app, "penetration",
                           "渗透率: each stage inside the category crowd (30 days) on one day", a, true);
    c->add_option("--date", a->date, "YYYY-MM-DD (default: the last day with data)");
    c->callback([a] {
      auto d = OptionalDate(a->date, "--date");
      if (!d.ok()) return Fail(d.status());
      auto e = OpenQueryEngine(a->where);
      if (!e.ok()) return Fail(e.status());
      Print(e.value()->Penetration(a->scope(), d.value()), a->json);
    });
  }
}

void RegisterCompute(CLI::App& app) {
  auto a = std::make_shared<QueryArgs>();
  CLI::App* c = app.add_subcommand("compute",
                                   "Precompute daily stage snapshots of every brand, SPU and category crowd");
  c->add_option("--data", a->where.data, "Data directory")->required()->envname("AIPS_DATA");
  c->add_option("--until", a->to, "Last day to compute, YYYY-MM-DD (default: the last day with data)");
  c->add_flag("--json", a->json, "Print a JSON summary");
  c->footer(
      "Queries compute what is missing on their own; compute does it ahead of time so that they answer from "
      "disk.");
  c->callback([a] {
    auto until = OptionalDate(a->to, "--until");
    if (!until.ok()) return Fail(until.status());
    auto e = OpenQueryEngine(a->where);
    if (!e.ok()) return Fail(e.status());
    const bool tty = isatty(2);
    size_t subjects = 0, resumed = 0;
    auto t0 = std::chrono::steady_clock::now();
    Status s = e.value()->Compute(until.value(), [&](const ComputeProgress& p) {
      subjects = p.total;
      resumed = p.resumed;
      if (tty) fmt::print(stderr, "\rcompute [{:>4}/{:<4}] {:<40}", p.done, p.total, p.subject);
    });
    if (tty && subjects) fmt::print(stderr, "\n");
    if (!s.ok()) return Fail(s);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto days = e.value()->DataDays();
    if (!days.ok()) return Fail(days.status());
    const Day last = days->second;
    if (a->json) {
      fmt::print(
          "{{\"subjects_computed\":{},\"subjects_resumed\":{},\"seconds\":{:.3f},\"last_day\":\"{}\"}}\n",
          subjects, resumed, secs, FormatDate(last));
    } else {
      fmt::print("computed {} brand and category snapshot files in {:.2f} s (data through {})\n", subjects,
                 secs, FormatDate(last));
    }
  });
}

}  // namespace aips::cli
