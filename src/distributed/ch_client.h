// One connection to ClickHouse, whatever carries it: the HTTP interface of a server (ch_http.h) or an
// in-process ClickHouse over a local directory (chdb, ch_chdb.h). Statements go in as SQL text and answers
// come back TabSeparated. Works with Debian's ClickHouse 18.16 and current releases (what differs between
// them: ch_dialect.h). See docs/distributed.md.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"
#include "distributed/ch_url.h"

namespace aips {

using ChRows = std::vector<std::vector<std::string>>;
using ChSettings = std::map<std::string, std::string>;

class ChClient {
 public:
  virtual ~ChClient() = default;

  // Runs one statement and returns the raw answer. IOError carries ClickHouse's own message.
  virtual Result<std::string> Execute(const std::string& sql, const ChSettings& settings) = 0;
  Result<std::string> Execute(const std::string& sql) { return Execute(sql, ChSettings{}); }
  // Runs a SELECT and splits its TabSeparated answer into rows of unescaped fields.
  Result<ChRows> Select(const std::string& sql, const ChSettings& settings = {});
  // INSERT INTO `table` (`columns`) FORMAT `format` (TabSeparated or RowBinary) with `data`; nothing
  // when `data` is empty.
  virtual Status Insert(const std::string& table, const std::string& columns, const std::string& data,
                        const char* format) = 0;
  Status Insert(const std::string& table, const std::string& columns, const std::string& data) {
    return Insert(table, columns, data, "TabSeparated");
  }
  // A SELECT that reads the table `name` (`structure`, e.g. "key UInt64") holding the TabSeparated
  // rows `tsv` (HTTP: an external table sent with the query; chdb: a temporary table).
  virtual Result<ChRows> SelectWithTable(const std::string& sql, const std::string& name,
                                         const std::string& structure, const std::string& tsv,
                                         const ChSettings& settings) = 0;
  // "host:port" or "chdb:DIR", for messages.
  virtual std::string Name() const = 0;
};

// The connection to `node` of `url` (chdb: the process's in-process ClickHouse over url.chdb_dir, which
// is created when missing; IOError when libchdb.so is missing, Busy when the directory is in use).
Result<std::unique_ptr<ChClient>> OpenChClient(const ChUrl& url, const ChNode& node);

// A ClickHouse string literal: 'text' with \ and ' escaped.
std::string ChQuote(std::string_view s);
// 'a', 'b', 'c': the items as ClickHouse string literals separated by ", " (for IN lists).
std::string ChQuoteList(const std::vector<std::string>& items);
// A TabSeparated field that ClickHouse printed as a number (0 when it is empty or not one).
uint64_t ChU64(std::string_view field);
int64_t ChI64(std::string_view field);
// Appends s to a TabSeparated row, escaping \, tab, newline and carriage return.
void AppendTsv(std::string_view s, std::string* out);
ChRows ParseTsv(std::string_view body);
// RowBinary values: little-endian integers (Date = UInt16 days, Enum8 = Int8), strings with a LEB128
// length.
template <typename T>
void AppendBinary(T v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));  // x86-64 and arm64 are little-endian
}
// IOError "ClickHouse at <where> refused <what>: <message>", the message trimmed (trailing blanks, at most
// 2000 characters): every connection's answer to a refused statement.
Status ChRefused(std::string_view where, std::string_view what, std::string message);
// LEB128: the length of a String or an Array in RowBinary.
void AppendBinaryVarUInt(uint64_t n, std::string* out);
void AppendBinaryString(std::string_view s, std::string* out);

}  // namespace aips
