// The only file that includes Boost.Beast / Asio (compile time): see http_server.h for the contract.
// Over 500 lines on purpose: every other translation unit stays free of Boost's headers, which cost ~13 s
// of compile time per file that includes them.
#include "serve/http_server.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "common/json_writer.h"
#include "fmt/format.h"

namespace aips {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace http_server_internal {

using Parser = http::request_parser<http::string_body>;
using Response = http::response<http::string_body>;

constexpr size_t kReadChunk = 16 << 10;
constexpr auto kLinger =
    std::chrono::seconds(2);  // a closing connection's unread bytes are discarded this long
constexpr size_t kLingerBytes = size_t{256} << 20;  // ... and at most this many

void Configure(Parser& p, size_t max_header, size_t max_body) {
  p.header_limit(static_cast<std::uint32_t>(std::min<size_t>(max_header, UINT32_MAX)));
  p.body_limit(static_cast<std::uint64_t>(max_body));
}

struct Refusal {
  int status;
  std::string message;
};

// The answer to a parse error.
Refusal ParseError(const error_code& ec, size_t max_header, size_t max_body) {
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return {431, fmt::format("request header larger than {} bytes", max_header)};
  if (ec == http::error::body_limit) return {413, fmt::format("request body larger than {} bytes", max_body)};
  return {400, fmt::format("malformed request ({})", ec.message())};
}

bool IsParseError(const error_code& ec) {
  return ec.category() == make_error_code(http::error::need_more).category();
}

// What the parsed header asks that the parser itself does not check.
std::optional<Refusal> CheckHeader(const Parser& p) {
  const unsigned v = p.get().version();
  if (v != 10 && v != 11) return Refusal{400, "unsupported HTTP version"};
  return std::nullopt;
}

bool ExpectsContinue(const Parser& p) {
  auto it = p.get().find(http::field::expect);
  return it != p.get().end() && beast::iequals(it->value(), "100-continue");
}

Status ToHttpRequest(http::request<http::string_body>&& msg, HttpRequest* out) {
  out->method = std::string(msg.method_string());
  out->target = std::string(msg.target());
  AIPS_RETURN_IF_ERROR(ParseTarget(out->target, &out->path, &out->params));
  out->headers.clear();
  for (const auto& f : msg.base()) {
    std::string name(f.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out->headers.emplace_back(std::move(name), std::string(f.value()));
  }
  out->body = std::move(msg.body());
  return Status::OK();
}

std::string ErrorBody(std::string_view message) {
  JsonWriter w;
  w.BeginObject().Key("error").String(std::string(message)).EndObject();
  return w.str() + "\n";
}

// A fixed pool of threads that run complete requests; at most `bound` wait.
class WorkerPool {
 public:
  explicit WorkerPool(int n) {
    try {
      for (int i = 0; i < std::max(1, n); ++i) threads_.emplace_back([this] { Loop(); });
    } catch (...) {  // a thread refused (no address space for its stack): the started ones are joined
      Shutdown(false);
      throw;
    }
  }
  ~WorkerPool() { Shutdown(false); }
  bool TryPush(std::function<void()> task, size_t bound) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_ || queue_.size() >= bound) return false;
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }
  // Lets the running tasks finish (and the waiting ones too when run_waiting) and joins the threads.
  void Shutdown(bool run_waiting) {
    {
      std::lock_guard<std::mutex> l(mu_);
      stopping_ = true;
      if (!run_waiting) queue_.clear();
    }
    cv_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      try {
        task();  // Session::Handle answers the handler's exceptions; this is for its own (bad_alloc)
      } catch (const std::exception& e) {  // a worker's failure must not end the server
        fmt::print(stderr, "aips serve: error in a worker: {}\n", e.what());
      }
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class Session;

// Everything the sessions share. Member order matters: the io_context is destroyed (destroying the
// sessions its handlers still hold) before the registry they remove themselves from.
struct Core {
  Core(const HttpServerOptions& o, HttpHandler h)
      : opt(o),
        handler(std::move(h)),
        pool(o.workers),
        acceptor(asio::make_strand(io)),
        accept_retry(acceptor.get_executor()) {}

  HttpServerOptions opt;
  HttpHandler handler;
  std::atomic<bool> stopping{false};
  std::atomic<int> open{0};         // open connections
  std::atomic<size_t> buffered{0};  // body bytes held for requests not yet answered
  std::mutex mu;                    // guards the fields below
  std::condition_variable cv;       // Run waits for the stop and for the last session to end
  bool stop_requested = false;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  WorkerPool pool;
  asio::io_context io;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  int port = 0;

  void Accept();
  bool Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s) {
    std::lock_guard<std::mutex> l(mu);
    sessions.erase(s);
    if (sessions.empty()) cv.notify_all();
  }
};

// One client connection. Every member function runs on the connection's strand, except Handle (a worker).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Core& core, tcp::socket socket)
      : core_(core),
        socket_(std::move(socket)),
        strand_(socket_.get_executor()),
        timer_(strand_),
        buffer_(core.opt.max_header_bytes + kReadChunk) {
    ++core_.open;
    on_chunk_ = [this](std::uint64_t size, beast::string_view, error_code& ec) {
      if (!Reserve(size)) {
        over_budget_ = true;
        ec = http::error::body_limit;
      }
    };
  }
  ~Session() {
    Release();
    --core_.open;
    core_.Unregister(this);
  }
  const asio::any_io_executor& strand() const { return strand_; }

