#include "serve/http_frame.h"

#include <cctype>
#include <charconv>

#include "common/json_writer.h"
#include "fmt/format.h"

namespace aips {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool IContains(std::string_view hay, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (IEquals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Calls f(name, value, whole_line_with_crlf) for each header line after the start line.
template <typename F>
void ForEachHeader(std::string_view header, F f) {
  size_t pos = header.find("\r\n");
  if (pos == std::string_view::npos) return;
  pos += 2;
  while (pos < header.size()) {
    size_t end = header.find("\r\n", pos);
    if (end == std::string_view::npos || end == pos) return;  // the blank line
    std::string_view line = header.substr(pos, end - pos);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos)
      f(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)), header.substr(pos, end + 2 - pos));
    else
      f(std::string_view(), std::string_view(), header.substr(pos, end + 2 - pos));
    pos = end + 2;
  }
}

const char* Reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

}  // namespace

size_t ChunkedLength(std::string_view body, size_t max_body, std::string* error, ChunkedScan* scan) {
  ChunkedScan local;
  if (scan == nullptr) scan = &local;
  size_t pos = scan->pos, decoded = scan->decoded;
  for (;;) {
    *scan = ChunkedScan{pos, decoded};  // every chunk before `pos` is whole
    const size_t eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      if (body.size() - pos > 1024) *error = "chunk size line too long";
      return std::string_view::npos;
    }
    std::string_view line = body.substr(pos, eol - pos);
    line = line.substr(0, line.find(';'));  // chunk extensions
    line = Trim(line);
    size_t size = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
    if (line.empty() || ec != std::errc() || p != line.data() + line.size()) {
      *error = "malformed chunk size";
      return std::string_view::npos;
    }
    pos = eol + 2;
    if (size == 0) {  // trailers, then the blank line
      for (;;) {
        const size_t t = body.find("\r\n", pos);
        if (t == std::string_view::npos) return std::string_view::npos;
        if (t == pos) return t + 2;
        pos = t + 2;
      }
    }
    if (size > max_body || decoded + size > max_body) {
      *error = "body too large";
      return std::string_view::npos;
    }
    decoded += size;
    if (body.size() < pos + size + 2) return std::string_view::npos;
    if (body.substr(pos + size, 2) != "\r\n") {
      *error = "chunk not followed by CRLF";
      return std::string_view::npos;
    }
    pos += size + 2;
  }
}

RequestFrame FrameRequest(std::string_view buf, size_t max_header, size_t max_body) {
  RequestFrame f;
  auto fail = [&](int status, std::string msg) {
    f.state = RequestFrame::kError;
    f.error_status = status;
    f.error = std::move(msg);
    return f;
  };
  // Tolerate blank lines before a request (RFC 9112 2.2).
  size_t lead = 0;
  while (lead + 1 < buf.size() && buf[lead] == '\r' && buf[lead + 1] == '\n') lead += 2;
  const size_t end = buf.find("\r\n\r\n", lead);
  if (end == std::string_view::npos) {
    if (buf.size() > max_header)
      return fail(431, fmt::format("request header larger than {} bytes", max_header));
    return f;
  }
  if (end + 4 > max_header) return fail(431, fmt::format("request header larger than {} bytes", max_header));
  f.header_len = end + 4;
  std::string_view header = buf.substr(0, f.header_len);
  std::string_view start = buf.substr(lead, buf.find("\r\n", lead) - lead);
  const size_t sp1 = start.find(' '), sp2 = start.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return fail(400, "malformed request line");
  std::string_view version = start.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(400, "unsupported HTTP version");
  f.keep_alive = version == "HTTP/1.1";
  bool has_length = false;
  std::string bad;
  ForEachHeader(header, [&](std::string_view name, std::string_view value, std::string_view) {
    if (name.empty()) {
      bad = "malformed header line";
    } else if (IEquals(name, "Content-Length")) {
      size_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || p != value.data() + value.size() ||
          (has_length && n != f.content_length))
        bad = "malformed Content-Length";
      f.content_length = n;
      has_length = true;
    } else if (IEquals(name, "Transfer-Encoding")) {
      if (!IEquals(value, "chunked")) bad = "unsupported Transfer-Encoding";
      f.chunked = true;
    } else if (IEquals(name, "Connection")) {
      if (IContains(value, "close")) f.keep_alive = false;
      if (IContains(value, "keep-alive")) f.keep_alive = true;
    } else if (IEquals(name, "Expect")) {
      if (IEquals(value, "100-continue")) f.expect_continue = true;
    }
  });
  if (!bad.empty()) return fail(400, bad);
  if (f.chunked && has_length) return fail(400, "both Content-Length and Transfer-Encoding");
  if (has_length && f.content_length > max_body)
    return fail(413, fmt::format("request body larger than {} bytes", max_body));
  FrameBody(buf, max_body, &f);
  return f;
}

void FrameBody(std::string_view buf, size_t max_body, RequestFrame* f) {
  std::string_view body = buf.substr(f->header_len);
  if (f->chunked) {
    std::string err;
    const size_t n = ChunkedLength(body, max_body, &err, &f->scan);
    if (!err.empty()) {
      f->state = RequestFrame::kError;
      f->error_status = err == "body too large" ? 413 : 400;
      f->error = std::move(err);
      return;
    }
    if (n == std::string_view::npos) return;
    f->total_len = f->header_len + n;
  } else {
    if (body.size() < f->content_length) return;
    f->total_len = f->header_len + f->content_length;
  }
  f->state = RequestFrame::kComplete;
}

std::string RewriteRequestHeader(std::string_view header, std::string_view peer) {
  std::string out(header.substr(0, header.find("\r\n") + 2));
  ForEachHeader(header, [&](std::string_view name, std::string_view, std::string_view line) {
    if (IEquals(name, "Connection") || IEquals(name, "Keep-Alive") || IEquals(name, "Expect") ||
        IEquals(name, "X-Forwarded-For"))
      return;
    out.append(line);
  });
  out += "Connection: close\r\nX-Forwarded-For: ";
  out += peer;
  out += "\r\n\r\n";
  return out;
}

std::string RewriteResponseHeader(std::string_view header, bool keep_alive, bool* delimited) {
  std::string out(header.substr(0, header.find("\r\n") + 2));
  *delimited = false;
  ForEachHeader(header, [&](std::string_view name, std::string_view value, std::string_view line) {
    if (IEquals(name, "Connection") || IEquals(name, "Keep-Alive")) return;
    if (IEquals(name, "Content-Length") ||
        (IEquals(name, "Transfer-Encoding") && IContains(value, "chunked")))
      *delimited = true;
    out.append(line);
  });
  // 1xx, 204 and 304 never carry a body.
  const std::string_view start = header.substr(0, header.find("\r\n"));
  if (start.size() >= 12) {
    const std::string_view code = start.substr(9, 3);
    if (code[0] == '1' || code == "204" || code == "304") *delimited = true;
  }
  out += keep_alive && *delimited ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

std::string GateResponse(int status, std::string_view message) {
  JsonWriter w;
  w.BeginObject().Key("error").String(std::string(message)).EndObject();
  const std::string body = w.str() + "\n";
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: "
      "no-store\r\nConnection: close\r\n\r\n{}",
      status, Reason(status), body.size(), body);
}

}  // namespace aips
