#include "absl/strings/str_split.h"
#include "cli/cli.h"
#include "fmt/format.h"
#include "front/open_engine.h"
#include "serve/server.h"
#include "store/tenants.h"

namespace aips::cli {

namespace {

void AddServe(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto max_mb = std::make_shared<size_t>(64);
  auto cache_mb = std::make_shared<size_t>(256);
  auto where = std::make_shared<Where>();
  CLI::App* c = app.add_subcommand("serve", "Serve the JSON HTTP API and the dashboard");
  AddWhere(c, where.get());
  c->add_option("--port", o->port, "TCP port (default 8080)");
  c->add_option("--host", o->host, "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)");
  c->add_option("--threads", o->threads,
                "Worker threads answering complete requests (default 32; connections do not hold them)");
  c->add_option("--max-connections", o->max_connections,
                "Open client connections; more answer 503 (default 1024)");
  c->add_option("--max-body-mb", *max_mb, "Largest request body in MiB; larger ones answer 413 (default 64)");
  c->add_option("--timeout", o->timeout_seconds,
                "Seconds for a request to arrive completely (else 408), for a response to be read, and "
                "at most for in-flight requests to finish on SIGTERM (default 30)");
  c->add_option("--idle-timeout", o->idle_seconds, "Seconds a keep-alive connection may idle (default 5)");
  c->add_option("--engines", o->engines,
                "Warm engines kept per data generation; more concurrent requests wait (default 4)");
  c->add_option("--cache-mb", *cache_mb,
                "MiB of rendered answers kept per data generation, least recently used out (default 256)");
  c->add_flag("--quiet", o->quiet, "No request log on standard error");
  c->add_option("--min-export-size", o->min_export_size,
                "Refuse user-level results (crowd exports) of crowds smaller than this (default 100)");
  c->footer(
      "Data endpoints need 'Authorization: Bearer KEY' (aips key create). API: docs/http-api.md and "
      "/openapi.json.\nExample:\n  aips serve --data store --port 8080\n"
      "  aips serve --engine 'clickhouse://127.0.0.1:8123/aips' --port 8080   # a ClickHouse database");
  c->callback([o, max_mb, cache_mb, where] {
    if (Status s = CheckWhere(*where); !s.ok()) return Fail(s);
    o->data_dir = where->data;
    o->engine_url = where->engine;
    o->max_body_bytes = *max_mb << 20;
    o->cache_bytes = *cache_mb << 20;
    Status s = Serve(*o);
    if (!s.ok()) Fail(s);
  });
}

void AddTenant(CLI::App& app) {
  CLI::App* t = app.add_subcommand("tenant", "Manage tenants (a tenant owns brands)");
  t->require_subcommand(1);
  struct Args {
    Where where;
    std::string tenant, brands;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = t->add_subcommand("add", "Add a tenant, or give it more brands");
  AddWhere(add, &a->where, "Data directory (created when missing)");
  add->add_option("--tenant", a->tenant, "Tenant name")->required();
  add->add_option("--brands", a->brands, "Brands it owns, comma-separated")->required();
  add->callback([a] {
    auto store = OpenTenantStore(EngineSource{a->where.data, a->where.engine});
    if (!store.ok()) return Fail(store.status());
    std::vector<std::string> brands;
    for (absl::string_view b : absl::StrSplit(a->brands, ',', absl::SkipEmpty())) brands.emplace_back(b);
    auto stored = store.value()->AddTenant(a->tenant, brands);
    if (!stored.ok()) return Fail(stored.status());
    fmt::print(stderr, "tenant {} owns {} brand(s)\n", a->tenant, stored->brands.size());
  });
  auto l = std::make_shared<Args>();
  CLI::App* list = t->add_subcommand("list", "List tenants and their brands");
  AddWhere(list, &l->where);
  list->add_flag("--json", l->json, "JSON");
  list->callback([l] {
    auto store = OpenTenantStore(EngineSource{l->where.data, l->where.engine});
    if (!store.ok()) return Fail(store.status());
    auto reg = store.value()->Load();
    if (!reg.ok()) return Fail(reg.status());
    std::string out = l->json ? "{\"tenants\":[" : "";
    bool first = true;
    for (auto& [name, ten] : reg->tenants()) {
      std::string brands;
      for (auto& b : ten.brands) brands += (brands.empty() ? "" : (l->json ? "\",\"" : ",")) + b;
      out += l->json ? fmt::format("{}{{\"tenant\":\"{}\",\"brands\":[{}]}}", first ? "" : ",", name,
                                   brands.empty() ? "" : "\"" + brands + "\"")
                     : fmt::format("{:<20} {}\n", name, brands);
      first = false;
    }
    fmt::print("{}{}", out, l->json ? "]}\n" : "");
  });
}

void AddKey(CLI::App& app) {
  CLI::App* k = app.add_subcommand("key", "Manage API keys");
  k->require_subcommand(1);
  struct Args {
    Where where;
    std::string tenant;
    bool admin = false, json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* create =
      k->add_subcommand("create", "Create an API key; prints only the key (keep it: it is stored hashed)");
  AddWhere(create, &a->where, "Data directory (created when missing)");
  create->add_option("--tenant", a->tenant, "The tenant whose brands the key reads");
  create->add_flag("--admin", a->admin, "An admin key: ingest and tenant management, every brand");
  create->add_flag("--json", a->json, "Print {\"key\":\"...\"}");
  create->callback([a] {
    auto store = OpenTenantStore(EngineSource{a->where.data, a->where.engine});
    if (!store.ok()) return Fail(store.status());
    auto key = store.value()->CreateKey(a->tenant, a->admin);
    if (!key.ok()) return Fail(key.status());
    if (a->json) {
      fmt::print("{{\"key\":\"{}\"}}\n", key.value());
    } else {
      fmt::print("{}\n", key.value());
    }
    fmt::print(stderr,
               "store this key now: only its SHA-256 is kept. Send it as 'Authorization: Bearer KEY'.\n");
  });
}

}  // namespace

void RegisterServe(CLI::App& app) {
  AddServe(app);
  AddTenant(app);
  AddKey(app);
}

}  // namespace aips::cli
