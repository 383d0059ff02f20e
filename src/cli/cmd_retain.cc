#include "cli/cli.h"
#include "common/json_writer.h"
#include "distributed/ch_retain.h"
#include "fmt/format.h"
#include "store/retention.h"

namespace aips::cli {

void RegisterRetain(CLI::App& app) {
  struct Args {
    Where where;
    int keep_days = 0;
    bool dry_run = false, json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand("retain", "Retention: drop the events older than N days (one commit)");
  AddWhere(c, &a->where);
  c->add_option("--keep-days", a->keep_days, "Days to keep, ending on the last day with data")->required();
  c->add_flag("--dry-run", a->dry_run, "Say what would be dropped; change nothing");
  c->add_flag("--json", a->json,
              "Print {\"cutoff\",\"days_dropped\",\"rows_dropped\",\"brands_affected\",\"users_dropped\","
              "\"dry_run\"}");
  c->footer(
      "Whole local days before the cutoff are dropped; the affected brands' snapshots and the category "
      "crowds\n"
      "are recomputed on the next query or compute. Users left with no event, attributes row or experiment\n"
      "assignment are dropped too (erased as by forget, not blocked: a later event numbers them anew).\n"
      "Retain is a cut, not a standing rule: events older than the cutoff that arrive later are kept until\n"
      "the next retain. Run it from cron for a standing retention policy.\n"
      "On ClickHouse (--engine) the events before the cutoff are deleted on every node and their keys kept,\n"
      "so a re-sent old event is still a duplicate (docs/distributed.md).\n"
      "Example:\n  aips retain --data store --keep-days 400 --dry-run");
  c->callback([a] {
    if (Status s = CheckWhere(a->where); !s.ok()) return Fail(s);
    Result<RetentionResult> r = RetentionResult{};
    if (!a->where.engine.empty()) {
      auto ch = ChStore::Connect(a->where.engine, ChStore::Mode::kWrite);
      if (!ch.ok()) return Fail(ch.status());
      r = RetainOnClickHouse(*ch.value(), a->keep_days, a->dry_run);
    } else {
      auto store = Store::Open(a->where.data, Store::Mode::kWrite);
      if (!store.ok()) return Fail(store.status());
      r = ApplyRetention(*store.value(), a->keep_days, a->dry_run);
    }
    if (!r.ok()) return Fail(r.status());
    const std::string cutoff = r->cutoff == kNoDay ? "" : FormatDate(r->cutoff);
    if (a->json) {
      JsonWriter w;
      w.BeginObject().Key("cutoff");
      if (cutoff.empty())
        w.Null();
      else
        w.String(cutoff);
      w.Key("days_dropped").Int(static_cast<int64_t>(r->days_dropped));
      w.Key("rows_dropped").Int(static_cast<int64_t>(r->rows_dropped));
      w.Key("brands_affected").Int(static_cast<int64_t>(r->brands_affected));
      w.Key("users_dropped").Int(static_cast<int64_t>(r->users_dropped));
      w.Key("dry_run").Bool(a->dry_run).EndObject();
      fmt::print("{}\n", w.str());
    } else if (cutoff.empty()) {
      fmt::print("no events stored; nothing to drop\n");
    } else {
      fmt::print("{}{} days before {} ({} events of {} brands; {} users left with nothing){}\n",
                 a->dry_run ? "would drop " : "dropped ", r->days_dropped, cutoff, r->rows_dropped,
                 r->brands_affected, r->users_dropped,
                 a->dry_run || !a->where.engine.empty()
                     ? ""
                     : "; their snapshots are recomputed on the next query or compute");
    }
  });
}

}  // namespace aips::cli
