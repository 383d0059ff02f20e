// The HTTP API's routes (docs/http-api.md): each handler turns a request into a JSON reply, using the
// same engine calls and JSON renderers as the CLI, so the numbers and shapes are the CLI's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "serve/http_types.h"

namespace aips {

class Metrics;

struct ApiContext {
  std::string data_dir;
  Metrics* metrics;
  size_t min_export_size = 100;  // crowds smaller than this are not exported
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

}  // namespace aips
