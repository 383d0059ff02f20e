#include <chrono>

#include "cli/cli.h"
#include "fmt/format.h"
#include "sim/simulator.h"

namespace aips::cli {

void RegisterSimulate(CLI::App& app) {
  auto o = std::make_shared<SimOptions>();
  auto start = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto effects = std::make_shared<std::string>("planted");
  CLI::App* c =
      app.add_subcommand("simulate", "Write a realistic, seeded demo world (events and side tables as CSV)");
  c->add_option("--out", o->out_dir, "Output directory")->required();
  c->add_option("--users", o->users, "Users (about 10 events each; default 20000)");
  c->add_option("--days", o->days, "Days of history (default 90)");
  c->add_option("--seed", o->seed, "Random seed (default 1)");
  c->add_option("--brands", o->brands, "Brands (default: users/20000, between 15 and 100)");
  c->add_option("--start", *start, "First day, YYYY-MM-DD (default 2024-09-01)");
  c->add_option("--bad-rows", o->bad_rows, "Malformed event rows to mix in (for trying rejects)");
  c->add_option("--duplicate-rate", o->duplicate_rate, "Share of events delivered twice (default 0.003)");
  c->add_option("--effects", *effects,
                "Campaign effects: planted (default) or none (every multiplier 1.0: an A/A world)")
      ->check(CLI::IsMember({"planted", "none"}));
  c->add_option("--holdout-share", o->holdout_share,
                "Share of a holdout campaign's assigned users put in control (default 0.2)")
      ->check(CLI::Range(0.0, 1.0));
  c->add_flag("--json", *json, "Print a JSON summary");
  c->add_flag("--events-stdout", o->events_stdout,
              "Write events.csv to standard output instead (the summary goes to standard error), to pipe a "
              "world of any size into 'aips ingest --data DIR -' without storing the CSV");
  c->footer(
      "Writes events.csv, categories.csv, brands.csv, campaigns.csv, spend.csv, user_attributes.csv, "
      "orders.csv,\n"
      "identity.csv, notes.csv, accounts.csv, messages.csv, experiments.csv (holdout assignments) and\n"
      "truth.json (what was planted; docs/simulate.md) into --out.\nExample:\n  aips "
      "simulate --out world --users 200000 --days 90 --seed 7\n  aips simulate --out world --users "
      "20000000 --events-stdout | aips ingest --data store -");
  c->callback([o, start, json, effects] {
    o->effects = *effects == "planted";
    auto s = OptionalDate(*start, "--start");
    if (!s.ok()) return Fail(s.status());
    if (s.value()) o->start = *s.value();
    auto t0 = std::chrono::steady_clock::now();
    auto r = Simulate(*o);
    if (!r.ok()) return Fail(r.status());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    FILE* to = o->events_stdout ? stderr : stdout;
    if (*json) {
      fmt::print(
          to,
          "{{\"events\":{},\"duplicates\":{},\"bad_rows\":{},\"brands\":{},\"spus\":{},\"campaigns\":{},"
          "\"holdouts\":{},\"assignments\":{},\"seconds\":{:.3f}}}\n",
          r->events, r->duplicates, r->bad_rows, r->brands, r->spus, r->campaigns, r->holdouts,
          r->assignments, secs);
    } else {
      fmt::print(to,
                 "wrote {} events ({} retried duplicates, {} malformed) for {} users, {} brands, {} SPUs, {} "
                 "campaigns ({} with a holdout: {} assignments) to {} in {:.1f} s\n",
                 r->events, r->duplicates, r->bad_rows, o->users, r->brands, r->spus, r->campaigns,
                 r->holdouts, r->assignments, o->out_dir, secs);
    }
  });
}

}  // namespace aips::cli