  // `refuse`: the connection is one too many.
  void Start(bool refuse) {
    if (refuse)
      return Refuse(503, fmt::format("too many connections (at most {})", core_.opt.max_connections));
    WaitForRequest();
  }

  // The server stops: a connection waiting for a request closes; one with a request under way finishes it.
  void OnStop() {
    if (phase_ == Phase::kWaiting) Close();
  }

 private:
  enum class Phase { kWaiting, kReading, kHandling, kWriting, kClosing, kClosed };

  // Waits for the first byte of the next request (a new connection: request_seconds; between requests:
  // idle_seconds); closes quietly when none comes.
  void WaitForRequest() {
    phase_ = Phase::kWaiting;
    if (core_.stopping) return Close();
    if (buffer_.size() > 0) return ReadHeader();                       // pipelined
    if (buffer_.capacity() > 2 * kReadChunk) buffer_.shrink_to_fit();  // after a large header: idle is cheap
    Arm(first_ ? core_.opt.request_seconds : core_.opt.idle_seconds);
    socket_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              if (self->phase_ == Phase::kClosed) return;
                              self->buffer_.commit(n);
                              if (ec) return self->Close();
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    phase_ = Phase::kReading;
    first_ = false;
    over_budget_ = false;
    parser_.emplace();
    Configure(*parser_, core_.opt.max_header_bytes, core_.opt.max_body_bytes);
    parser_->on_chunk_header(on_chunk_);
    Arm(core_.opt.request_seconds);  // the whole request, from its first byte
    http::async_read_header(socket_, buffer_, *parser_, [self = shared_from_this()](error_code ec, size_t) {
      if (self->phase_ == Phase::kClosed) return;
      if (ec) return self->OnReadError(ec);
      self->OnHeader();
    });
  }

