#include <unistd.h>

#include <cstdlib>

#include "cli/cli.h"
#include "common/file_util.h"
#include "common/json_writer.h"
#include "distributed/ch_loader.h"
#include "fmt/format.h"
#include "ingest/ingest_json.h"
#include "ingest/ingester.h"
#include "render/render.h"

namespace aips::cli {

namespace {

struct IngestArgs {
  Where where;
  std::string kind;
  std::vector<std::string> files;
  bool json = false;
  size_t batch_rows = 0;
  double buffer_mb = 0;
};

void RunIngest(const IngestArgs& a) {
  IngestOptions opt;
  if (!a.kind.empty()) {
    opt.kind = ParseTableKind(a.kind);
    if (!opt.kind) {
      return Fail(Status::InvalidArgument(
          fmt::format("--kind '{}': expected events, categories, brands, campaigns, spend, orders, identity, "
                      "attributes, notes, messages, accounts or experiments",
                      a.kind)));
    }
  }
  for (const std::string& f : a.files) {
    if (f != "-" && !FileExists(f))
      return Fail(Status::IOError(fmt::format("cannot read input '{}': no such file", f)));
  }
  opt.progress = true;
  if (a.batch_rows > 0 && a.where.engine.empty())
    return Fail(Status::InvalidArgument("--batch-rows applies to --engine (ClickHouse) loads only"));
  opt.batch_rows = a.batch_rows;
  if (a.buffer_mb > 0 && !a.where.engine.empty())
    return Fail(Status::InvalidArgument("--buffer-mb applies to data directories, not to --engine loads"));
  opt.buffer_bytes = static_cast<uint64_t>(a.buffer_mb * 1048576.0);
  // Tests only: read standard input and pipes in smaller pieces, so that a small input spans several.
  if (const char* piece = std::getenv("AIPS_INGEST_PIECE_BYTES"))
    opt.piece_bytes = std::strtoull(piece, nullptr, 10);
  if (Status s = CheckWhere(a.where); !s.ok()) return Fail(s);
  Result<IngestResult> r = IngestResult{};
  if (!a.where.engine.empty()) {
    auto ch = ChStore::Connect(a.where.engine, ChStore::Mode::kWrite);
    if (!ch.ok()) return Fail(ch.status());
    r = IngestToClickHouse(*ch.value(), a.files, opt);
  } else {
    auto store = Store::Open(a.where.data, Store::Mode::kWrite);
    if (!store.ok()) return Fail(store.status());
    r = Ingest(*store.value(), a.files, opt);
  }
  if (!r.ok()) return Fail(r.status());
  const IngestResult& res = r.value();
  if (a.json) {
    fmt::print("{}\n", IngestResultJson(res, ""));
  } else {
    for (auto& f : res.files) {
      fmt::print("{:<40} {:<10} accepted {:>12}  duplicates {:>10}  rejected {:>8}\n", f.source,
                 TableKindName(f.kind), Thousands(f.accepted), Thousands(f.duplicates),
                 Thousands(f.rejected));
    }
    fmt::print("total: accepted {}, duplicates {}, rejected {}\n", Thousands(res.accepted),
               Thousands(res.duplicates), Thousands(res.rejected));
    if (res.orders > 0 || res.orders_rematched > 0) {
      fmt::print(
          "first-party orders: {} new, {} matched on arrival (match rate {}), {} kept orders matched now; {} "
          "unmatched kept for later\n",
          Thousands(res.orders), Thousands(res.orders_matched), Percent(res.orders_matched, res.orders),
          Thousands(res.orders_rematched), Thousands(res.orders_unmatched_total));
    }
  }
  if (res.rejected > 0) {
    for (auto& e : res.first_errors) fmt::print(stderr, "rejected: {}\n", e);
    if (res.rejected > res.first_errors.size())
      fmt::print(stderr, "... and {} more\n", res.rejected - res.first_errors.size());
    fmt::print(stderr, "every rejected row, with its line and reason: {}\n", res.rejects_file);
  }
}

}  // namespace

void RegisterIngest(CLI::App& app) {
  auto a = std::make_shared<IngestArgs>();
  CLI::App* c =
      app.add_subcommand("ingest", "Store events and side tables (CSV or JSON Lines) in a data directory");
  c->footer(
      "Tables, recognised by their CSV header (or named with --kind; * = required column):\n" + TablesHelp() +
      "JSON Lines files are events unless --kind says otherwise. Rows that break a rule of docs/input.md are "
      "written to a reject file with their line, field and reason; every good row is kept. Ingesting the "
      "same "
      "events twice changes nothing (event_id).\n\nExample:\n  aips ingest --data store events.csv "
      "brands.csv\n"
      "  cat events.jsonl | aips ingest --data store -\n"
      "  generate_events | aips ingest --data store -   # read in pieces: any size, bounded memory\n"
      "  aips ingest --engine 'clickhouse://127.0.0.1:8123/aips' events.csv   # a ClickHouse database "
      "instead");
  AddWhere(c, &a->where, "Data directory (created when missing)");
  c->add_option("--kind", a->kind, "Table kind of every FILE, instead of detecting it from the header");
  c->add_flag("--json", a->json, "Print the counts as JSON");
  c->add_option(
       "--batch-rows", a->batch_rows,
       "With --engine: events per insert batch (default 250000; each batch is one key lookup and one "
       "insert per shard, so smaller batches mean smaller memory and more round trips)")
      ->check(CLI::Range(size_t{1000}, size_t{10000000}));
  c->add_option(
       "--buffer-mb", a->buffer_mb,
       "Memory for event rows waiting to be sorted, in MiB (default: an eighth of RAM, at most 4096, "
       "at most a quarter of a memory limit). A larger input is sorted in runs spilled to the data "
       "directory and merged at the commit, so any input size fits; the run still commits once.")
      ->check(CLI::Range(0.1, 1048576.0));
  c->add_option("files", a->files, "Input files; - reads standard input")->required();
  c->callback([a] { RunIngest(*a); });
}

}  // namespace aips::cli
