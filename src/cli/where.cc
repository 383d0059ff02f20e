#include "cli/cli.h"
#include "distributed/ch_engine.h"
#include "embedded/embedded_engine.h"

namespace aips::cli {

void AddWhere(CLI::App* c, Where* w, const std::string& data_help) {
  auto* d = c->add_option("--data", w->data, data_help)->envname("AIPS_DATA");
  auto* e = c->add_option(
                 "--engine", w->engine,
                 "clickhouse://HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=HOST:PORT,...]: use a ClickHouse "
                 "server or cluster instead of a data directory (docs/distributed.md)")
                ->envname("AIPS_ENGINE");
  d->excludes(e);
}

Status CheckWhere(const Where& w) {
  if (w.data.empty() == w.engine.empty()) {
    return Status::InvalidArgument(
        "give --data DIR (the embedded engine) or --engine clickhouse://HOST:HTTP_PORT/DATABASE");
  }
  return Status::OK();
}

Result<std::unique_ptr<QueryEngine>> OpenQueryEngine(const Where& w) {
  AIPS_RETURN_IF_ERROR(CheckWhere(w));
  if (!w.engine.empty()) {
    AIPS_ASSIGN_OR_RETURN(auto e, ClickHouseEngine::Open(w.engine));
    return std::unique_ptr<QueryEngine>(std::move(e));
  }
  AIPS_ASSIGN_OR_RETURN(auto e, EmbeddedEngine::Open(w.data));
  return std::unique_ptr<QueryEngine>(std::move(e));
}

Status RecomputeSnapshots(const std::string& data_dir) {
  AIPS_ASSIGN_OR_RETURN(auto engine, EmbeddedEngine::Open(data_dir));
  return engine->Compute(std::nullopt, nullptr);
}

}  // namespace aips::cli
