#include "serve/server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <ctime>
#include <exception>
#include <memory>
#include <thread>

#include "common/json_writer.h"
#include "common/memory_limit.h"
#include "fmt/format.h"
#include "serve/api.h"
#include "serve/engine_pool.h"
#include "serve/http_server.h"
#include "serve/metrics.h"

namespace aips {

namespace {

// Complete requests that may wait for a worker, per worker; beyond, 503. A connection has at most one
// request under way, so this only binds with many connections and slow answers.
constexpr size_t kQueuePerWorker = 8;

std::string Now() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

void LogRequest(const HttpRequest& req, int status, double ms, const std::string& tenant) {
  JsonWriter w;
  w.BeginObject().Key("ts").String(Now()).Key("method").String(req.method).Key("path").String(req.path);
  w.Key("status").Int(status).Key("ms").Double(static_cast<double>(static_cast<int64_t>(ms * 100)) / 100);
  w.Key("tenant").String(tenant).EndObject();
  fmt::print(stderr, "{}\n", w.str());
}

}  // namespace

Status Serve(const ServeOptions& opt) {
  // Signals are taken by one thread (sigwait), so that SIGTERM stops the server cleanly. Blocked before
  // any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // The command line ends the process when an allocation fails; the server answers 503 and goes on.
  ThrowOnOutOfMemory();
  Metrics metrics;
  EnginePoolOptions pool_options;
  pool_options.max_engines = std::max<size_t>(1, opt.engines);
  pool_options.cache_bytes = opt.cache_bytes;
  const EngineSource source{opt.data_dir, opt.engine_url};
  AIPS_RETURN_IF_ERROR(CheckEngineSource(source));
  EnginePool pool(source, pool_options);
  ApiContext ctx{source, &metrics, opt.min_export_size, &pool};
  // Runs on a worker thread with a complete request (serve/http_server.h). The one place where a request's
  // exceptions end: memory refused anywhere in its work (std::bad_alloc on this thread or on one its work
  // started, common/parallel.h) answers 503 with Retry-After and the server goes on; anything else 500.
  auto handle = [&](HttpRequest& req) -> HttpReply {
    const auto t0 = std::chrono::steady_clock::now();
    std::string tenant;
    HttpReply reply;
    const ApiRoute* route = FindRoute(req);
    if (route == nullptr) {
      reply = HttpReply::Error(404, "no such endpoint (see /openapi.json)");
    } else {
      try {
        reply = route->handler(ctx, req, &tenant);
      } catch (const std::exception& e) {
        auto cause = OutOfMemoryCause(e);
        reply = cause ? OutOfMemoryReply(*cause)
                      : HttpReply::Error(500, fmt::format("internal error: {}", e.what()));
      }
    }
    if (reply.retry_after > 0) metrics.OutOfMemory();  // only out-of-memory answers carry it (serve/api.h)
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (route != nullptr) metrics.Request(route->path, reply.status, secs);
    if (!opt.quiet) LogRequest(req, reply.status, secs * 1000, tenant);
    return reply;
  };

  HttpServerOptions so;
  so.host = opt.host;
  so.port = opt.port;
  so.max_body_bytes = opt.max_body_bytes;
  so.max_connections = opt.max_connections;
  so.workers = opt.threads;
  so.max_queue = kQueuePerWorker * static_cast<size_t>(std::max(1, opt.threads));
  so.request_seconds = opt.timeout_seconds;
  so.write_seconds = opt.timeout_seconds;
  so.drain_seconds = opt.timeout_seconds;
  so.idle_seconds = opt.idle_seconds;
  so.on_refusal = [&metrics](int status) { metrics.Request("(server)", status, 0); };
  AIPS_ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server, HttpServer::Listen(so, handle));

  std::atomic<bool> signalled{false};
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    signalled = true;
    if (sig != 0 && !opt.quiet)
      fmt::print(stderr, "aips serve: signal {} — finishing in-flight requests and stopping\n", sig);
    server->Stop();
  });
  fmt::print(stderr, "aips serve: listening on http://{}:{}/ ({})\n", opt.host, server->port(),
             opt.engine_url.empty() ? "data " + opt.data_dir : "engine " + SourceName(source));
  std::exception_ptr failed;  // Run() could not start (no thread for the event loop): stop the stopper first
  try {
    server->Run();
  } catch (...) {
    failed = std::current_exception();
  }
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (failed) std::rethrow_exception(failed);
  fmt::print(stderr, "aips serve: stopped\n");
  return Status::OK();
}

}  // namespace aips
