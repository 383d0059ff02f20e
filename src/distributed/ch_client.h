// A minimal ClickHouse client over its HTTP interface (the query is the POST body, answers are
// TabSeparated), and the `--engine clickhouse://HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=...]` URL.
// Works with Debian's ClickHouse 18.16 and current releases (docs/distributed.md).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"

namespace httplib {
class Client;
}

namespace aips {

struct ChNode {
  std::string host;
  int port = 8123;
  std::string Name() const { return host + ":" + std::to_string(port); }
};

struct ChUrl {
  ChNode entry;  // the node named by HOST:HTTP_PORT: answers queries
  std::string database;
  std::string cluster;        // empty: one server, plain MergeTree tables
  std::vector<ChNode> nodes;  // cluster: every shard's HTTP endpoint (nodes=h:p,h:p); default: the entry
};

// Parses clickhouse://HOST:PORT/DATABASE[?cluster=NAME&nodes=HOST:PORT,HOST:PORT]. InvalidArgument
// names what is wrong.
Result<ChUrl> ParseChUrl(std::string_view url);

using ChRows = std::vector<std::vector<std::string>>;
using ChSettings = std::map<std::string, std::string>;

class ChClient {
 public:
  explicit ChClient(ChNode node);
  ~ChClient();
  ChClient(const ChClient&) = delete;
  ChClient& operator=(const ChClient&) = delete;

  // Runs one statement and returns the raw answer. IOError carries ClickHouse's own message.
  Result<std::string> Execute(const std::string& sql, const ChSettings& settings = {});
  // Runs a SELECT and splits its TabSeparated answer into rows of unescaped fields.
  Result<ChRows> Select(const std::string& sql, const ChSettings& settings = {});
  // INSERT INTO `table` (`columns`) FORMAT `format` (TabSeparated or RowBinary) with `data`.
  Status Insert(const std::string& table, const std::string& columns, const std::string& data,
                const char* format = "TabSeparated");
  // A SELECT that reads the external table `name` (`structure`, e.g. "key UInt64") sent with it.
  Result<ChRows> SelectWithTable(const std::string& sql, const std::string& name,
                                 const std::string& structure, const std::string& tsv,
                                 const ChSettings& settings = {});
  const ChNode& node() const { return node_; }

 private:
  Result<std::string> Check(const void* result, const std::string& what);
  ChNode node_;
  std::unique_ptr<httplib::Client> http_;
};

// A ClickHouse string literal: 'text' with \ and ' escaped.
std::string ChQuote(std::string_view s);
// Appends s to a TabSeparated row, escaping \, tab, newline and carriage return.
void AppendTsv(std::string_view s, std::string* out);
ChRows ParseTsv(std::string_view body);
// RowBinary values: little-endian integers (Date = UInt16 days, Enum8 = Int8), strings with a LEB128
// length.
template <typename T>
void AppendBinary(T v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));  // x86-64 and arm64 are little-endian
}
void AppendBinaryString(std::string_view s, std::string* out);

}  // namespace aips
