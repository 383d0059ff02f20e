#include "serve/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace aips {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Response {
  int status = 0;  // 0: the connection closed (or nothing came) before a whole response
  std::string head, body;
  std::string Header(std::string name) const {
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos) return "";
    size_t v = at + 3 + name.size();
    while (v < head.size() && head[v] == ' ') ++v;
    return head.substr(v, head.find("\r\n", v) - v);
  }
};

// A blocking client over a real socket.
class Client {
 public:
  explicit Client(int port, int rcvbuf = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }

  bool Send(std::string_view s) {
    while (!s.empty()) {
      const ssize_t n = send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      s.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response (a 1xx one too; `head`: the answer to a HEAD request, without a body); status 0 when the
  // connection ends first.
  Response Read(bool head = false) {
    Response r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill()) return r;
    r.head = buf_.substr(0, end + 2);
    buf_.erase(0, end + 4);
    const std::string len = r.Header("content-length");
    const size_t n = len.empty() || head ? 0 : std::stoul(len);
    while (buf_.size() < n)
      if (!Fill()) return r;
    r.body = buf_.substr(0, n);
    buf_.erase(0, n);
    if (r.head.size() > 12) r.status = std::stoi(r.head.substr(9, 3));
    return r;
  }

  // True when the server closed the connection (EOF or reset) within the receive timeout, after any bytes
  // still on their way.
  bool ClosedByServer(size_t* bytes = nullptr) {
    char tmp[65536];
    for (;;) {
      const ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
      if (n > 0) {
        if (bytes) *bytes += static_cast<size_t>(n);
        continue;
      }
      if (n == 0) return true;
      return errno == ECONNRESET;
    }
  }

 private:
  bool Fill() {
    char tmp[65536];
    const ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

// A server on an ephemeral port, run on its own thread.
class TestServer {
 public:
  TestServer(HttpServerOptions opt, HttpHandler handler) {
    opt.host = "127.0.0.1";
    opt.port = 0;
    auto s = HttpServer::Listen(opt, std::move(handler));
    EXPECT_TRUE(s.ok()) << s.status().message();
    server_ = std::move(s).value();
    runner_ = std::thread([this] { server_->Run(); });
  }
  ~TestServer() { StopAndJoin(); }
  int port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  void StopAndJoin() {
    if (!runner_.joinable()) return;
    server_->Stop();
    runner_.join();
  }

 private:
  std::unique_ptr<HttpServer> server_;
  std::thread runner_;
};

HttpServerOptions SmallLimits() {
  HttpServerOptions o;
  o.workers = 2;
  o.max_header_bytes = 1024;
  o.max_body_bytes = 100;
  o.request_seconds = 1;
  o.write_seconds = 1;
  o.idle_seconds = 2;
  o.drain_seconds = 5;
  return o;
}

// Answers with the method, the decoded path, the parameters and the body.
HttpReply Echo(HttpRequest& req) {
  std::string s = req.method + " " + req.path;
  for (auto& [k, v] : req.params) s += " " + k + "=" + v;
  s += " [" + req.body + "] host=" + req.Header("host");
  return HttpReply{200, s, "text/plain", req.path == "/cached"};
}

bool IsJsonError(const Response& r) {
  return r.Header("content-type") == "application/json" && r.body.rfind("{\"error\":\"", 0) == 0;
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
  TestServer ts(SmallLimits(), Echo);
  Client c(ts.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("GET /a%20b?x=1+2&y=%C3%A9 HTTP/1.1\r\nHost: H\r\n\r\n"));
  Response r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /a b x=1 2 y=\xC3\xA9 [] host=H");
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_NE(r.Header("connection"), "close");
  ASSERT_TRUE(c.Send("POST /cached HTTP/1.1\r\nHost: H\r\nContent-Length: 5\r\n\r\nhello"));
  r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /cached [hello] host=H");
  EXPECT_EQ(r.Header("cache-control"), "public, max-age=3600");
  // Pipelined: two requests in one write, answered in order.
  ASSERT_TRUE(c.Send("GET /1 HTTP/1.1\r\nHost: H\r\n\r\nGET /2 HTTP/1.1\r\nHost: H\r\n\r\n"));
  EXPECT_EQ(c.Read().body, "GET /1 [] host=H");
  EXPECT_EQ(c.Read().body, "GET /2 [] host=H");
  // Chunked bodies and HTTP/1.0 (which closes unless asked to keep alive).
  ASSERT_TRUE(
      c.Send("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  EXPECT_EQ(c.Read().body, "POST /c [abcde] host=");
  ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
  r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(HttpServer, RepliesCarryTheirHeaders) {
  TestServer ts(SmallLimits(), [](HttpRequest& req) -> HttpReply {
    if (req.path == "/auth") return HttpReply::Error(401, "missing API key");
    if (req.path == "/throw") throw std::runtime_error("boom");
    if (req.path == "/later") {
      HttpReply r = HttpReply::Error(503, "out of memory");
      r.retry_after = 5;
      return r;
    }
    return HttpReply::Json("{\"ok\":true}");
  });
  Client c(ts.port());
  ASSERT_TRUE(c.Send("GET /auth HTTP/1.1\r\n\r\n"));
  Response r = c.Read();
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Header("www-authenticate"), "Bearer");
  EXPECT_TRUE(IsJsonError(r)) << r.body;
  ASSERT_TRUE(c.Send("GET /throw HTTP/1.1\r\n\r\n"));
  r = c.Read();
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error":"internal error: boom"})");
  EXPECT_EQ(r.Header("retry-after"), "");
  ASSERT_TRUE(c.Send("GET /later HTTP/1.1\r\n\r\n"));
  r = c.Read();
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Header("retry-after"), "5");
  EXPECT_TRUE(IsJsonError(r)) << r.body;
  ASSERT_TRUE(c.Send("HEAD /x HTTP/1.1\r\n\r\n"));  // the header alone, with the body's length
  r = c.Read(/*head=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), "11");
  ASSERT_TRUE(c.Send("GET /x HTTP/1.1\r\n\r\n"));  // nothing of a HEAD body came before this
  EXPECT_EQ(c.Read().body, "{\"ok\":true}");
}

TEST(HttpServer, ExpectContinueIsAnswered) {
  TestServer ts(SmallLimits(), Echo);
  Client c(ts.port());
  ASSERT_TRUE(c.Send("POST /e HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(c.Read().status, 100);
  ASSERT_TRUE(c.Send("body"));
  EXPECT_EQ(c.Read().body, "POST /e [body] host=");
}

TEST(HttpServer, LimitsAnswerJson) {
  TestServer ts(SmallLimits(), Echo);
  {
    Client c(ts.port());  // the declared length is refused before the body is read
    ASSERT_TRUE(c.Send("POST /big HTTP/1.1\r\nContent-Length: 1000\r\n\r\n"));
    Response r = c.Read();
    EXPECT_EQ(r.status, 413);
    EXPECT_TRUE(IsJsonError(r)) << r.body;
    EXPECT_EQ(r.Header("connection"), "close");
    EXPECT_TRUE(c.ClosedByServer());
  }
  {
    Client c(ts.port());  // a chunked body passes the limit as it arrives
    ASSERT_TRUE(c.Send("POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
                       std::string(80, 'x') + "\r\n50\r\n"));
    Response r = c.Read();
    EXPECT_EQ(r.status, 413);
    EXPECT_TRUE(IsJsonError(r));
  }
  {
    Client c(ts.port());
    ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n"));
    Response r = c.Read();
    EXPECT_EQ(r.status, 431);
    EXPECT_TRUE(IsJsonError(r)) << r.body;
  }
  for (const char* bad : {"GARBAGE\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "GET /%zz HTTP/1.1\r\n\r\n",
                          "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"}) {
    Client c(ts.port());
    ASSERT_TRUE(c.Send(bad));
    Response r = c.Read();
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(IsJsonError(r)) << r.body;
  }
  {
    Client c(ts.port());  // half a request: 408 once request_seconds pass since its first byte
    const auto t0 = Clock::now();
    ASSERT_TRUE(c.Send("POST /slow HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
    Response r = c.Read();
    EXPECT_EQ(r.status, 408);
    EXPECT_TRUE(IsJsonError(r)) << r.body;
    EXPECT_GE(SecondsSince(t0), 0.9);
    EXPECT_LT(SecondsSince(t0), 3);
  }
}

TEST(HttpServer, IdleConnectionsAreClosed) {
  HttpServerOptions o = SmallLimits();
  o.idle_seconds = 1;
  TestServer ts(o, Echo);
  Client c(ts.port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(c.Read().status, 200);
  const auto t0 = Clock::now();
  EXPECT_TRUE(c.ClosedByServer());  // quietly: no 408 for a connection between requests
  EXPECT_GE(SecondsSince(t0), 0.9);
  EXPECT_LT(SecondsSince(t0), 3);
}

TEST(HttpServer, BeyondMaxConnectionsAnswers503) {
  HttpServerOptions o = SmallLimits();
  o.max_connections = 2;
  TestServer ts(o, Echo);
  Client a(ts.port()), b(ts.port());
  ASSERT_TRUE(a.Send("GET /a HTTP/1.1\r\n\r\n"));  // both are open and served
  EXPECT_EQ(a.Read().status, 200);
  ASSERT_TRUE(b.Send("GET /b HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(b.Read().status, 200);
  Client c(ts.port());
  Response r = c.Read();
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(IsJsonError(r)) << r.body;
  EXPECT_NE(r.body.find("too many connections"), std::string::npos);
}

TEST(HttpServer, SlowSenderDoesNotBlockAnotherClient) {
  HttpServerOptions o = SmallLimits();
  o.workers = 1;
  o.request_seconds = 5;
  TestServer ts(o, Echo);
  Client slow(ts.port());
  ASSERT_TRUE(slow.Send("POST /slow HTTP/1.1\r\nContent-Length: 50\r\n\r\nab"));  // and nothing more for now
  Client idle(ts.port());                                                         // connected, sends nothing
  for (int i = 0; i < 3; ++i) {
    Client c(ts.port());
    const auto t0 = Clock::now();
    ASSERT_TRUE(c.Send("GET /fast HTTP/1.1\r\n\r\n"));
    EXPECT_EQ(c.Read().status, 200);
    EXPECT_LT(SecondsSince(t0), 0.5);
  }
  ASSERT_TRUE(slow.Send(std::string(48, 'c')));
  EXPECT_EQ(slow.Read().status, 200);
}

TEST(HttpServer, AClientThatDoesNotReadIsDropped) {
  HttpServerOptions o = SmallLimits();
  o.write_seconds = 1;
  const std::string big(32 << 20, 'z');
  TestServer ts(o, [&big](HttpRequest&) { return HttpReply{200, big, "text/plain", false}; });
  Client c(ts.port(), 4096);
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\n\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  size_t got = 0;
  EXPECT_TRUE(c.ClosedByServer(&got));
  EXPECT_LT(got, big.size());
  Client d(ts.port());  // the server goes on
  ASSERT_TRUE(d.Send("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(d.Read().status, 200);
}

TEST(HttpServer, TooManyWaitingRequestsAnswer503) {
  HttpServerOptions o = SmallLimits();
  o.workers = 1;
  o.max_queue = 1;
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> started{0};
  TestServer ts(o, [&](HttpRequest&) {
    ++started;
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return release; });
    return HttpReply::Json("{}");
  });
  Client a(ts.port()), b(ts.port()), c(ts.port());
  ASSERT_TRUE(a.Send("GET /a HTTP/1.1\r\n\r\n"));
  while (started == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(b.Send("GET /b HTTP/1.1\r\n\r\n"));  // waits in the queue
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(c.Send("GET /c HTTP/1.1\r\n\r\n"));  // one too many
  Response r = c.Read();
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(IsJsonError(r)) << r.body;
  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_EQ(a.Read().status, 200);
  EXPECT_EQ(b.Read().status, 200);
}

TEST(HttpServer, StopDrainsARequestInFlight) {
  std::atomic<bool> started{false};
  HttpServerOptions o = SmallLimits();
  TestServer ts(o, [&](HttpRequest& req) {
    started = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return HttpReply{200, "done " + req.path, "text/plain", false};
  });
  Client busy(ts.port()), idle(ts.port());
  ASSERT_TRUE(busy.Send("GET /work HTTP/1.1\r\n\r\n"));
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto t0 = Clock::now();
  std::thread stopper([&] { ts.StopAndJoin(); });  // Stop, then wait for Run to return
  Response r = busy.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done /work");
  EXPECT_EQ(r.Header("connection"), "close");  // no further request on it
  EXPECT_TRUE(idle.ClosedByServer());          // a connection without a request is closed
  stopper.join();
  EXPECT_LT(SecondsSince(t0), 4);
  Client late(ts.port());  // no longer accepting
  EXPECT_TRUE(!late.connected() || late.ClosedByServer());
}

TEST(HttpServer, StopBeforeRunReturnsAtOnce) {
  auto s = HttpServer::Listen(SmallLimits(), Echo);
  ASSERT_TRUE(s.ok());
  (*s)->Stop();
  (*s)->Run();
}

TEST(HttpServer, ListenFailsOnABusyPort) {
  auto a = HttpServer::Listen(SmallLimits(), Echo);
  ASSERT_TRUE(a.ok());
  HttpServerOptions o = SmallLimits();
  o.port = (*a)->port();
  auto b = HttpServer::Listen(o, Echo);
  EXPECT_FALSE(b.ok());
}

TEST(ParseHttpRequest, ParsesLikeTheServer) {
  HttpRequest req;
  const std::string one = "POST /p%2Fq?a=1 HTTP/1.1\r\nHost: h\r\nX-Thing: V\r\nContent-Length: 3\r\n\r\nabc";
  HttpParse p = ParseHttpRequest(one + "GET /next HTTP/1.1\r\n\r\n", 1024, 100, &req);
  ASSERT_EQ(p.state, HttpParse::kComplete);
  EXPECT_EQ(p.consumed, one.size());
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/p%2Fq?a=1");
  EXPECT_EQ(req.path, "/p/q");
  EXPECT_EQ(req.Param("a"), "1");
  EXPECT_EQ(req.Header("x-thing"), "V");
  EXPECT_EQ(req.body, "abc");
  EXPECT_TRUE(p.keep_alive);
  for (size_t n = 0; n < one.size(); ++n)
    EXPECT_EQ(ParseHttpRequest(one.substr(0, n), 1024, 100, &req).state, HttpParse::kIncomplete) << n;
  // A chunked body whose trailer has not arrived yet (a regression case from fuzz_http).
  EXPECT_EQ(
      ParseHttpRequest("P s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT", 1024, 100, &req)
          .state,
      HttpParse::kIncomplete);
  p = ParseHttpRequest("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", 1024, 100,
                       &req);
  EXPECT_EQ(p.state, HttpParse::kIncomplete);
  EXPECT_TRUE(p.expect_continue);
  EXPECT_FALSE(ParseHttpRequest("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 1024, 100, &req).keep_alive);
  auto status = [&](const std::string& r) { return ParseHttpRequest(r, 1024, 100, &req).status; };
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n"), 413);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n"), 413);
  EXPECT_EQ(status("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a')), 431);  // never ends, too long
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTTP/2.0\r\n\r\n"), 400);
  EXPECT_EQ(status("GET /%4 HTTP/1.1\r\n\r\n"), 400);
}

}  // namespace
}  // namespace aips
