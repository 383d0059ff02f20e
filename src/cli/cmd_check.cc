#include "cli/cli.h"
#include "common/json_writer.h"
#include "fmt/format.h"
#include "maintain/check.h"

namespace aips::cli {

void RegisterCheck(CLI::App& app) {
  auto data = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* c = app.add_subcommand(
      "check", "Verify every checksum and invariant of a data directory; name what is damaged");
  c->add_option("--data", *data, "Data directory")->required()->envname("AIPS_DATA");
  c->add_flag("--json", *json,
              "Print {\"ok\":bool,\"files_checked\":N,\"damaged\":[{\"file\",\"problem\"}]}");
  c->footer(
      "Exit code 0 when everything is intact, 1 when a file is damaged. Snapshots can be rebuilt from "
      "events:\n"
      "delete snap/ and run 'aips compute'.");
  c->callback([data, json] {
    auto r = CheckDataDir(*data);
    if (!r.ok()) return Fail(r.status());
    if (*json) {
      JsonWriter w;
      w.BeginObject()
          .Key("ok")
          .Bool(r->ok())
          .Key("files_checked")
          .Int(static_cast<int64_t>(r->files_checked));
      w.Key("damaged").BeginArray();
      for (auto& [f, p] : r->damaged)
        w.BeginObject().Key("file").String(f).Key("problem").String(p).EndObject();
      w.EndArray().EndObject();
      fmt::print("{}\n", w.str());
    } else {
      for (auto& [f, p] : r->damaged) fmt::print("DAMAGED {}: {}\n", f, p);
      fmt::print("{} files checked, {} damaged\n", r->files_checked, r->damaged.size());
    }
    if (!r->ok()) ExitCode() = 1;
  });
}

}  // namespace aips::cli
