// The `--engine` URL of the ClickHouse engine (docs/distributed.md "The URL"):
//   clickhouse://[USER[:PASSWORD]@]HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=HOST:PORT,HOST:PORT]
//   chdb:DIR[?database=NAME]      an in-process ClickHouse (libchdb) over the local directory DIR
// USER and PASSWORD are percent-decoded (write '@' as %40, ':' as %3A, '/' as %2F). The password is
// never shown: Display() and every error message print USER:***@.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"

namespace aips {

struct ChNode {
  std::string host;
  int port = 8123;  // 0: not a network node (chdb: host is "chdb:DIR")
  std::string Name() const { return port == 0 ? host : host + ":" + std::to_string(port); }
};

struct ChUrl {
  std::string chdb_dir;        // chdb:DIR, made absolute; empty for clickhouse://
  ChNode entry;                // the node named by HOST:HTTP_PORT: answers queries (chdb: {"chdb:DIR", 0})
  std::string user, password;  // empty user: the server's default user, no credentials sent
  std::string database;
  std::string cluster;        // empty: one server, plain MergeTree tables
  std::vector<ChNode> nodes;  // cluster: every shard's HTTP endpoint (nodes=h:p,h:p); default: the entry

  bool in_process() const { return !chdb_dir.empty(); }
  // The URL in canonical form with the password as ***: clickhouse://u:***@h:p/db?cluster=c, chdb:/dir.
  std::string Display() const;
  // clickhouse://[u[:***]@]h:p/db: Display() without the cluster.
  std::string Base() const;
};

// Parses either form. InvalidArgument names what is wrong (with the password of `url` redacted).
Result<ChUrl> ParseChUrl(std::string_view url);
// `url` with the password of its USER:PASSWORD@ part, and of a password= parameter, replaced by ***;
// otherwise unchanged.
std::string RedactChUrl(std::string_view url);

}  // namespace aips
