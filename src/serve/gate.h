// The front door of `aips serve` (docs/http-api.md, "Limits"): one epoll thread owns every client
// connection and hands a request to the HTTP workers only once it has arrived completely, so a slow or
// idle client costs a socket and a buffer, never a worker.
//
// For each request the gate reads the header (at most max_header_bytes) and the body (Content-Length or
// chunked, at most max_body_bytes) within request_seconds of its first byte, answers `Expect:
// 100-continue` itself, then opens a loopback connection to the workers' server, sends the whole request
// with `Connection: close` and `X-Forwarded-For`, and relays the response back without blocking. Keep-alive
// with the client is kept (idle_seconds between requests); a client that stops reading its response for
// write_seconds is dropped. Beyond max_connections, or when buffered request bytes would pass
// max_buffered_bytes, the gate answers 503 itself. Its own answers are JSON {"error": "..."}: 400
// malformed, 408 too slow, 413 body too large, 431 header too large, 503 busy.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "aips/status.h"

namespace aips {

struct GateOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int upstream_port = 0;  // the workers' server on 127.0.0.1
  size_t max_header_bytes = 64u << 10;
  size_t max_body_bytes = 64u << 20;
  size_t max_buffered_bytes = 512u << 20;  // request bytes held for all connections together
  int max_connections = 1024;
  int request_seconds = 30;
  int idle_seconds = 5;
  int write_seconds = 30;
  std::function<void(int status)> on_refusal;  // called (on the gate thread) for each answer of its own
};

class Gate {
 public:
  // Binds and listens on host:port.
  static Result<std::unique_ptr<Gate>> Listen(const GateOptions& opt);
  ~Gate();
  // Serves until Stop(); then lets requests already forwarded finish (up to write_seconds) and returns.
  void Run();
  // The workers' loopback port (known only after they bind); before Run.
  void SetUpstreamPort(int port) { opt_.upstream_port = port; }
  // Thread-safe.
  void Stop();
  int port() const { return port_; }

 private:
  struct Loop;
  Gate() = default;
  GateOptions opt_;
  int listen_fd_ = -1, wake_fd_ = -1, port_ = 0;
  std::atomic<bool> stopping_{false};
};

}  // namespace aips
