// The HTTP/1.1 server of `aips serve` (docs/http-api.md, "Limits"): Boost.Beast over Asio, kept inside
// http_server.cc so that no other file compiles Boost.
//
// Connections belong to the Asio event loop (io_threads threads, 1 by default): it reads each request —
// header at most max_header_bytes, body (Content-Length or chunked) at most max_body_bytes — and hands it
// to the handler on one of `workers` threads only once it has arrived completely, then writes the reply
// back asynchronously. So a slow, idle or non-reading client costs a socket and a buffer, never a worker,
// and a handler may block for seconds. Guarantees:
// - a request must arrive completely within request_seconds of its first byte, else 408;
// - a header over max_header_bytes answers 431, a body over max_body_bytes 413, a request that cannot be
//   parsed (or a malformed percent escape in its target) 400;
// - beyond max_connections open connections, or when the bodies held for requests not yet answered would
//   pass max_buffered_bytes, or when more than max_queue requests already wait for a worker: 503;
// - `Expect: 100-continue` is answered; keep-alive is kept (a connection is closed after idle_seconds
//   without a request; a new connection gets request_seconds for its first byte);
// - a client that stops reading its reply for write_seconds is dropped.
// The server's own answers are JSON {"error": "..."} with `Connection: close`, and each calls on_refusal.
// Replies: `Cache-Control: public, max-age=3600` when HttpReply::cacheable, else `no-store`; a 401 adds
// `WWW-Authenticate: Bearer`; a HEAD request gets the reply's header without its body.
//
// Stop() (thread-safe, also before Run) stops accepting, closes connections waiting for a request, lets
// requests already begun finish — read, handled, their reply written with `Connection: close` — for at
// most drain_seconds, then Run() returns.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "aips/status.h"
#include "serve/http_types.h"

namespace aips {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port (see port())
  size_t max_header_bytes = 64u << 10;
  size_t max_body_bytes = 64u << 20;
  size_t max_buffered_bytes = 512u << 20;  // request bodies held for all connections together
  int max_connections = 1024;
  int workers = 32;
  size_t max_queue = 256;  // complete requests waiting for a worker; beyond, 503
  int io_threads = 1;
  int request_seconds = 30;
  int idle_seconds = 5;
  int write_seconds = 30;
  int drain_seconds = 30;
  std::function<void(int status)> on_refusal;  // each answer of the server's own (on an I/O thread)
};

// Called on a worker thread with the complete request; exceptions answer 500.
using HttpHandler = std::function<HttpReply(HttpRequest&)>;

class HttpServer {
 public:
  // Binds and listens on host:port and starts the workers (std::system_error when a worker cannot start).
  static Result<std::unique_ptr<HttpServer>> Listen(const HttpServerOptions& options, HttpHandler handler);
  ~HttpServer();
  // Serves until Stop() and the drain that follows. Throws std::system_error when not even one event-loop
  // thread can be started (io_threads: as many as the system allows).
  void Run();
  // Thread-safe.
  void Stop();
  int port() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One request at the start of `bytes`, parsed exactly as the server parses it (the same parser, limits and
// conversion to HttpRequest); for the fuzzer and tests.
struct HttpParse {
  enum State { kIncomplete, kComplete, kError } state = kIncomplete;
  int status = 0;       // kError: 400, 413 or 431
  std::string error;    // kError: what was wrong
  size_t consumed = 0;  // kComplete: the request's length in bytes
  bool keep_alive = true;
  bool expect_continue = false;
};
HttpParse ParseHttpRequest(std::string_view bytes, size_t max_header_bytes, size_t max_body_bytes,
                           HttpRequest* out);

}  // namespace aips
