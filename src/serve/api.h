// The HTTP API's routes (docs/http-api.md): each handler turns a request into a JSON reply, using the
// same engine calls and JSON renderers as the CLI, so the numbers and shapes are the CLI's.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace httplib {
struct Request;
}

namespace aips {

class Metrics;

struct ApiContext {
  std::string data_dir;
  Metrics* metrics;
  size_t min_export_size = 100;  // crowds smaller than this are not exported
};

struct ApiReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  bool cacheable = false;
  static ApiReply Json(std::string body) { return ApiReply{200, std::move(body), "application/json", false}; }
  static ApiReply Error(int status, const std::string& message);
};

// `tenant` receives the caller's tenant for the request log.
using ApiHandler = std::function<ApiReply(ApiContext&, const httplib::Request&, std::string* tenant)>;

struct ApiRoute {
  std::string method;  // GET or POST
  std::string path;    // httplib pattern
  ApiHandler handler;
};

const std::vector<ApiRoute>& ApiRoutes();

}  // namespace aips
