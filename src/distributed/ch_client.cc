#include "distributed/ch_client.h"

#include <charconv>

#include "distributed/ch_chdb.h"
#include "distributed/ch_http.h"
#include "fmt/format.h"

namespace aips {

Result<ChRows> ChClient::Select(const std::string& sql, const ChSettings& settings) {
  AIPS_ASSIGN_OR_RETURN(std::string body, Execute(sql, settings));
  return ParseTsv(body);
}

Result<std::unique_ptr<ChClient>> OpenChClient(const ChUrl& url, const ChNode& node) {
  if (url.in_process()) return OpenChdbClient(url.chdb_dir);
  return std::unique_ptr<ChClient>(std::make_unique<ChHttpClient>(node, url.user, url.password));
}

Status ChRefused(std::string_view where, std::string_view what, std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (message.size() > 2000) message = message.substr(0, 2000) + "...";
  return Status::IOError(fmt::format("ClickHouse at {} refused {}: {}", where, what, message));
}

void AppendBinaryVarUInt(uint64_t n, std::string* out) {
  for (;;) {
    const uint8_t byte = n & 0x7f;
    n >>= 7;
    out->push_back(static_cast<char>(n ? byte | 0x80 : byte));
    if (!n) break;
  }
}

void AppendBinaryString(std::string_view s, std::string* out) {
  AppendBinaryVarUInt(s.size(), out);
  out->append(s);
}

std::string ChQuoteList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + ChQuote(s);
  return out;
}

uint64_t ChU64(std::string_view field) {
  uint64_t v = 0;
  std::from_chars(field.data(), field.data() + field.size(), v);
  return v;
}

int64_t ChI64(std::string_view field) {
  int64_t v = 0;
  std::from_chars(field.data(), field.data() + field.size(), v);
  return v;
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
