#include "distributed/ch_url.h"

#include <charconv>
#include <filesystem>

#include "fmt/format.h"

namespace aips {

namespace {

constexpr std::string_view kChScheme = "clickhouse://";
constexpr std::string_view kChdbScheme = "chdb:";
constexpr std::string_view kForms =
    "expected clickhouse://[USER[:PASSWORD]@]HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=H:P,H:P] or "
    "chdb:DIR[?database=NAME]";

Result<ChNode> ParseNode(std::string_view s, const std::string& shown) {
  const size_t colon = s.rfind(':');
  ChNode n;
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument(fmt::format(
        "--engine {}: '{}' must be HOST:HTTP_PORT (ClickHouse's HTTP port, e.g. 8123)", shown, s));
  }
  n.host = std::string(s.substr(0, colon));
  std::string_view port = s.substr(colon + 1);
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n.port);
  if (ec != std::errc() || p != port.data() + port.size() || n.port <= 0 || n.port > 65535) {
    return Status::InvalidArgument(
        fmt::format("--engine {}: port '{}' is not a number in 1..65535", shown, port));
  }
  return n;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64 || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoding of a user or password; `what` names it in the error.
Result<std::string> PercentDecode(std::string_view s, const char* what, const std::string& shown) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1, lo = hi < 0 ? -1 : HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument(fmt::format(
          "--engine {}: the {} has a '%' not followed by two hex digits (write '%' as %25)", shown, what));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Splits query parameters k=v&k=v, calling f(k, v) until it fails.
template <typename F>
Status ForEachParam(std::string_view params, F f) {
  while (!params.empty()) {
    const size_t amp = params.find('&');
    std::string_view kv = params.substr(0, amp);
    params = amp == std::string_view::npos ? std::string_view() : params.substr(amp + 1);
    const size_t eq = kv.find('=');
    AIPS_RETURN_IF_ERROR(f(kv.substr(0, eq), eq == std::string_view::npos ? "" : kv.substr(eq + 1)));
  }
  return Status::OK();
}

Result<ChUrl> ParseChdb(std::string_view url, const std::string& shown) {
  std::string_view rest = url.substr(kChdbScheme.size());
  const size_t q = rest.find('?');
  const std::string_view dir = rest.substr(0, q);
  if (dir.empty() || dir.substr(0, 2) == "//") {
    return Status::InvalidArgument(fmt::format(
        "--engine {}: write chdb:DIR with a local directory, e.g. chdb:/var/lib/aips-ch or chdb:ch-data",
        shown));
  }
  ChUrl out;
  std::error_code ec;
  auto abs = std::filesystem::absolute(std::filesystem::path(dir), ec);
  if (ec) return Status::InvalidArgument(fmt::format("--engine {}: {}", shown, ec.message()));
  out.chdb_dir = abs.lexically_normal().string();
  while (out.chdb_dir.size() > 1 && out.chdb_dir.back() == '/') out.chdb_dir.pop_back();
  out.entry = ChNode{"chdb:" + out.chdb_dir, 0};
  out.database = "aips";
  AIPS_RETURN_IF_ERROR(
      ForEachParam(q == std::string_view::npos ? std::string_view() : rest.substr(q + 1),
                   [&](std::string_view k, std::string_view v) -> Status {
                     if (k != "database") {
                       return Status::InvalidArgument(fmt::format(
                           "--engine {}: unknown parameter '{}' (chdb: takes database=NAME only)", shown, k));
                     }
                     out.database = std::string(v);
                     return Status::OK();
                   }));
  if (!IsIdentifier(out.database)) {
    return Status::InvalidArgument(
        fmt::format("--engine {}: database '{}' must be letters, digits and _ (not starting with a digit)",
                    shown, out.database));
  }
  out.nodes.push_back(out.entry);
  return out;
}

}  // namespace