  void OnHeader() {
    if (auto bad = CheckHeader(*parser_)) return Refuse(bad->status, bad->message);
    if (auto len = parser_->content_length(); len && !Reserve(*len))
      return Refuse(503, "server busy (too many request bytes in flight)");
    head_ = parser_->get().method() == http::verb::head;
    if (!parser_->is_done() && ExpectsContinue(*parser_)) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](error_code ec, size_t) {
                          if (self->phase_ == Phase::kClosed) return;
                          if (ec) return self->OnReadError(ec);
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRequest();
    http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](error_code ec, size_t) {
      if (self->phase_ == Phase::kClosed) return;
      if (ec) return self->OnReadError(ec);
      self->OnRequest();
    });
  }

  void OnReadError(const error_code& ec) {
    if (timed_out_)
      return Refuse(408, fmt::format("request not received within {} s", core_.opt.request_seconds));
    if (over_budget_) return Refuse(503, "server busy (too many request bytes in flight)");
    // The client went away, possibly in the middle of a request: nobody to answer.
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || !IsParseError(ec))
      return Close();
    const Refusal r = ParseError(ec, core_.opt.max_header_bytes, core_.opt.max_body_bytes);
    Refuse(r.status, r.message);
  }

  // A complete request: to a worker, unless too many already wait.
  void OnRequest() {
    Disarm();
    keep_alive_ = parser_->keep_alive();
    version_ = parser_->get().version();
    HttpRequest req;
    Status s = ToHttpRequest(parser_->release(), &req);
    parser_.reset();
    if (!s.ok()) return Refuse(400, s.message());
    phase_ = Phase::kHandling;
    auto task = [self = shared_from_this(), req = std::move(req)]() mutable { self->Handle(req); };
    if (!core_.pool.TryPush(std::move(task), core_.opt.max_queue))
      Refuse(503, fmt::format("server busy ({} requests already wait for a worker)", core_.opt.max_queue));
  }

  // On a worker thread: touches only the handler and the strand.
  void Handle(HttpRequest& req) {
    HttpReply reply;
    try {
      reply = core_.handler(req);
    } catch (const std::exception& e) {
      reply = HttpReply::Error(500, fmt::format("internal error: {}", e.what()));
    } catch (...) {
      reply = HttpReply::Error(500, "internal error");
    }
    asio::post(strand_, [self = shared_from_this(), reply = std::move(reply)]() mutable {
      self->OnReply(std::move(reply));
    });
  }

  void OnReply(HttpReply reply) {
    Release();
    if (phase_ == Phase::kClosed) return;
    Response& res = res_.emplace();
    res.version(version_);
    res.result(static_cast<unsigned>(reply.status));
    res.set(http::field::content_type, reply.content_type);
    res.set(http::field::cache_control, reply.cacheable ? "public, max-age=3600" : "no-store");
    if (reply.status == 401) res.set(http::field::www_authenticate, "Bearer");
    if (reply.retry_after > 0) res.set(http::field::retry_after, std::to_string(reply.retry_after));
    res.body() = std::move(reply.body);
    res.keep_alive(keep_alive_ && !core_.stopping);
    res.prepare_payload();
    if (head_) {
      const size_t n = res.body().size();
      res.body().clear();
      res.content_length(n);
    }
    Write();
  }

  // One of the server's own answers, then the connection closes.
  void Refuse(int status, std::string_view message) {
    if (core_.opt.on_refusal) core_.opt.on_refusal(status);
    Release();
    parser_.reset();
    Response& res = res_.emplace();
    res.version(11);
    res.result(static_cast<unsigned>(status));
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = ErrorBody(message);
    res.keep_alive(false);
    res.prepare_payload();
    Write();
  }

  void Write() {
    phase_ = Phase::kWriting;
    sr_.emplace(*res_);
    WriteSome();
  }

  // Writes in pieces so that the deadline restarts whenever the client reads some of the reply.
  void WriteSome() {
    Arm(core_.opt.write_seconds);
    http::async_write_some(socket_, *sr_, [self = shared_from_this()](error_code ec, size_t) {
      if (self->phase_ == Phase::kClosed) return;
      if (ec) return self->Close();  // includes a client that stopped reading
      if (!self->sr_->is_done()) return self->WriteSome();
      self->Disarm();
      const bool keep = self->res_->keep_alive();
      self->sr_.reset();
      self->res_.reset();
      if (!keep) return self->Linger();
      self->WaitForRequest();
    });
  }

  // After a last answer: no more writes, and what the client still sends is read and dropped for a while,
  // so that closing does not reset the connection before the client has read the answer.
  void Linger() {
    phase_ = Phase::kClosing;
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    buffer_.consume(buffer_.size());
    discarded_ = 0;
    Arm(kLinger);
    Discard();
  }

  void Discard() {
    socket_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              if (self->phase_ == Phase::kClosed) return;
                              if (ec) return self->Close();
                              self->discarded_ += n;
                              // Bounded by time (kLinger) and, generously, by bytes: a client refused with
                              // 413 may still be sending a body several times the limit, and closing with its
                              // bytes unread would reset the connection before it reads the answer (seen as
                              // EPIPE by clients that write the whole body first).
                              if (self->discarded_ > kLingerBytes) return self->Close();
                              self->Discard();
                            });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    Disarm();
    error_code ec;
    socket_.close(ec);
    Release();
    parser_.reset();
    sr_.reset();
    res_.reset();
  }

  // The deadline of whatever the connection waits for: when it passes, the pending operation is
  // cancelled and its handler sees timed_out_.
  template <typename Duration>
  void Arm(Duration d) {
    timed_out_ = false;
    timer_.expires_after(d);
    timer_.async_wait([self = shared_from_this(), gen = ++timer_gen_](error_code ec) {
      if (ec || gen != self->timer_gen_ || self->phase_ == Phase::kClosed) return;
      self->timed_out_ = true;
      error_code ignored;
      self->socket_.cancel(ignored);
    });
  }
  void Arm(int seconds) { Arm(std::chrono::seconds(seconds)); }
  void Disarm() {
    ++timer_gen_;
    timer_.cancel();
  }

  // Request body bytes against the server-wide bound.
  bool Reserve(std::uint64_t n) {
    size_t cur = core_.buffered.load();
    do {
      if (n > core_.opt.max_buffered_bytes || cur > core_.opt.max_buffered_bytes - n) return false;
    } while (!core_.buffered.compare_exchange_weak(cur, cur + n));
    reserved_ += n;
    return true;
  }
  void Release() {
    if (reserved_ == 0) return;
    core_.buffered -= reserved_;
    reserved_ = 0;
  }

  Core& core_;
  tcp::socket socket_;
  const asio::any_io_executor strand_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::function<void(std::uint64_t, beast::string_view, error_code&)> on_chunk_;  // before parser_
  std::optional<Parser> parser_;
  std::optional<Response> res_;
  std::optional<http::response_serializer<http::string_body>> sr_;
  Phase phase_ = Phase::kWaiting;
  bool first_ = true, timed_out_ = false, over_budget_ = false, keep_alive_ = true, head_ = false;
  unsigned version_ = 11;
  std::uint64_t timer_gen_ = 0;
  size_t reserved_ = 0, discarded_ = 0;
};

