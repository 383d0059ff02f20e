#include "serve/server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <thread>

#include "common/json_writer.h"
#include "fmt/format.h"
#include "httplib.h"
#include "serve/api.h"
#include "serve/assets.h"
#include "serve/engine_pool.h"
#include "serve/gate.h"
#include "serve/metrics.h"
#include "serve/tenants.h"

namespace aips {

namespace {

std::string Now() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

HttpRequest FromHttplib(const httplib::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.target = req.target;
  r.path = req.path;
  for (auto& [k, v] : req.params) r.params.emplace_back(k, v);
  for (auto& [k, v] : req.headers) {
    std::string lower = k;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers.emplace_back(std::move(lower), v);
  }
  r.body = req.body;
  return r;
}

void LogRequest(const httplib::Request& req, int status, double ms, const std::string& tenant) {
  JsonWriter w;
  w.BeginObject().Key("ts").String(Now()).Key("method").String(req.method).Key("path").String(req.path);
  w.Key("status").Int(status).Key("ms").Double(static_cast<double>(static_cast<int64_t>(ms * 100)) / 100);
  w.Key("tenant").String(tenant).EndObject();
  fmt::print(stderr, "{}\n", w.str());
}

}  // namespace

Status Serve(const ServeOptions& opt) {
  // Signals are taken by one thread (sigwait), so that SIGTERM stops the server cleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server svr;
  Metrics metrics;
  EnginePoolOptions pool_options;
  pool_options.max_engines = std::max<size_t>(1, opt.engines);
  pool_options.cache_bytes = opt.cache_bytes;
  EnginePool pool(EngineSource{opt.data_dir, ""}, pool_options);
  ApiContext ctx{opt.data_dir, &metrics, opt.min_export_size, &pool};
  svr.new_task_queue = [n = opt.threads] { return new httplib::ThreadPool(static_cast<size_t>(n)); };
  svr.set_payload_max_length(opt.max_body_bytes);
  svr.set_read_timeout(opt.timeout_seconds, 0);
  svr.set_write_timeout(opt.timeout_seconds, 0);
  svr.set_keep_alive_max_count(100);
  svr.set_keep_alive_timeout(2);  // idle keep-alive connections give their worker back quickly

  auto wrap = [&](const std::string& route, ApiHandler handler) {
    return [&, route, handler](const httplib::Request& req, httplib::Response& res) {
      const auto t0 = std::chrono::steady_clock::now();
      std::string tenant;
      ApiReply reply;
      try {
        reply = handler(ctx, FromHttplib(req), &tenant);
      } catch (const std::exception& e) {
        reply = ApiReply::Error(500, fmt::format("internal error: {}", e.what()));
      }
      res.status = reply.status;
      res.set_content(reply.body, reply.content_type);
      if (reply.status == 401) res.set_header("WWW-Authenticate", "Bearer");
      res.set_header("Cache-Control", reply.cacheable ? "public, max-age=3600" : "no-store");
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      metrics.Request(route, reply.status, secs);
      if (!opt.quiet) LogRequest(req, reply.status, secs * 1000, tenant);
    };
  };
  for (const ApiRoute& r : ApiRoutes()) {
    const bool prefix = r.path.size() > 1 && r.path.back() == '/';
    const std::string pattern = prefix ? r.path + "[A-Za-z0-9_.-]+" : r.path;
    if (r.method == "GET") {
      svr.Get(pattern, wrap(r.path, r.handler));
    } else {
      svr.Post(pattern, wrap(r.path, r.handler));
    }
  }
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const bool form = req.get_header_value("Content-Type").find("x-www-form-urlencoded") != std::string::npos;
    const char* msg =
        res.status == 413 && form
            ? "request body too large for Content-Type application/x-www-form-urlencoded (8 KiB): send "
              "ingest bodies as text/csv or application/x-ndjson (curl -H 'Content-Type: text/csv')"
        : res.status == 413 ? "request body too large"
        : res.status == 404 ? "no such endpoint (see /openapi.json)"
                            : "bad request";
    JsonWriter w;
    w.BeginObject().Key("error").String(msg).EndObject();
    res.set_content(w.str(), "application/json");
  });

  // The workers listen on loopback only; clients talk to the gate (serve/gate.h), which hands them
  // complete requests, so no slow or idle client holds a worker.
  GateOptions gopt;
  gopt.host = opt.host;
  gopt.port = opt.port;
  gopt.max_body_bytes = opt.max_body_bytes;
  gopt.max_connections = opt.max_connections;
  gopt.request_seconds = opt.timeout_seconds;
  gopt.write_seconds = opt.timeout_seconds;
  gopt.idle_seconds = opt.idle_seconds;
  gopt.on_refusal = [&metrics](int status) { metrics.Request("(gate)", status, 0); };
  AIPS_ASSIGN_OR_RETURN(std::unique_ptr<Gate> gate, Gate::Listen(gopt));
  // The gate opens one loopback connection per request; Debian's libcpp-httplib listens with a backlog
  // of 5, which drops bursts of them (a dropped SYN costs a 1 s retransmit). The socket is captured when
  // httplib creates it and listen() is called again with a deep backlog (Linux updates it in place).
  int worker_sock = -1;
  svr.set_socket_options([&worker_sock](socket_t sock) {
    int one = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    worker_sock = sock;
  });
  gopt.upstream_port = svr.bind_to_any_port("127.0.0.1");
  if (gopt.upstream_port <= 0) return Status::IOError("cannot bind the workers' loopback port");
  if (worker_sock < 0 || ::listen(worker_sock, 4096) != 0)
    return Status::IOError("cannot deepen the workers' listen backlog");
  gate->SetUpstreamPort(gopt.upstream_port);
  std::atomic<bool> workers_ok{true};
  std::thread workers([&] { workers_ok = svr.listen_after_bind(); });
  std::atomic<bool> signalled{false};
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    signalled = true;
    if (sig != 0 && !opt.quiet)
      fmt::print(stderr, "aips serve: signal {} — finishing in-flight requests and stopping\n", sig);
    gate->Stop();
  });
  fmt::print(stderr, "aips serve: listening on http://{}:{}/ (data {})\n", opt.host, gate->port(),
             opt.data_dir);
  gate->Run();
  svr.stop();
  workers.join();
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (!workers_ok) return Status::IOError("the server stopped with an error");
  fmt::print(stderr, "aips serve: stopped\n");
  return Status::OK();
}

}  // namespace aips
