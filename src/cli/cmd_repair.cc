// aips repair: rebuild what can be derived after `aips check` found damage (store/repair.h).
#include "cli/cli.h"
#include "common/json_writer.h"
#include "fmt/format.h"
#include "front/open_engine.h"
#include "maintain/repair.h"

namespace aips::cli {

void RegisterRepair(CLI::App& app) {
  struct Args {
    std::string data;
    RepairOptions opt;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand("repair", "Rebuild what can be derived (snapshots); name what cannot");
  c->add_option("--data", a->data, "Data directory")->required()->envname("AIPS_DATA");
  c->add_flag("--drop-damaged", a->opt.drop_damaged,
              "Keep the intact brand blocks of damaged day segments and drop damaged event-id runs (their "
              "data is lost; the store answers again)");
  c->add_flag("--rebuild-snapshots", a->opt.rebuild_snapshots, "Recompute every snapshot, damaged or not");
  c->add_flag("--dry-run", a->opt.dry_run, "Say what would be done; change nothing");
  c->add_flag(
      "--json", a->json,
      "Print {\"ok\",\"rebuilt\":[..],\"lost\":[{\"file\",\"what\"}],\"cannot\":[{\"file\",\"problem\"}],"
      "\"rows_lost\"}");
  c->footer(
      "Runs 'aips check', deletes damaged snapshots and recomputes them from the events, removes files\n"
      "left by interrupted writes. Events, dictionaries, id runs, side tables, first-party data, attributes\n"
      "and saved crowds cannot be derived: repair names them and the way back (aips restore from a backup,\n"
      "or --drop-damaged to give up the damaged part). Exit code 0 when the directory is whole afterwards,\n"
      "1 when something could not be repaired.\n"
      "Example:\n  aips check --data store || aips repair --data store");
  c->callback([a] {
    auto r = RepairDataDir(a->data, a->opt);
    if (!r.ok()) return Fail(r.status());
    bool recomputed = false;
    if (!a->opt.dry_run && r->snapshots_reset && r->ok()) {
      if (Status s = RecomputeSnapshots(a->data); !s.ok()) return Fail(s);
      recomputed = true;
    }
    if (a->json) {
      JsonWriter w;
      w.BeginObject().Key("ok").Bool(r->ok()).Key("dry_run").Bool(a->opt.dry_run);
      w.Key("rebuilt").BeginArray();
      for (auto& s : r->rebuilt) w.String(s);
      w.EndArray().Key("lost").BeginArray();
      for (auto& [f, what] : r->lost)
        w.BeginObject().Key("file").String(f).Key("what").String(what).EndObject();
      w.EndArray().Key("cannot").BeginArray();
      for (auto& [f, p] : r->cannot)
        w.BeginObject().Key("file").String(f).Key("problem").String(p).EndObject();
      w.EndArray();
      w.Key("rows_lost").Int(static_cast<int64_t>(r->rows_lost));
      w.Key("snapshots_recomputed").Bool(recomputed).EndObject();
      fmt::print("{}\n", w.str());
    } else {
      const char* pre = a->opt.dry_run ? "would rebuild" : "rebuilt";
      for (auto& s : r->rebuilt) fmt::print("{}: {}\n", pre, s);
      for (auto& [f, what] : r->lost)
        fmt::print("{}: {}: {}\n", a->opt.dry_run ? "would drop" : "dropped", f, what);
      for (auto& [f, p] : r->cannot) fmt::print("CANNOT REPAIR {}: {}\n", f, p);
      if (recomputed) fmt::print("snapshots recomputed\n");
      if (r->rebuilt.empty() && r->lost.empty() && r->cannot.empty()) fmt::print("nothing damaged\n");
    }
    if (!r->ok()) ExitCode() = 1;
  });
}

}  // namespace aips::cli
