#include "cli/cli.h"
#include "common/json_writer.h"
#include "fmt/format.h"
#include "maintain/backup.h"

namespace aips::cli {

namespace {

void Report(const Result<CopyStats>& r, bool json, const std::string& what, const std::string& where) {
  if (!r.ok()) return Fail(r.status());
  if (json) {
    JsonWriter w;
    w.BeginObject()
        .Key("files")
        .Int(static_cast<int64_t>(r->files))
        .Key("bytes")
        .Int(static_cast<int64_t>(r->bytes));
    w.Key("verified_files").Int(static_cast<int64_t>(r->files_checked)).Key("path").String(where).EndObject();
    fmt::print("{}\n", w.str());
  } else {
    fmt::print("{} {}: {} files, {:.1f} MB, verified ({} files checked)\n", what, where, r->files,
               r->bytes / 1e6, r->files_checked);
  }
}

}  // namespace

void RegisterBackup(CLI::App& app) {
  {
    struct Args {
      std::string data, to;
      bool json = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* c =
        app.add_subcommand("backup", "Copy a live data directory consistently, and verify the copy");
    c->add_option("--data", a->data, "Data directory")->required()->envname("AIPS_DATA");
    c->add_option("--to", a->to, "New directory for the backup (must not exist or be empty)")->required();
    c->add_flag("--json", a->json, "Print {\"files\",\"bytes\",\"verified_files\",\"path\"}");
    c->footer(
        "Ingest, compute and API ingests wait while the copy runs (queries go on). The copy is fsync'ed and "
        "checked\nlike 'aips check'. Example:\n  aips backup --data store --to /backups/store-2024-11-30");
    c->callback([a] { Report(BackupDataDir(a->data, a->to), a->json, "backup", a->to); });
  }
  {
    struct Args {
      std::string from, data;
      bool json = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* c = app.add_subcommand("restore", "Bring a backup back as a data directory (verified first)");
    c->add_option("--from", a->from, "Backup directory (made by 'aips backup')")->required();
    c->add_option("--data", a->data, "New data directory (must not exist or be empty)")->required();
    c->add_flag("--json", a->json, "Print {\"files\",\"bytes\",\"verified_files\",\"path\"}");
    c->footer("Example:\n  aips restore --from /backups/store-2024-11-30 --data store2");
    c->callback([a] { Report(RestoreDataDir(a->from, a->data), a->json, "restored", a->data); });
  }
}

}  // namespace aips::cli
