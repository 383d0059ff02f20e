#include "distributed/ch_http.h"

#include <httplib.h>

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

}  // namespace

ChHttpClient::ChHttpClient(ChNode node, std::string user, std::string password)
    : node_(std::move(node)), http_(std::make_unique<httplib::Client>(node_.host, node_.port)) {
  http_->set_connection_timeout(5, 0);
  http_->set_read_timeout(3600, 0);
  http_->set_write_timeout(600, 0);
  http_->set_keep_alive(true);
  http_->set_tcp_nodelay(true);  // headers and body go out in two writes: no 40 ms delayed-ACK stall
  if (!user.empty()) http_->set_basic_auth(user, password);
}

ChHttpClient::~ChHttpClient() = default;

Result<std::string> ChHttpClient::Check(const void* result, const std::string& what) {
  const auto& r = *static_cast<const httplib::Result*>(result);
  if (!r) {
    return Status::IOError(
        fmt::format("cannot reach ClickHouse at {} ({}); is the server running and is {} its "
                    "HTTP port?",
                    node_.Name(), httplib::to_string(r.error()), node_.port));
  }
  if (r->status != 200) return ChRefused(node_.Name(), what, r->body);
  return r->body;
}

Result<std::string> ChHttpClient::Execute(const std::string& sql, const ChSettings& settings) {
  auto r = http_->Post(PathWith(settings), sql, "text/plain");
  return Check(&r, "a query");
}

Status ChHttpClient::Insert(const std::string& table, const std::string& columns, const std::string& data,
                            const char* format) {
  if (data.empty()) return Status::OK();
  auto r = http_->Post(PathWith({}, fmt::format("INSERT INTO {} ({}) FORMAT {}", table, columns, format)),
                       data, "application/octet-stream");
  auto s = Check(&r, "an insert into " + table);
  return s.ok() ? Status::OK() : s.status();
}

Result<ChRows> ChHttpClient::SelectWithTable(const std::string& sql, const std::string& name,
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

}  // namespace aips
