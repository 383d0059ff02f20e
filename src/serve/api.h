// The HTTP API's routes (docs/http-api.md): each handler turns a request into a JSON reply, using the
// same engine calls and JSON renderers as the CLI, so the numbers and shapes are the CLI's.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "front/open_engine.h"
#include "serve/http_types.h"

namespace aips {

class Metrics;

class EnginePool;

struct ApiContext {
  EngineSource source;  // the data directory or the ClickHouse database served
  Metrics* metrics;
  size_t min_export_size = 100;  // crowds smaller than this are not exported
  EnginePool* pool;              // the warm engines, one generation per commit (serve/engine_pool.h)
};

using ApiReply = HttpReply;

// `tenant` receives the caller's tenant for the request log.
using ApiHandler = std::function<ApiReply(ApiContext&, const HttpRequest&, std::string* tenant)>;

struct ApiRoute {
  std::string method;  // GET or POST
  std::string path;    // exact path, or a prefix when it ends in '/' and is not "/" (static assets)
  ApiHandler handler;
};

const std::vector<ApiRoute>& ApiRoutes();
// A request refused for want of memory (docs/reliability.md, "Memory limits"): 503 with Retry-After and
// {"error": "out of memory: WHAT (the limit in force)"}; the only answer of the API with Retry-After.
ApiReply OutOfMemoryReply(std::string_view what);
// The route for a request: an exact path, or a prefix ending in '/' followed by one name of
// [A-Za-z0-9_.-] (the root "/" itself is exact); HEAD is routed like GET. nullptr when none matches.
const ApiRoute* FindRoute(const HttpRequest& req);

}  // namespace aips
