#include "cli/cli.h"
#include "common/file_util.h"
#include "distributed/ch_store.h"
#include "domain/rules.h"
#include "fmt/format.h"

namespace aips::cli {

namespace {

// The time zone cannot change once events are stored in days of it (as for a data directory).
void SetClickHouseRules(const std::string& url, const Rules& rules, const std::string& text) {
  auto ch = ChStore::Connect(url, ChStore::Mode::kWrite);
  if (!ch.ok()) return Fail(ch.status());
  auto cur = ch.value()->LoadRules();
  if (!cur.ok()) return Fail(cur.status());
  auto days = ch.value()->DataDays();
  if (!days.ok()) return Fail(days.status());
  if (days->second != kNoDay && cur->timezone != rules.timezone) {
    return Fail(Status::InvalidArgument(
        fmt::format("{} holds events in days of {}; rules with timezone \"{}\" need a new database",
                    ch.value()->Describe(), cur->timezone, rules.timezone)));
  }
  if (Status s = ch.value()->SaveRules(text); !s.ok()) return Fail(s);
  fmt::print(stderr, "rules set for {}; every query uses them from now on\n", ch.value()->Describe());
}

}  // namespace

void RegisterRules(CLI::App& app) {
  CLI::App* rules = app.add_subcommand("rules", "Show, check or set the stage rules (docs/rules.md)");
  rules->require_subcommand(1);
  {
    auto w = std::make_shared<Where>();
    CLI::App* c =
        rules->add_subcommand("show", "Print the rules in force (TOML): a data directory's, or the defaults");
    AddWhere(c, w.get(), "Data directory (default: print the compiled-in defaults)");
    c->callback([w] {
      if (!w->engine.empty()) {
        auto ch = ChStore::Connect(w->engine, ChStore::Mode::kRead);
        if (!ch.ok()) return Fail(ch.status());
        auto r = ch.value()->LoadRules();
        if (!r.ok()) return Fail(r.status());
        return static_cast<void>(
            fmt::print("# rules in force in {}\n{}", ch.value()->Describe(), r->ToToml()));
      }
      const std::string& data = w->data;
      auto r = data.empty() ? Result<Rules>(DefaultRules()) : LoadRules(data);
      if (!r.ok()) return Fail(r.status());
      fmt::print(
          "# rules in force{}\n{}",
          data.empty() || !FileExists(RulesPath(data)) ? " (defaults, docs/definitions.md#stage-rules)" : "",
          r->ToToml());
    });
  }
  {
    auto file = std::make_shared<std::string>();
    CLI::App* c = rules->add_subcommand("check", "Validate a rules file; errors name the line and column");
    c->add_option("file", *file, "TOML rules file")->required();
    c->callback([file] {
      auto text = ReadFile(*file);
      if (!text.ok()) return Fail(text.status());
      auto r = ParseRules(text.value(), *file);
      if (!r.ok()) return Fail(r.status());
      fmt::print("{}: ok (time zone {}, {} category override(s))\n", *file, r->timezone,
                 r->categories.size());
    });
  }
  {
    auto w = std::make_shared<Where>();
    auto file = std::make_shared<std::string>();
    CLI::App* c =
        rules->add_subcommand("set", "Validate a rules file and make it the data directory's rules");
    AddWhere(c, w.get());
    c->add_option("file", *file, "TOML rules file")->required();
    c->footer("Snapshots computed under other rules are recomputed on the next query or compute.");
    c->callback([w, file] {
      if (Status s = CheckWhere(*w); !s.ok()) return Fail(s);
      auto text = ReadFile(*file);
      if (!text.ok()) return Fail(text.status());
      auto r = ParseRules(text.value(), *file);
      if (!r.ok()) return Fail(r.status());
      if (!w->engine.empty()) return SetClickHouseRules(w->engine, r.value(), text.value());
      const std::string* data = &w->data;
      Status s = MakeDirs(*data);
      if (s.ok()) {
        auto lock = DirLock::Acquire(*data, 30000);
        if (!lock.ok()) return Fail(lock.status());
        auto m = ReadFile(*data + "/MANIFEST");
        // The time zone cannot change once events are partitioned by it (checked again at ingest).
        if (m.ok()) {
          auto cur = LoadRules(*data);
          if (cur.ok() && cur->timezone != r->timezone) {
            return Fail(
                Status::InvalidArgument(fmt::format("the data directory's events are in days of {}; a rules "
                                                    "file with timezone \"{}\" needs a new data directory",
                                                    cur->timezone, r->timezone)));
          }
        }
        s = WriteFileAtomic(RulesPath(*data), text.value());
      }
      if (!s.ok()) return Fail(s);
      fmt::print(stderr, "rules set for {}; snapshots will be recomputed under them\n", *data);
    });
  }
}

}  // namespace aips::cli
