// aips rewrite: an old data directory into the current formats (maintain/rewrite.h).
#include <filesystem>

#include "cli/cli.h"
#include "common/json_writer.h"
#include "fmt/format.h"
#include "front/open_engine.h"
#include "maintain/rewrite.h"

namespace aips::cli {

namespace {

// Bytes of the regular files under dir (what `du --apparent-size` counts).
uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) n += it->file_size(ec);
  }
  return n;
}

}  // namespace

void RegisterRewrite(CLI::App& app) {
  struct Args {
    std::string data;
    bool dry_run = false, json = false, no_compute = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c =
      app.add_subcommand("rewrite", "Rewrite an older data directory into the current, smaller formats");
  c->add_option("--data", a->data, "Data directory")->required()->envname("AIPS_DATA");
  c->add_flag("--dry-run", a->dry_run, "Say what would be rewritten; change nothing");
  c->add_flag("--no-compute", a->no_compute,
              "Leave the reset snapshots to the next query or compute instead of rebuilding them now");
  c->add_flag(
      "--json", a->json,
      "Print {\"changed\",\"days_rewritten\",\"segments_before\",\"segments_after\",\"id_runs_before\","
      "\"id_runs_after\",\"dictionaries_rewritten\",\"tables_rewritten\",\"snapshot_subjects_reset\","
      "\"snapshots_recomputed\",\"bytes_before\",\"bytes_after\",\"dry_run\"}");
  c->footer(
      "Every command reads both the old and the current formats (docs/formats.md); rewrite makes a "
      "directory\n"
      "written by an older build as small as a new one, in one commit: day segments (one per day, column-\n"
      "encoded), one event-id run (numeric ids stored exactly), packed dictionaries and tables, and "
      "snapshots\n"
      "rebuilt in the current format. Answers do not change. It holds the directory's write lock (ingests\n"
      "and computes wait; queries go on). Run it once after upgrading; running it again changes nothing.\n"
      "Example:\n  aips rewrite --data store --dry-run\n  aips rewrite --data store --json");
  c->callback([a] {
    const uint64_t before = DirBytes(a->data);
    bool had_snapshots = false;
    RewriteResult r;
    {
      auto store = Store::Open(a->data, Store::Mode::kRead);
      if (!store.ok()) return Fail(store.status());  // a directory that holds no store is not created
      if (Status s = store.value()->UpgradeToWrite(); !s.ok()) return Fail(s);
      for (auto& b : store.value()->manifest().brands) had_snapshots |= b.snap.through != kNoDay;
      auto progress = [&](std::string_view step) {
        if (!a->json) fmt::print(stderr, "aips rewrite: {}\n", step);
      };
      auto f = RewriteStore(*store.value(), a->dry_run, progress);
      if (!f.ok()) return Fail(f.status());
      r = f.value();
    }  // the write lock is released here; compute takes its own
    bool recomputed = false;
    if (!a->dry_run && !a->no_compute && had_snapshots && r.snapshot_subjects_reset > 0) {
      if (!a->json) fmt::print(stderr, "aips rewrite: computing the reset snapshots\n");
      if (Status s = RecomputeSnapshots(a->data); !s.ok()) return Fail(s);
      recomputed = true;
    }
    const uint64_t after = DirBytes(a->data);
    if (a->json) {
      JsonWriter w;
      w.BeginObject().Key("changed").Bool(r.changed);
      w.Key("days_rewritten").Int(static_cast<int64_t>(r.days_rewritten));
      w.Key("segments_before").Int(static_cast<int64_t>(r.segments_before));
      w.Key("segments_after").Int(static_cast<int64_t>(r.segments_after));
      w.Key("id_runs_before").Int(static_cast<int64_t>(r.id_runs_before));
      w.Key("id_runs_after").Int(static_cast<int64_t>(r.id_runs_after));
      w.Key("dictionaries_rewritten").Int(static_cast<int64_t>(r.dictionaries_rewritten));
      w.Key("tables_rewritten").Int(static_cast<int64_t>(r.tables_rewritten));
      w.Key("snapshot_subjects_reset").Int(static_cast<int64_t>(r.snapshot_subjects_reset));
      w.Key("snapshots_recomputed").Bool(recomputed);
      w.Key("bytes_before").Int(static_cast<int64_t>(before));
      w.Key("bytes_after").Int(static_cast<int64_t>(after));
      w.Key("dry_run").Bool(a->dry_run).EndObject();
      fmt::print("{}\n", w.str());
      return;
    }
    if (!r.changed) {
      fmt::print("already in the current formats; nothing to rewrite ({:.1f} MB)\n", before / 1e6);
      return;
    }
    const char* verb = a->dry_run ? "would rewrite" : "rewrote";
    fmt::print("{} {} days ({} segments -> {}), event-id runs {} -> {}, {} dictionaries, {} tables\n", verb,
               r.days_rewritten, r.segments_before, r.segments_after, r.id_runs_before, r.id_runs_after,
               r.dictionaries_rewritten, r.tables_rewritten);
    if (r.snapshot_subjects_reset > 0)
      fmt::print("{} snapshots of {} brands and categories{}\n", a->dry_run ? "would rebuild" : "reset",
                 r.snapshot_subjects_reset,
                 a->dry_run
                     ? ""
                     : (recomputed ? ", recomputed" : "; they are recomputed on the next query or compute"));
    if (!a->dry_run) fmt::print("data directory: {:.1f} MB -> {:.1f} MB\n", before / 1e6, after / 1e6);
  });
}

}  // namespace aips::cli
