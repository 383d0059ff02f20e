// aips topics (灵犀 topic insights) and aips consult (私信 consultations): issue #9, docs/insights.md.
#include <set>

#include "cli/cli.h"
#include "fmt/format.h"
#include "render/render_insights.h"

namespace aips::cli {

namespace {

struct Args {
  Where where;
  std::string category, brand, account, from, to;
  bool json = false;
};

template <typename Fn>
void WithDates(const Args& a, Fn fn) {
  auto from = OptionalDate(a.from, "--from");
  auto to = OptionalDate(a.to, "--to");
  if (!from.ok()) return Fail(from.status());
  if (!to.ok()) return Fail(to.status());
  auto e = OpenQueryEngine(a.where);
  if (!e.ok()) return Fail(e.status());
  fn(*e.value(), from.value(), to.value());
}

// The options both commands take: the data directory, the period and --json.
CLI::App* AddCommand(CLI::App& app, const char* name, const char* help, Args* a, const char* to_default) {
  CLI::App* c = app.add_subcommand(name, help);
  AddWhere(c, &a->where);
  c->add_option("--from", a->from, "First day, YYYY-MM-DD (default: 30 days ending on --to)");
  c->add_option("--to", a->to, fmt::format("Last day, YYYY-MM-DD (default: {})", to_default));
  return c;
}

template <typename R>
void Print(const Result<R>& r, bool json) {
  if (!r.ok()) return Fail(r.status());
  fmt::print("{}", json ? ToJson(r.value()) : ToTable(r.value()));
}

}  // namespace

void RegisterInsights(CLI::App& app) {
  {
    auto a = std::make_shared<Args>();
    CLI::App* c = AddCommand(
        app, "topics",
        "灵犀 topic insights: topic volume, engagement, growth, rising topics and reach into a brand",
        a.get(), "the last day with data");
    c->add_option("--category", a->category, "The category (its brands' notes)")->required();
    c->add_option("--brand", a->brand,
                  "Also show each topic's reach into this brand's stages and the notes that moved the most "
                  "users into its TI");
    c->add_flag(
        "--json", a->json,
        "Print {\"topics\":[{\"topic\",\"notes\",\"engagements\",\"growth\",...}],\"top_notes\":[...]}");
    c->footer(
        "Notes come from the notes table (aips ingest notes.csv); engagements are click, like, deep_read, "
        "collect,\ncomment and share events carrying a note id. growth compares engagements with the "
        "previous period\nof equal length (null when that had none); rising topics pass a significance test "
        "(docs/insights.md).\nExample:\n  aips topics --data store --category face_serum --brand serum-01");
    c->callback([a] {
      WithDates(*a, [&](QueryEngine& e, std::optional<Day> from, std::optional<Day> to) {
        Print(e.Topics(a->category, from, to, a->brand), a->json);
      });
    });
  }
  {
    auto a = std::make_shared<Args>();
    CLI::App* c =
        AddCommand(app, "consult",
                   "私信 consultations: reply times, 30-second reply rate, night coverage, leads and score",
                   a.get(), "the last day with messages");
    c->add_option("--account", a->account, "One account (default: every account and group)");
    c->add_option("--brand", a->brand,
                  "Only the accounts answering for this brand (its own brand, else its campaign's)");
    c->add_flag("--json", a->json,
                "Print {\"conversations\",\"replied_within_30s\",\"reply_30s_rate\",\"leads\",...} for "
                "--account, else {\"accounts\":[...],\"groups\":[...]}");
    c->footer(
        "A conversation belongs to the period of its first 'in' message; its first reply is the first 'out' "
        "at or\nafter that; within 30 s means <= 30 s; night is 22:00-08:00 in the store's time zone. "
        "Formulas:\ndocs/insights.md.\nExample:\n  aips consult --data store --account hd-hq "
        "--from 2024-11-01 --to 2024-11-30 --json");
    c->callback([a] {
      WithDates(*a, [&](QueryEngine& e, std::optional<Day> from, std::optional<Day> to) {
        const std::set<std::string> only{a->brand};
        Print(e.Consult(a->account, from, to, a->brand.empty() ? nullptr : &only), a->json);
      });
    });
  }
}

}  // namespace aips::cli