bool Core::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard<std::mutex> l(mu);
  if (stop_requested) return false;
  sessions.emplace(s.get(), s);
  return true;
}

void Core::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](error_code ec, tcp::socket socket) {
    if (!acceptor.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {  // e.g. out of file descriptors: try again shortly instead of spinning
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](error_code e) {
        if (!e && acceptor.is_open()) Accept();
      });
      return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto s = std::make_shared<Session>(*this, std::move(socket));
    const bool refuse = open > opt.max_connections;  // counted on this strand only, so exact
    if (Register(s)) asio::post(s->strand(), [s, refuse] { s->Start(refuse); });
    Accept();
  });
}

}  // namespace http_server_internal

using http_server_internal::Core;
using http_server_internal::Session;

struct HttpServer::Impl : Core {
  using Core::Core;
  ~Impl() { pool.Shutdown(false); }  // no worker may post to the io_context once it is destroyed
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(const HttpServerOptions& options,
                                                       HttpHandler handler) {
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  error_code ec;
  tcp::resolver resolver(impl->io);
  auto found = resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
  if (ec || found.empty())
    return Status::InvalidArgument(fmt::format("cannot resolve the listen address '{}'", options.host));
  const tcp::endpoint ep = found.begin()->endpoint();
  tcp::acceptor& a = impl->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::IOError(
        fmt::format("cannot listen on {}:{} ({})", options.host, options.port, ec.message()));
  impl->port = a.local_endpoint(ec).port();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

void HttpServer::Run() {
  Core& c = *impl_;
  auto work = asio::make_work_guard(c.io);
  asio::post(c.acceptor.get_executor(), [&c] {
    if (!c.stopping) c.Accept();
  });
  auto loop = [&c] {
    for (;;) {
      try {
        c.io.run();
        return;
      } catch (const std::exception& e) {  // one connection's failure must not end the server
        fmt::print(stderr, "aips serve: error in the event loop: {}\n", e.what());
      }
    }
  };
  std::vector<std::thread> io_threads;
  try {
    for (int i = 0; i < std::max(1, c.opt.io_threads); ++i) io_threads.emplace_back(loop);
  } catch (const std::exception&) {  // a thread refused (no address space for its stack): fewer serve
    if (io_threads.empty()) throw;
  }
  {
    std::unique_lock<std::mutex> l(c.mu);
    c.cv.wait(l, [&] { return c.stop_requested; });
    // Drain: the sessions still open have a request under way (or are closing after their answer).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(c.opt.drain_seconds);
    c.cv.wait_until(l, deadline, [&] { return c.sessions.empty(); });
  }
  work.reset();
  c.io.stop();
  for (auto& t : io_threads) t.join();
  c.pool.Shutdown(false);  // requests still running finish; replies past the deadline are lost
}

void HttpServer::Stop() {
  Core& c = *impl_;
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> l(c.mu);
    if (c.stop_requested) return;
    c.stop_requested = true;  // from now on no session registers
    c.stopping = true;
    for (auto& [raw, weak] : c.sessions)
      if (auto s = weak.lock()) live.push_back(std::move(s));
    c.cv.notify_all();
  }
  asio::post(c.acceptor.get_executor(), [&c] {
    error_code ignored;
    c.acceptor.close(ignored);
    c.accept_retry.cancel();
  });
  // Outside the lock: dropping the last reference to a session locks it.
  for (auto& s : live) asio::post(s->strand(), [s] { s->OnStop(); });
}

HttpParse ParseHttpRequest(std::string_view bytes, size_t max_header_bytes, size_t max_body_bytes,
                           HttpRequest* out) {
  using namespace http_server_internal;
  HttpParse r;
  auto fail = [&](int status, std::string message) {
    r.state = HttpParse::kError;
    r.status = status;
    r.error = std::move(message);
    return r;
  };
  Parser p;
  Configure(p, max_header_bytes, max_body_bytes);
  p.eager(true);
  size_t used = 0;
  bool header_checked = false;
  while (!p.is_done()) {
    error_code ec;
    const size_t n = p.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (p.is_header_done() && !header_checked) {
      header_checked = true;
      if (auto bad = CheckHeader(p)) return fail(bad->status, bad->message);
      r.keep_alive = p.keep_alive();
      r.expect_continue = ExpectsContinue(p);
    }
    // More bytes are needed than there are: presenting the same bytes again would break the parser's
    // contract (it resumes expecting more than last time; found by fuzz_http).
    if (ec == http::error::need_more) return r;
    if (ec) {
      const Refusal bad = ParseError(ec, max_header_bytes, max_body_bytes);
      return fail(bad.status, bad.message);
    }
    if (n == 0) return r;
  }
  r.consumed = used;
  Status s = ToHttpRequest(p.release(), out);
  if (!s.ok()) return fail(400, s.message());
  r.state = HttpParse::kComplete;
  return r;
}

}  // namespace aips
