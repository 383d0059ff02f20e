#include "absl/strings/str_split.h"
#include "cli/cli.h"
#include "fmt/format.h"
#include "render/render_category.h"

namespace aips::cli {

namespace {

struct Args {
  Where where;
  std::string brand, with, brands, category, date, from, to;
  int top = 3, x = -1, within = 7;
  bool json = false;
};

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  for (absl::string_view p : absl::StrSplit(s, ',', absl::SkipEmpty())) out.emplace_back(p);
  return out;
}

template <typename R>
void Print(const Result<R>& r, bool json) {
  if (!r.ok()) return Fail(r.status());
  fmt::print("{}{}", json ? ToJson(r.value()) : ToTable(r.value()), json ? "\n" : "");
}

CLI::App* Add(CLI::App& app, const char* name, const char* help, std::shared_ptr<Args> a) {
  CLI::App* c = app.add_subcommand(name, help);
  AddWhere(c, &a->where);
  c->add_flag("--json", a->json, "Print one JSON document");
  return c;
}

// Runs fn(engine, dates...) after parsing the date options common to these commands.
template <typename Fn>
void WithEngine(const Args& a, Fn fn) {
  auto date = OptionalDate(a.date, "--date");
  auto from = OptionalDate(a.from, "--from");
  auto to = OptionalDate(a.to, "--to");
  for (const Status* s : {&date.status(), &from.status(), &to.status()})
    if (!s->ok()) return Fail(*s);
  auto e = OpenQueryEngine(a.where);
  if (!e.ok()) return Fail(e.status());
  fn(*e.value(), date.value(), from.value(), to.value());
}

}  // namespace

namespace {

void AddCompare(CLI::App& app) {
  auto a = std::make_shared<Args>();
  CLI::App* c =
      Add(app, "compare",
          "竞品对比: a brand beside its competitors, with its rank and percentile in the category", a);
  c->add_option("--brand", a->brand, "The brand")->required();
  c->add_option("--with", a->with,
                "Competitors, comma-separated (default: none; the category is always ranked)");
  c->add_option("--date", a->date, "As of YYYY-MM-DD (default: the last day with data)");
  c->add_option("--from", a->from, "Flows from this day (default: 30 days before --date)");
  c->add_option("--top", a->top, "N of the category's top-N average (default 3)");
  c->callback([a] {
    WithEngine(*a, [&](QueryEngine& e, auto date, auto from, auto) {
      Print(e.Compare(a->brand, SplitList(a->with), from, date, a->top), a->json);
    });
  });
}

void AddOverlap(CLI::App& app) {
  auto a = std::make_shared<Args>();
  CLI::App* c = Add(app, "overlap", "人群重合: users two brands share, per stage, on one day", a);
  c->add_option("--brands", a->brands, "Two or more brands, comma-separated")->required();
  c->add_option("--date", a->date, "YYYY-MM-DD (default: the last day with data)");
  c->callback([a] {
    WithEngine(*a, [&](QueryEngine& e, auto date, auto, auto) {
      Print(e.Overlap(SplitList(a->brands), date), a->json);
    });
  });
}

void AddDefeated(CLI::App& app) {
  auto a = std::make_shared<Args>();
  CLI::App* c =
      Add(app, "defeated",
          "战败人群: seeded by the brand (TI+), then bought only from competitors within x days", a);
  c->add_option("--brand", a->brand, "The brand")->required();
  c->add_option("--date", a->date, "End of the decision cycle, YYYY-MM-DD (default: the last day with data)");
  c->add_option("--x", a->x, "Decision cycle in days (default: the category's)");
  c->footer(
      "Seeded = the brand's TI, P or S on date - x; defeated = seeded users who bought a competitor of "
      "the\n"
      "category in (date - x, date] and did not buy the brand.");
  c->callback([a] {
    WithEngine(*a, [&](QueryEngine& e, auto date, auto, auto) {
      std::optional<int> x;
      if (a->x >= 0) x = a->x;
      Print(e.Defeated(a->brand, date, x), a->json);
    });
  });
}

void AddSearchBack(CLI::App& app) {
  auto a = std::make_shared<Args>();
  CLI::App* c =
      Add(app, "searchback", "回搜率: readers who searched the brand within 7 days after reading", a);
  c->add_option("--brand", a->brand, "The brand")->required();
  c->add_option("--from", a->from, "First reading day (default: 29 days before --to)");
  c->add_option("--to", a->to, "Last reading day (default: the last day with data)");
  c->add_option("--within", a->within, "Days after a read in which a search counts (default 7)");
  c->callback([a] {
    WithEngine(*a, [&](QueryEngine& e, auto, auto from, auto to) {
      Print(e.SearchBack(a->brand, from, to, a->within), a->json);
    });
  });
}

void AddFirstParty(CLI::App& app) {
  auto a = std::make_shared<Args>();
  CLI::App* c = Add(app, "firstparty",
                    "一方数据: a brand's first-party orders, matched and waiting, and the match rate", a);
  c->add_option("--brand", a->brand, "The brand")->required();
  c->callback([a] {
    WithEngine(*a, [&](QueryEngine& e, auto, auto, auto) { Print(e.FirstParty(a->brand), a->json); });
  });
}

void AddAurora(CLI::App& app) {
  auto a = std::make_shared<Args>();
  CLI::App* c =
      Add(app, "aurora",
          "极光指标: awareness, content, penetration, word of mouth — 0-100 among the category's brands", a);
  c->add_option("--category", a->category, "Category");
  c->add_option("--brand", a->brand, "A brand (its category)");
  c->add_option("--date", a->date, "YYYY-MM-DD (default: the last day with data)");
  c->callback([a] {
    WithEngine(*a, [&](QueryEngine& e, auto date, auto, auto) {
      std::string category = a->category;
      if (category.empty()) {
        if (a->brand.empty()) return Fail(Status::InvalidArgument("give --category C or --brand B"));
        auto cat = e.CategoryOf(a->brand);
        if (!cat.ok()) return Fail(cat.status());
        category = cat.value();
      }
      Print(e.Aurora(category, date), a->json);
    });
  });
}

}  // namespace

void RegisterCategory(CLI::App& app) {
  AddCompare(app);
  AddOverlap(app);
  AddDefeated(app);
  AddSearchBack(app);
  AddFirstParty(app);
  AddAurora(app);
}

}  // namespace aips::cli
