#include "cli/cli.h"
#include "front/open_engine.h"

namespace aips::cli {

void AddWhere(CLI::App* c, Where* w, const std::string& data_help) {
  auto* d = c->add_option("--data", w->data, data_help)->envname("AIPS_DATA");
  auto* e = c->add_option(
                 "--engine", w->engine,
                 "clickhouse://[USER[:PASSWORD]@]HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=HOST:PORT,...] "
                 "or chdb:DIR[?database=NAME]: use a ClickHouse server or cluster, or an in-process "
                 "ClickHouse over DIR, instead of a data directory (docs/distributed.md)")
                ->envname("AIPS_ENGINE");
  d->excludes(e);
}

Status CheckWhere(const Where& w) { return CheckEngineSource(EngineSource{w.data, w.engine}); }

Result<std::unique_ptr<QueryEngine>> OpenQueryEngine(const Where& w) {
  return OpenEngine(EngineSource{w.data, w.engine});
}

}  // namespace aips::cli
