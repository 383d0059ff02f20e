// The factory: the one place that names a concrete engine. Commands and the server open the engine a
// user pointed them at, and from then on know only the interface (engine/engine.h).
#pragma once

#include <memory>
#include <string>

#include "aips/status.h"
#include "engine/engine.h"
#include "store/tenants.h"

namespace aips {

// Where the data lives: a data directory (the embedded engine) or a ClickHouse database
// (clickhouse://HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=H:P,...], docs/distributed.md); exactly one.
struct EngineSource {
  std::string data_dir, engine_url;
};

// The source for people (logs, messages): the directory, or the URL with any password replaced by ***.
std::string SourceName(const EngineSource& source);
// InvalidArgument unless exactly one of the two is given.
Status CheckEngineSource(const EngineSource& source);
// NotFound when the directory or database holds no aips data. The engine comes behind the date checks
// of front/checked_engine.h.
Result<std::unique_ptr<QueryEngine>> OpenEngine(const EngineSource& source);
// A token that changes with every commit to a data directory (every MANIFEST replacement: ingest,
// compute, forget, retain, a query that stored snapshots) and every change of its saved crowds, its
// tenants and keys, or its rules (aips rules set); 0 when it has none. For a ClickHouse database it
// moves with every finished load, forget, rules set, tenant, key and saved crowd
// (distributed/ch_watch.h); 0 while the server does not answer. The server reopens its engines when it
// moves.
uint64_t CommitToken(const EngineSource& source);
// True when the source holds aips data (a MANIFEST; the events table).
bool HasData(const EngineSource& source);
// Where the source keeps its tenants and keys: DIR/tenants.bin or tables of the ClickHouse database.
Result<std::unique_ptr<TenantStore>> OpenTenantStore(const EngineSource& source);
// Recomputes the snapshots a write invalidated in a data directory (aips forget, repair).
Status RecomputeSnapshots(const std::string& data_dir);

}  // namespace aips
