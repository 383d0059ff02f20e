// ChClient over chdb: ClickHouse (26.x) inside the aips process, over a local directory, for
// `--engine chdb:DIR` (docs/distributed.md "chdb"). libchdb.so (566 MB, installed by `make deps` from
// npm) is loaded with dlopen on first use, once per process, and never unloaded; aips declares the few C
// functions of its API itself (docs/dev/chdb.md §1).
//
// Contracts:
// - One directory per process at a time: every ChClient of the same DIR shares one chdb connection,
//   whose statements run one at a time (a mutex). It stays open while the process lives, so that later
//   engines need no second boot; a different DIR is refused while the first one is in use, and replaces
//   it when idle.
// - One process per directory: ClickHouse locks DIR/status. A second process gets Busy "chdb:DIR is in
//   use by another process (pid N)".
// - ShutdownChdb() must run before the process exits (main does; it is also registered with atexit).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "distributed/ch_client.h"

namespace aips {

// The connection to the in-process ClickHouse over `dir` (absolute; created when missing). IOError when
// libchdb.so cannot be loaded (naming AIPS_LIBCHDB and make deps), Busy when another process holds DIR.
Result<std::unique_ptr<ChClient>> OpenChdbClient(const std::string& dir);

// The libchdb.so to load: $AIPS_LIBCHDB when set, else where `make deps` installs it (the build's
// AIPS_LIBCHDB_DEFAULT: deps/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so of the source tree).
std::string LibchdbPath();

// Closes the chdb connections no ChClient uses any more and calls chdb_shutdown() (joins ClickHouse's
// threads). A no-op when chdb was never loaded; idempotent; no chdb connection opens after it.
void ShutdownChdb();

// The message for a DIR locked by another process, from the text of DIR/status ("PID: N\n…"; may be
// empty when unreadable).
std::string ChdbInUseMessage(const std::string& dir, std::string_view status_text);

}  // namespace aips
