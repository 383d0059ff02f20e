// `aips serve`: the JSON HTTP API over one data directory or ClickHouse database, and the dashboard
// (docs/http-api.md).
//
// Every data endpoint needs `Authorization: Bearer KEY`; a brand the key's tenant does not own answers
// 404 exactly like a brand that does not exist. The server keeps warm engines and rendered answers per
// data generation (serve/engine_pool.h): a request answers from the commit current when it started,
// and a commit by any process is visible to new requests within 200 ms. Connections are held by the
// event loop of serve/http_server.h; only complete requests reach the workers. SIGTERM / SIGINT stop
// accepting, let in-flight requests finish, and exit.
#pragma once

#include <cstddef>
#include <string>

#include "aips/status.h"

namespace aips {

struct ServeOptions {
  std::string data_dir;    // --data: a data directory (the embedded engine) ...
  std::string engine_url;  // ... or --engine: a ClickHouse database (docs/distributed.md); exactly one
  std::string host = "127.0.0.1";
  int port = 8080;
  size_t max_body_bytes = 64u << 20;  // larger ingest bodies answer 413
  int threads = 32;                   // workers answering complete requests (connections do not hold them)
  int timeout_seconds = 30;           // a request must arrive, and a response be read, within this
  int idle_seconds = 5;               // a keep-alive connection without a request is closed after this
  int max_connections = 1024;         // open client connections; beyond, 503
  bool quiet = false;                 // no request log lines on stderr
  size_t min_export_size = 100;       // user-level results (exports) of smaller crowds are refused
  size_t engines = 4;                 // warm engines per data generation (serve/engine_pool.h)
  size_t cache_bytes = 256u << 20;    // rendered answers kept per data generation
};

// Serves until a termination signal. Fails when the port cannot be bound.
Status Serve(const ServeOptions& options);

}  // namespace aips
