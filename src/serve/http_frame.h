// HTTP/1.1 message framing for the gate (serve/gate.h): where a request ends, what it asks of the
// connection, and the header rewriting done when it is forwarded. Pure functions over byte buffers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aips {

// Where a chunked body's scan stands: the offset (from the body's start) of the next chunk-size line and
// the bytes decoded before it, so that a scan resumes instead of starting over as bytes arrive.
struct ChunkedScan {
  size_t pos = 0, decoded = 0;
};

struct RequestFrame {
  enum State { kIncomplete, kComplete, kError } state = kIncomplete;
  int error_status = 0;          // kError: 400, 413 or 431
  std::string error;             // kError: what was wrong
  size_t header_len = 0;         // bytes up to and including the blank line (0 until the header is complete)
  size_t total_len = 0;          // kComplete: header + body
  bool keep_alive = true;        // HTTP/1.1 without "Connection: close", or 1.0 with keep-alive
  bool expect_continue = false;  // "Expect: 100-continue"
  size_t content_length = 0;
  bool chunked = false;
  ChunkedScan scan;  // chunked: how far the body has been verified
};

// Frames the request at the start of buf.
RequestFrame FrameRequest(std::string_view buf, size_t max_header, size_t max_body);
// For a frame whose header is complete (header_len > 0, state kIncomplete): checks again whether its body
// is complete in `buf` (the same request, more of it), without parsing the header again and resuming a
// chunked body where the last scan stopped.
void FrameBody(std::string_view buf, size_t max_body, RequestFrame* f);

// Where a chunked body that starts at body[0] ends: its length including the last chunk and trailers;
// std::string_view::npos while incomplete; sets *error (and returns npos) when malformed or when the
// decoded size passes max_body. With `scan`, starts where it says and advances it past each whole chunk.
size_t ChunkedLength(std::string_view body, size_t max_body, std::string* error, ChunkedScan* scan = nullptr);

// The request's header with Connection, Keep-Alive, Expect and X-Forwarded-For removed and
// "Connection: close" and "X-Forwarded-For: <peer>" added (`header` ends with the blank line).
std::string RewriteRequestHeader(std::string_view header, std::string_view peer);

// A response header with its Connection / Keep-Alive lines replaced by "Connection: keep-alive" or
// "close"; *delimited is true when the response carries Content-Length or chunked framing (else only
// closing the connection ends it).
std::string RewriteResponseHeader(std::string_view header, bool keep_alive, bool* delimited);

// A complete response of the gate's own: JSON {"error": message}, "Connection: close".
std::string GateResponse(int status, std::string_view message);

}  // namespace aips
