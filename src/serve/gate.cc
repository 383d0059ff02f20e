#include "serve/gate.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <unordered_map>

#include "fmt/format.h"
#include "serve/http_frame.h"

namespace aips {

namespace {

using Clock = std::chrono::steady_clock;

void NoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string PeerOf(const sockaddr_storage& a) {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (a.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
  else if (a.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
  return buf;
}

}  // namespace

// One client connection and, while a request of it is being answered, its upstream connection.
struct Conn {
  // kClosing: writing a last response; kDraining: written, write side shut, discarding what the client
  // still sends (so that closing does not reset the connection before it read the response).
  enum State { kIdle, kReading, kForwarding, kClosing, kDraining } state = kIdle;
  size_t discarded = 0;
  int fd = -1, up = -1;
  std::string peer;
  std::string in;   // client bytes not yet forwarded
  std::string out;  // bytes for the client
  size_t out_sent = 0;
  std::string up_out;  // the rewritten request for upstream
  size_t up_sent = 0;
  bool up_connected = false;
  std::string resp_head;  // upstream bytes until the response header is complete
  bool resp_head_done = false, resp_delimited = false;
  bool keep_alive = true, sent_continue = false;
  RequestFrame frame;  // the request being read, framed as far as its bytes allow
  Clock::time_point deadline;
};

struct Gate::Loop {
  Gate& g;
  int ep = -1;
  std::unordered_map<int, Conn*> by_fd;  // client and upstream fds
  std::unordered_map<Conn*, std::unique_ptr<Conn>> conns;
  size_t buffered = 0;  // request bytes held in Conn::in of every connection

  explicit Loop(Gate& gate) : g(gate) {}

  void Watch(int fd, uint32_t events, bool add) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(ep, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
  }

  // Interest sets from the connection's state.
  void Update(Conn* c) {
    uint32_t ev = 0;
    if (c->state != Conn::kForwarding) ev |= EPOLLIN;
    if (c->out_sent < c->out.size()) ev |= EPOLLOUT;
    ev |= EPOLLRDHUP;
    Watch(c->fd, ev, false);
    if (c->up >= 0)
      Watch(c->up, EPOLLIN | (!c->up_connected || c->up_sent < c->up_out.size() ? EPOLLOUT : 0u), false);
  }

  void CloseUp(Conn* c) {
    if (c->up < 0) return;
    by_fd.erase(c->up);
    close(c->up);
    c->up = -1;
  }

  void Close(Conn* c) {
    CloseUp(c);
    by_fd.erase(c->fd);
    close(c->fd);
    buffered -= c->in.size();
    conns.erase(c);
  }

  // Answers with one of the gate's own responses and closes once it is written.
  void Refuse(Conn* c, int status, std::string_view message) {
    if (g.opt_.on_refusal) g.opt_.on_refusal(status);
    CloseUp(c);
    buffered -= c->in.size();
    c->in.clear();
    c->out.erase(0, c->out_sent);
    c->out_sent = 0;
    c->out += GateResponse(status, message);
    c->state = Conn::kClosing;
    c->deadline = Clock::now() + std::chrono::seconds(g.opt_.write_seconds);
    Update(c);
  }

  void Drain(Conn* c) {
    shutdown(c->fd, SHUT_WR);
    c->state = Conn::kDraining;
    c->deadline = Clock::now() + std::chrono::seconds(2);
    Update(c);
  }

  // kClosing / kDraining: what the client still sends is read and dropped.
  void Discard(Conn* c) {
    char buf[64 << 10];
    for (;;) {
      ssize_t n = recv(c->fd, buf, sizeof buf, 0);
      if (n > 0) {
        c->discarded += static_cast<size_t>(n);
        if (c->discarded > g.opt_.max_body_bytes + g.opt_.max_header_bytes) return Close(c);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      return Close(c);  // EOF or error
    }
  }

  void Accept() {
    for (;;) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      int fd = accept4(g.listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or a transient error (EMFILE: tried again on the next event)
      NoDelay(fd);
      auto owned = std::make_unique<Conn>();
      Conn* c = owned.get();
      c->fd = fd;
      c->peer = PeerOf(addr);
      c->deadline = Clock::now() + std::chrono::seconds(g.opt_.request_seconds);
      conns.emplace(c, std::move(owned));
      by_fd[fd] = c;
      Watch(fd, EPOLLIN | EPOLLRDHUP, true);
      if (static_cast<int>(conns.size()) > g.opt_.max_connections) {
        Refuse(c, 503, fmt::format("too many connections (at most {})", g.opt_.max_connections));
      }
    }
  }

  // Looks at the buffered client bytes: answers 100-continue, refuses, or forwards a complete request.
  void Advance(Conn* c) {
    if (c->state != Conn::kIdle && c->state != Conn::kReading) return;
    if (c->in.empty()) return;
    if (c->state == Conn::kIdle) {  // a new request's first byte: its deadline starts now
      c->state = Conn::kReading;
      c->sent_continue = false;
      c->frame = RequestFrame{};
      c->deadline = Clock::now() + std::chrono::seconds(g.opt_.request_seconds);
    }
    // Once the header is framed, only the body is looked at again (a chunked one from where it stopped).
    RequestFrame& f = c->frame;
    if (f.header_len == 0)
      f = FrameRequest(c->in, g.opt_.max_header_bytes, g.opt_.max_body_bytes);
    else
      FrameBody(c->in, g.opt_.max_body_bytes, &f);
    if (f.state == RequestFrame::kError) return Refuse(c, f.error_status, f.error);
    if (f.state == RequestFrame::kIncomplete) {
      if (f.header_len > 0 && f.expect_continue && !c->sent_continue) {
        c->sent_continue = true;
        c->out += "HTTP/1.1 100 Continue\r\n\r\n";
        Update(c);
      }
      return;
    }
    // Complete: forward it on a fresh loopback connection.
    c->keep_alive = f.keep_alive;
    std::string_view req(c->in.data(), f.total_len);
    c->up_out = RewriteRequestHeader(req.substr(0, f.header_len), c->peer);
    c->up_out.append(req.substr(f.header_len));
    c->up_sent = 0;
    buffered -= f.total_len;
    c->in.erase(0, f.total_len);
    c->resp_head.clear();
    c->resp_head_done = c->resp_delimited = false;
    int up = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (up < 0) return Refuse(c, 503, "server busy (no socket for the request)");
    NoDelay(up);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(g.opt_.upstream_port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a);
    if (rc < 0 && errno != EINPROGRESS) {
      close(up);
      return Refuse(c, 503, "server busy (workers unreachable)");
    }
    c->up = up;
    c->up_connected = rc == 0;
    by_fd[up] = c;
    Watch(up, EPOLLIN | EPOLLOUT, true);
    c->state = Conn::kForwarding;
    c->deadline = Clock::time_point::max();  // the workers' own timeouts bound the answer
    Update(c);
  }

  void OnClientReadable(Conn* c) {
    char buf[64 << 10];
    for (;;) {
      ssize_t n = recv(c->fd, buf, sizeof buf, 0);
      if (n > 0) {
        if (buffered + static_cast<size_t>(n) > g.opt_.max_buffered_bytes)
          return Refuse(c, 503, "server busy (too many request bytes in flight)");
        c->in.append(buf, static_cast<size_t>(n));
        buffered += static_cast<size_t>(n);
        if (c->in.size() > g.opt_.max_header_bytes + g.opt_.max_body_bytes + 64 * 1024) break;
        continue;
      }
      if (n == 0) return Close(c);  // the client is gone (a half-sent request is dropped)
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return Close(c);
    }
    Advance(c);
  }

  void OnClientWritable(Conn* c) {
    while (c->out_sent < c->out.size()) {
      ssize_t n = send(c->fd, c->out.data() + c->out_sent, c->out.size() - c->out_sent, MSG_NOSIGNAL);
      if (n > 0) {
        c->out_sent += static_cast<size_t>(n);
        if (c->state != Conn::kReading)
          c->deadline = Clock::now() + std::chrono::seconds(g.opt_.write_seconds);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      return Close(c);
    }
    if (c->out_sent == c->out.size()) {
      c->out.clear();
      c->out_sent = 0;
      if (c->state == Conn::kClosing) return Drain(c);
      if (c->state == Conn::kIdle) c->deadline = Clock::now() + std::chrono::seconds(g.opt_.idle_seconds);
      if (c->state == Conn::kForwarding) c->deadline = Clock::time_point::max();
    }
    Update(c);
  }

  void OnUpstream(Conn* c, uint32_t events) {
    if (!c->up_connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c->up, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return Refuse(c, 503, "server busy (workers unreachable)");
      c->up_connected = true;
    }
    while (c->up_connected && c->up_sent < c->up_out.size()) {
      ssize_t n = send(c->up, c->up_out.data() + c->up_sent, c->up_out.size() - c->up_sent, MSG_NOSIGNAL);
      if (n > 0) {
        c->up_sent += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      return Refuse(c, 503, "server busy (workers closed the connection)");
    }
    if (c->up_sent == c->up_out.size() && !c->up_out.empty()) {
      c->up_out.clear();
      c->up_out.shrink_to_fit();
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      char buf[64 << 10];
      for (;;) {
        ssize_t n = recv(c->up, buf, sizeof buf, 0);
        if (n > 0) {
          OnResponseBytes(c, std::string_view(buf, static_cast<size_t>(n)));
          continue;
        }
        if (n == 0) return OnResponseEnd(c);
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR) continue;
        return OnResponseEnd(c);
      }
    }
    Update(c);
  }

  void OnResponseBytes(Conn* c, std::string_view bytes) {
    // Bytes for the client: from now on it must keep reading them.
    if (c->deadline == Clock::time_point::max())
      c->deadline = Clock::now() + std::chrono::seconds(g.opt_.write_seconds);
    if (c->resp_head_done) {
      c->out.append(bytes);
      return;
    }
    c->resp_head.append(bytes);
    const size_t end = c->resp_head.find("\r\n\r\n");
    if (end == std::string::npos) return;
    c->out += RewriteResponseHeader(std::string_view(c->resp_head).substr(0, end + 4), c->keep_alive,
                                    &c->resp_delimited);
    c->out.append(c->resp_head, end + 4);
    c->resp_head.clear();
    c->resp_head_done = true;
  }

  // The workers closed the loopback connection: the response is whole.
  void OnResponseEnd(Conn* c) {
    CloseUp(c);
    if (!c->resp_head_done) return Refuse(c, 503, "server busy (no answer from the workers)");
    if (!c->keep_alive || !c->resp_delimited || g.stopping_) {
      c->state = Conn::kClosing;
    } else {
      c->state = Conn::kIdle;
    }
    const bool pending = c->out_sent < c->out.size();
    c->deadline =
        Clock::now() + std::chrono::seconds(pending || c->state == Conn::kClosing ? g.opt_.write_seconds
                                                                                  : g.opt_.idle_seconds);
    if (c->out_sent == c->out.size() && c->state == Conn::kClosing) return Drain(c);
    Update(c);
    Advance(c);  // a pipelined next request
  }

  void Expire() {
    const auto now = Clock::now();
    std::vector<Conn*> late;
    for (auto& [c, owned] : conns)
      if (c->deadline <= now) late.push_back(c);
    for (Conn* c : late) {
      switch (c->state) {
        case Conn::kIdle:
          Close(c);
          break;  // idle keep-alive
        case Conn::kReading:
          Refuse(c, 408, fmt::format("request not received within {} s", g.opt_.request_seconds));
          break;
        default:
          Close(c);
          break;  // a client that does not read its answer
      }
    }
  }

  bool Busy() const {
    for (auto& [c, owned] : conns)
      if (c->state == Conn::kForwarding || c->out_sent < c->out.size()) return true;
    return false;
  }

  void Run() {
    ep = epoll_create1(EPOLL_CLOEXEC);
    Watch(g.listen_fd_, EPOLLIN, true);
    Watch(g.wake_fd_, EPOLLIN, true);
    epoll_event events[256];
    Clock::time_point stop_by = Clock::time_point::max();
    for (;;) {
      if (g.stopping_ && stop_by == Clock::time_point::max()) {
        epoll_ctl(ep, EPOLL_CTL_DEL, g.listen_fd_, nullptr);
        stop_by = Clock::now() + std::chrono::seconds(g.opt_.write_seconds);
      }
      if (g.stopping_ && (!Busy() || Clock::now() >= stop_by)) break;
      const int n = epoll_wait(ep, events, 256, 200);
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        const uint32_t ev = events[i].events;
        if (fd == g.listen_fd_) {
          if (!g.stopping_) Accept();
          continue;
        }
        if (fd == g.wake_fd_) {
          uint64_t v;
          (void)!read(g.wake_fd_, &v, sizeof v);
          continue;
        }
        auto it = by_fd.find(fd);
        if (it == by_fd.end()) continue;  // closed earlier in this batch
        Conn* c = it->second;
        if (fd == c->up) {
          OnUpstream(c, ev);
          continue;
        }
        if (ev & EPOLLOUT) {
          OnClientWritable(c);
          if (!by_fd.count(fd)) continue;
        }
        if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
          if (c->state == Conn::kIdle || c->state == Conn::kReading)
            OnClientReadable(c);
          else if (c->state == Conn::kClosing || c->state == Conn::kDraining)
            Discard(c);
          else if (ev & (EPOLLHUP | EPOLLERR))
            Close(c);
        }
      }
      Expire();
    }
    std::vector<Conn*> all;
    for (auto& [c, owned] : conns) all.push_back(c);
    for (Conn* c : all) Close(c);
    close(ep);
  }
};

Result<std::unique_ptr<Gate>> Gate::Listen(const GateOptions& opt) {
  std::unique_ptr<Gate> g(new Gate());
  g->opt_ = opt;
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  const std::string port = std::to_string(opt.port);
  if (getaddrinfo(opt.host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr)
    return Status::InvalidArgument(fmt::format("cannot resolve the listen address '{}'", opt.host));
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
    const std::string err = std::strerror(errno);
    if (fd >= 0) close(fd);
    freeaddrinfo(res);
    return Status::IOError(fmt::format("cannot listen on {}:{} ({})", opt.host, opt.port, err));
  }
  freeaddrinfo(res);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  g->port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                               : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  g->listen_fd_ = fd;
  g->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return g;
}

Gate::~Gate() {
  if (listen_fd_ >= 0) close(listen_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Gate::Run() {
  Loop loop(*this);
  loop.Run();
}

void Gate::Stop() {
  stopping_ = true;
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
}

}  // namespace aips
