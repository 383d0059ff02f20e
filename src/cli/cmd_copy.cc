// aips copy: moves a data directory up to ClickHouse (issue #16, docs/distributed.md "Moving up").
#include "cli/cli.h"
#include "common/json_writer.h"
#include "distributed/ch_copy.h"
#include "fmt/format.h"
#include "render/render.h"

namespace aips::cli {

namespace {

struct CopyArgs {
  Where where;
  bool json = false;
};

std::string CopyJson(const CopyResult& r) {
  JsonWriter w;
  w.BeginObject();
  w.Key("from").String(r.source).Key("to").String(r.target);
  w.Key("events").Int(static_cast<int64_t>(r.events));
  w.Key("events_already_there").Int(static_cast<int64_t>(r.events_present));
  w.Key("users").Int(static_cast<int64_t>(r.users));
  w.Key("notes").Int(static_cast<int64_t>(r.notes));
  w.Key("accounts").Int(static_cast<int64_t>(r.accounts));
  w.Key("messages").Int(static_cast<int64_t>(r.messages));
  w.Key("messages_already_there").Int(static_cast<int64_t>(r.messages_present));
  w.Key("identity_links").Int(static_cast<int64_t>(r.identity_links));
  w.Key("orders").Int(static_cast<int64_t>(r.orders));
  w.Key("imported_ids").Int(static_cast<int64_t>(r.imported_ids));
  w.Key("attribute_users").Int(static_cast<int64_t>(r.attribute_users));
  w.Key("experiment_assignments").Int(static_cast<int64_t>(r.assignments));
  w.Key("saved_crowd_versions").Int(static_cast<int64_t>(r.crowds));
  w.Key("tenants").Int(static_cast<int64_t>(r.tenants));
  w.Key("tenant_brands").Int(static_cast<int64_t>(r.tenant_brands));
  w.Key("api_keys").Int(static_cast<int64_t>(r.keys));
  w.Key("rules_copied").Bool(r.rules_copied);
  w.Key("side_tables_changed").Bool(r.catalog_changed);
  w.Key("skipped").BeginArray();
  for (const std::string& s : r.skipped) w.String(s);
  w.EndArray();
  w.EndObject();
  return w.str();
}

void RunCopy(const CopyArgs& a) {
  if (a.where.data.empty() || a.where.engine.empty())
    return Fail(Status::InvalidArgument("aips copy needs both --data DIR (the source) and --engine URL"));
  auto store = Store::Open(a.where.data, Store::Mode::kRead);
  if (!store.ok()) return Fail(store.status());
  auto ch = ChStore::Connect(a.where.engine, ChStore::Mode::kWrite);
  if (!ch.ok()) return Fail(ch.status());
  auto tenants = ChTenantStore::Open(a.where.engine);
  if (!tenants.ok()) return Fail(tenants.status());
  auto r = CopyToClickHouse(*store.value(), *ch.value(), *tenants.value(), true);
  if (!r.ok()) return Fail(r.status());
  const CopyResult& res = r.value();
  if (a.json) {
    fmt::print("{}\n", CopyJson(res));
  } else {
    fmt::print("copied {} into {}\n", res.source, res.target);
    fmt::print("events: {} copied, {} already there ({} users)\n", Thousands(res.events),
               Thousands(res.events_present), Thousands(res.users));
    fmt::print("notes {}, accounts {}, messages {} ({} already there)\n", Thousands(res.notes),
               Thousands(res.accounts), Thousands(res.messages), Thousands(res.messages_present));
    fmt::print("identity links {}, kept orders {}, event ids {}; rules {}, side tables {}\n",
               Thousands(res.identity_links), Thousands(res.orders), Thousands(res.imported_ids),
               res.rules_copied ? "copied" : "unchanged", res.catalog_changed ? "updated" : "unchanged");
    fmt::print("users with attributes {}, saved crowd versions {}, tenants {} (brands {}), API keys {}\n",
               Thousands(res.attribute_users), Thousands(res.crowds), Thousands(res.tenants),
               Thousands(res.tenant_brands), Thousands(res.keys));
  }
  for (const std::string& s : res.skipped)
    fmt::print(stderr, "aips copy: left as the database has it: {}\n", s);
}

}  // namespace

void RegisterCopy(CLI::App& app) {
  auto a = std::make_shared<CopyArgs>();
  CLI::App* c = app.add_subcommand(
      "copy", "Copy a data directory into a ClickHouse database or cluster (moving up, keeping history)");
  c->add_option("--data", a->where.data, "The data directory to copy (read only)")->required();
  c->add_option("--engine", a->where.engine,
                "clickhouse://HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=H:P,...] (default: $AIPS_ENGINE)")
      ->envname("AIPS_ENGINE");
  c->add_flag("--json", a->json, "Print the counts as JSON");
  c->footer(
      "Copies rules, side tables, first-party data, every event, notes, accounts and messages, user\n"
      "attributes, saved crowds, tenants and API keys: everything but the directory's own snapshots.\n"
      "Idempotent and resumable: run it again after an interruption; a second run adds nothing\n"
      "(docs/distributed.md, \"Moving up\").\n"
      "Example:\n  aips copy --data store --engine 'clickhouse://127.0.0.1:8123/aips'");
  c->callback([a] { RunCopy(*a); });
}

}  // namespace aips::cli
