#include "cli/cli.h"
#include "common/file_util.h"
#include "fmt/format.h"
#include "model/rules.h"

namespace aips::cli {

void RegisterRules(CLI::App& app) {
  CLI::App* rules = app.add_subcommand("rules", "Show, check or set the stage rules (docs/rules.md)");
  rules->require_subcommand(1);
  {
    auto data = std::make_shared<std::string>();
    CLI::App* c =
        rules->add_subcommand("show", "Print the rules in force (TOML): a data directory's, or the defaults");
    c->add_option("--data", *data, "Data directory (default: print the compiled-in defaults)")
        ->envname("AIPS_DATA");
    c->callback([data] {
      auto r = data->empty() ? Result<Rules>(DefaultRules()) : LoadRules(*data);
      if (!r.ok()) return Fail(r.status());
      fmt::print("# rules in force{}\n{}",
                 data->empty() || !FileExists(RulesPath(*data)) ? " (defaults, AIPS.md §3)" : "",
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
    auto data = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    CLI::App* c =
        rules->add_subcommand("set", "Validate a rules file and make it the data directory's rules");
    c->add_option("--data", *data, "Data directory")->required()->envname("AIPS_DATA");
    c->add_option("file", *file, "TOML rules file")->required();
    c->footer("Snapshots computed under other rules are recomputed on the next query or compute.");
    c->callback([data, file] {
      auto text = ReadFile(*file);
      if (!text.ok()) return Fail(text.status());
      auto r = ParseRules(text.value(), *file);
      if (!r.ok()) return Fail(r.status());
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