std::string RedactChUrl(std::string_view url) {
  std::string out(url);
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = std::min(out.find('/', start), out.size());
    const size_t at = out.substr(0, end).rfind('@');
    const size_t colon = at == std::string::npos || at < start ? std::string::npos : out.find(':', start);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // A password given as a query parameter (which ParseChUrl refuses, naming the URL) is hidden too.
  for (const char* key : {"?password=", "&password="}) {
    const size_t p = out.find(key);
    if (p == std::string::npos) continue;
    const size_t v = p + std::string_view(key).size();
    const size_t amp = out.find('&', v);
    out.replace(v, amp == std::string::npos ? std::string::npos : amp - v, "***");
  }
  return out;
}

std::string ChUrl::Base() const {
  std::string out(kChScheme);
  if (!user.empty()) out += user + (password.empty() ? "@" : ":***@");
  return out + entry.Name() + "/" + database;
}

std::string ChUrl::Display() const {
  if (in_process()) return database == "aips" ? entry.host : entry.host + "?database=" + database;
  return cluster.empty() ? Base() : Base() + "?cluster=" + cluster;
}

Result<ChUrl> ParseChUrl(std::string_view url) {
  const std::string shown = RedactChUrl(url);
  if (url.substr(0, kChdbScheme.size()) == kChdbScheme) return ParseChdb(url, shown);
  if (url.substr(0, kChScheme.size()) != kChScheme) {
    return Status::InvalidArgument(fmt::format("--engine '{}': {}", shown, kForms));
  }
  std::string_view rest = url.substr(kChScheme.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("--engine {}: the database is missing (…/DATABASE)", shown));
  }
  ChUrl out;
  std::string_view authority = rest.substr(0, slash);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const size_t colon = userinfo.find(':');
    AIPS_ASSIGN_OR_RETURN(out.user, PercentDecode(userinfo.substr(0, colon), "user", shown));
    if (colon != std::string_view::npos) {
      AIPS_ASSIGN_OR_RETURN(out.password, PercentDecode(userinfo.substr(colon + 1), "password", shown));
    }
    if (out.user.empty()) {
      return Status::InvalidArgument(
          fmt::format("--engine {}: the user before '@' is empty (USER[:PASSWORD]@HOST:PORT)", shown));
    }
    authority = authority.substr(at + 1);
  }
  AIPS_ASSIGN_OR_RETURN(out.entry, ParseNode(authority, shown));
  rest = rest.substr(slash + 1);
  const size_t q = rest.find('?');
  out.database = std::string(rest.substr(0, q));
  if (!IsIdentifier(out.database)) {
    return Status::InvalidArgument(
        fmt::format("--engine {}: database '{}' must be letters, digits and _ (not starting with a digit)",
                    shown, out.database));
  }
  AIPS_RETURN_IF_ERROR(ForEachParam(
      q == std::string_view::npos ? std::string_view() : rest.substr(q + 1),
      [&](std::string_view k, std::string_view v) -> Status {
        if (k == "cluster") {
          if (!IsIdentifier(v))
            return Status::InvalidArgument(fmt::format("--engine {}: bad cluster name '{}'", shown, v));
          out.cluster = std::string(v);
        } else if (k == "nodes") {
          while (!v.empty()) {
            const size_t comma = v.find(',');
            AIPS_ASSIGN_OR_RETURN(ChNode n, ParseNode(v.substr(0, comma), shown));
            out.nodes.push_back(n);
            v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
          }
        } else {
          return Status::InvalidArgument(
              fmt::format("--engine {}: unknown parameter '{}' (expected cluster, nodes)", shown, k));
        }
        return Status::OK();
      }));
  if (out.cluster.empty() && !out.nodes.empty()) {
    return Status::InvalidArgument(fmt::format("--engine {}: nodes= needs cluster=", shown));
  }
  if (out.nodes.empty()) out.nodes.push_back(out.entry);
  return out;
}

}  // namespace aips
