// The HTTP request and reply as the API's routes see them, independent of the server library that
// framed them (serve/http_server.h). Header names are lower-case; query parameters are percent-decoded.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aips/status.h"

namespace aips {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // as sent: path and query
  std::string path;                                          // the target up to '?', percent-decoded
  std::vector<std::pair<std::string, std::string>> params;   // query parameters, decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;

  bool HasParam(std::string_view name) const;
  // The first value of a parameter ("" when absent).
  std::string Param(std::string_view name) const;
  // The first value of a header, by its lower-case name ("" when absent).
  std::string Header(std::string_view lower_name) const;
};

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  bool cacheable = false;  // static assets: Cache-Control public; everything else no-store
  int retry_after = 0;     // > 0: sent as Retry-After (seconds), for an answer the client may ask again
  static HttpReply Json(std::string body) {
    return HttpReply{200, std::move(body), "application/json", false};
  }
  // {"error": message} with the status.
  static HttpReply Error(int status, const std::string& message);
};

// Splits a request target into its decoded path and parameters. InvalidArgument for a malformed
// percent escape. '+' in the query decodes to a space (application/x-www-form-urlencoded).
Status ParseTarget(std::string_view target, std::string* path,
                   std::vector<std::pair<std::string, std::string>>* params);

}  // namespace aips
