// libFuzzer target: the server's request parsing (serve/http_server.h, ParseHttpRequest) — the first code
// that reads bytes from the network: Beast's request parser with the server's limits, then the conversion
// to HttpRequest (ParseTarget's percent-decoding, lower-case header names). Parsing must never crash, a
// complete request must lie inside the input, and the limits must hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "serve/http_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kHeader = 4096, kBody = 8192;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  aips::HttpRequest req;
  const aips::HttpParse p = aips::ParseHttpRequest(in, kHeader, kBody, &req);
  if (p.state == aips::HttpParse::kComplete) {
    if (p.consumed > in.size() || req.body.size() > kBody || req.body.size() > p.consumed) std::abort();
    if (req.path.size() > req.target.size()) std::abort();  // decoding never lengthens
    for (auto& [name, value] : req.headers)
      for (char c : name)
        if (c >= 'A' && c <= 'Z') std::abort();
  } else if (p.state == aips::HttpParse::kError) {
    if (p.status != 400 && p.status != 413 && p.status != 431) std::abort();
  }
  // The target alone, as a request line would carry it.
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;
  if (aips::ParseTarget(in, &path, &params).ok() && path.size() > in.size()) std::abort();
  return 0;
}
