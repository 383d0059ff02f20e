// libFuzzer target: the gate's HTTP framing (serve/http_frame.h) — the first code that reads bytes from
// the network. Framing must never crash, and a complete frame must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "serve/http_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  aips::RequestFrame f = aips::FrameRequest(in, 4096, 8192);
  if (f.state == aips::RequestFrame::kComplete) {
    if (f.total_len > in.size() || f.header_len > f.total_len) std::abort();
    (void)aips::RewriteRequestHeader(in.substr(0, f.header_len), "10.0.0.1");
  }
  bool delimited = false;
  const size_t end = in.find("\r\n\r\n");
  if (end != std::string_view::npos)
    (void)aips::RewriteResponseHeader(in.substr(0, end + 4), true, &delimited);
  std::string err;
  const size_t n = aips::ChunkedLength(in, 8192, &err);
  if (n != std::string_view::npos && n > in.size()) std::abort();
  return 0;
}
