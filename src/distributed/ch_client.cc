#include "distributed/ch_client.h"

#include <httplib.h>

#include <charconv>

#include "fmt/format.h"

namespace aips {

namespace {

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string PathWith(const ChSettings& settings, const std::string& query = "") {
  std::string p = "/?";
  if (!query.empty()) p += "query=" + UrlEncode(query) + "&";
  for (auto& [k, v] : settings) p += k + "=" + UrlEncode(v) + "&";
  p.pop_back();
  return p;
}

Result<ChNode> ParseNode(std::string_view s, std::string_view url) {
  const size_t colon = s.rfind(':');
  ChNode n;
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument(
        fmt::format("--engine {}: '{}' must be HOST:HTTP_PORT (ClickHouse's HTTP port, e.g. 8123)", url, s));
  }
  n.host = std::string(s.substr(0, colon));
  std::string_view port = s.substr(colon + 1);
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n.port);
  if (ec != std::errc() || p != port.data() + port.size() || n.port <= 0 || n.port > 65535) {
    return Status::InvalidArgument(
        fmt::format("--engine {}: port '{}' is not a number in 1..65535", url, port));
  }
  return n;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64 || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

Result<ChUrl> ParseChUrl(std::string_view url) {
  constexpr std::string_view kScheme = "clickhouse://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument(fmt::format(
        "--engine '{}': expected clickhouse://HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=H:P,H:P]", url));
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("--engine {}: the database is missing (…/DATABASE)", url));
  }
  ChUrl out;
  AIPS_ASSIGN_OR_RETURN(out.entry, ParseNode(rest.substr(0, slash), url));
  rest = rest.substr(slash + 1);
  const size_t q = rest.find('?');
  out.database = std::string(rest.substr(0, q));
  if (!IsIdentifier(out.database)) {
    return Status::InvalidArgument(
        fmt::format("--engine {}: database '{}' must be letters, digits and _ (not starting with a digit)",
                    url, out.database));
  }
  std::string_view params = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  while (!params.empty()) {
    const size_t amp = params.find('&');
    std::string_view kv = params.substr(0, amp);
    params = amp == std::string_view::npos ? std::string_view() : params.substr(amp + 1);
    const size_t eq = kv.find('=');
    std::string_view k = kv.substr(0, eq), v = eq == std::string_view::npos ? "" : kv.substr(eq + 1);
    if (k == "cluster") {
      if (!IsIdentifier(v))
        return Status::InvalidArgument(fmt::format("--engine {}: bad cluster name '{}'", url, v));
      out.cluster = std::string(v);
    } else if (k == "nodes") {
      while (!v.empty()) {
        const size_t comma = v.find(',');
        AIPS_ASSIGN_OR_RETURN(ChNode n, ParseNode(v.substr(0, comma), url));
        out.nodes.push_back(n);
        v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      }
    } else {
      return Status::InvalidArgument(
          fmt::format("--engine {}: unknown parameter '{}' (expected cluster, nodes)", url, k));
    }
  }
  if (out.cluster.empty() && !out.nodes.empty()) {
    return Status::InvalidArgument(fmt::format("--engine {}: nodes= needs cluster=", url));
  }
  if (out.nodes.empty()) out.nodes.push_back(out.entry);
  return out;
}

ChClient::ChClient(ChNode node)
    : node_(std::move(node)), http_(std::make_unique<httplib::Client>(node_.host, node_.port)) {
  http_->set_connection_timeout(5, 0);
  http_->set_read_timeout(3600, 0);
  http_->set_write_timeout(600, 0);
  http_->set_keep_alive(true);
  http_->set_tcp_nodelay(true);  // headers and body go out in two writes: no 40 ms delayed-ACK stall
}

ChClient::~ChClient() = default;

Result<std::string> ChClient::Check(const void* result, const std::string& what) {
  const auto& r = *static_cast<const httplib::Result*>(result);
  if (!r) {
    return Status::IOError(
        fmt::format("cannot reach ClickHouse at {} ({}); is the server running and is {} its "
                    "HTTP port?",
                    node_.Name(), httplib::to_string(r.error()), node_.port));
  }
  if (r->status != 200) {
    std::string msg = r->body;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (msg.size() > 2000) msg = msg.substr(0, 2000) + "...";
    return Status::IOError(fmt::format("ClickHouse at {} refused {}: {}", node_.Name(), what, msg));
  }
  return r->body;
}

Result<std::string> ChClient::Execute(const std::string& sql, const ChSettings& settings) {
  auto r = http_->Post(PathWith(settings), sql, "text/plain");
  return Check(&r, "a query");
}

Result<ChRows> ChClient::Select(const std::string& sql, const ChSettings& settings) {
  AIPS_ASSIGN_OR_RETURN(std::string body, Execute(sql, settings));
  return ParseTsv(body);
}

Status ChClient::Insert(const std::string& table, const std::string& columns, const std::string& data,
                        const char* format) {
  if (data.empty()) return Status::OK();
  auto r = http_->Post(PathWith({}, fmt::format("INSERT INTO {} ({}) FORMAT {}", table, columns, format)),
                       data, "application/octet-stream");
  auto s = Check(&r, "an insert into " + table);
  return s.ok() ? Status::OK() : s.status();
}

Result<ChRows> ChClient::SelectWithTable(const std::string& sql, const std::string& name,
                                         const std::string& structure, const std::string& tsv,
                                         const ChSettings& settings) {
  ChSettings s = settings;
  s[name + "_structure"] = structure;
  s[name + "_format"] = "TabSeparated";
  httplib::MultipartFormDataItems items{{name, tsv, name + ".tsv", "text/tab-separated-values"}};
  auto r = http_->Post(PathWith(s, sql), items);
  AIPS_ASSIGN_OR_RETURN(std::string body, Check(&r, "a query"));
  return ParseTsv(body);
}

void AppendBinaryString(std::string_view s, std::string* out) {
  for (uint64_t n = s.size();;) {
    const uint8_t byte = n & 0x7f;
    n >>= 7;
    out->push_back(static_cast<char>(n ? byte | 0x80 : byte));
    if (!n) break;
  }
  out->append(s);
}

std::string ChQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

void AppendTsv(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\\':
        *out += "\\\\";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\0':
        *out += "\\0";
        break;
      default:
        *out += c;
    }
  }
}

ChRows ParseTsv(std::string_view body) {
  ChRows rows;
  std::vector<std::string> row;
  std::string field;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\\' && i + 1 < body.size()) {
      const char e = body[++i];
      field += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
    } else if (c == '\t') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace aips
