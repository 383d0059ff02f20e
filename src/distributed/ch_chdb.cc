#include "distributed/ch_chdb.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "common/file_util.h"
#include "fmt/format.h"

#ifndef AIPS_LIBCHDB_DEFAULT
#define AIPS_LIBCHDB_DEFAULT "deps/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"
#endif

namespace aips {

namespace {

// The C API of libchdb (chdb-core programs/local/chdb.h), declared here: only what aips calls.
struct ChdbConnectionRep {
  void* internal_data;
};
using ChdbConnection = ChdbConnectionRep*;
struct ChdbResult {
  void* internal_data;
};
struct ChdbInsertStreamRep {
  void* internal_data;
};
using ChdbInsertStream = ChdbInsertStreamRep*;

struct ChdbApi {
  ChdbConnection* (*connect)(int argc, char** argv) = nullptr;
  void (*close_conn)(ChdbConnection* conn) = nullptr;
  ChdbResult* (*query_n)(ChdbConnection conn, const char* query, size_t query_len, const char* format,
                         size_t format_len) = nullptr;
  char* (*result_buffer)(ChdbResult* result) = nullptr;
  size_t (*result_length)(ChdbResult* result) = nullptr;
  const char* (*result_error)(ChdbResult* result) = nullptr;
  void (*destroy_query_result)(ChdbResult* result) = nullptr;
  // Streaming INSERT: the rows go apart from the statement text, length-delimited (binary-safe).
  ChdbInsertStream (*stream_insert)(ChdbConnection conn, const char* query, const char* format) = nullptr;
  int (*stream_append)(ChdbInsertStream stream, const void* data, size_t len) = nullptr;
  ChdbResult* (*stream_done)(ChdbInsertStream stream) = nullptr;
  const char* (*stream_insert_error)(ChdbInsertStream stream) = nullptr;
  void (*destroy_insert_stream)(ChdbInsertStream stream) = nullptr;
  void (*set_signal_handlers_enabled)(int enabled) = nullptr;
  int (*shutdown)() = nullptr;
};

template <typename F>
bool Bind(void* lib, const char* name, F* fn) {
  *fn = reinterpret_cast<F>(dlsym(lib, name));
  return *fn != nullptr;
}

// Whether another process holds the lock ClickHouse takes on DIR/status (flock, as its StatusFile).
bool LockedByOther(const std::string& status_path) {
  const int fd = ::open(status_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases the lock when we got it
  return locked;
}

// One chdb connection (a client of the process's embedded server) and the lock its statements take.
struct Session {
  std::string dir;
  ChdbConnection* conn = nullptr;
  std::mutex mu;
};

// The process-wide state: the library (loaded once, never unloaded) and the open connection.
class Chdb {
 public:
  static Chdb& Get() {
    static Chdb* chdb = new Chdb();  // never destroyed: ShutdownChdb() ends it explicitly
    return *chdb;
  }

  Result<std::shared_ptr<Session>> Open(const std::string& dir) {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return Status::IOError("chdb was shut down in this process; it cannot reopen");
    AIPS_RETURN_IF_ERROR(LoadLocked());
    if (session_ && session_->dir == dir) return session_;
    if (session_) {
      if (session_.use_count() > 1) {
        return Status::Busy(fmt::format(
            "this process already has chdb:{} open; chdb serves one directory per process at a time",
            session_->dir));
      }
      api_.close_conn(session_->conn);
      session_.reset();
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return Status::IOError(fmt::format("chdb:{}: cannot create the directory: {}", dir, ec.message()));
    // `--path=DIR` must be one argument: chdb keys its embedded server by it (docs/dev/chdb.md §3).
    // Settings stay the server defaults, as on a ClickHouse server (e.g. max_query_size 256 KiB).
    std::string arg0 = "aips", path = "--path=" + dir;
    char* argv[] = {arg0.data(), path.data()};
    ChdbConnection* conn = api_.connect(2, argv);
    if (conn == nullptr) {
      if (LockedByOther(dir + "/status")) {
        auto status = ReadFile(dir + "/status");
        return Status::Busy(ChdbInUseMessage(dir, status.ok() ? status.value() : std::string()));
      }
      return Status::IOError(
          fmt::format("chdb:{}: ClickHouse did not start over this directory (its message is above)", dir));
    }
    session_ = std::make_shared<Session>();
    session_->dir = dir;
    session_->conn = conn;
    return session_;
  }

  const ChdbApi& api() const { return api_; }

  void Shutdown() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!loaded_ || shut_down_) return;
    shut_down_ = true;
    if (session_ && session_.use_count() == 1) api_.close_conn(session_->conn);
    session_.reset();
    api_.shutdown();
  }

 private:
  Status LoadLocked() {
    if (loaded_) return Status::OK();
    const std::string path = LibchdbPath();
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // never dlclose'd: chdb keeps threads
    if (lib == nullptr) {
      const char* err = dlerror();
      return Status::IOError(
          fmt::format("chdb: cannot load libchdb.so from {} ({}); run `make deps` (installs it to {}) or set "
                      "AIPS_LIBCHDB to its path",
                      path, err ? err : "unknown error", AIPS_LIBCHDB_DEFAULT));
    }
    const bool ok =
        Bind(lib, "chdb_connect", &api_.connect) && Bind(lib, "chdb_close_conn", &api_.close_conn) &&
        Bind(lib, "chdb_query_n", &api_.query_n) && Bind(lib, "chdb_result_buffer", &api_.result_buffer) &&
        Bind(lib, "chdb_result_length", &api_.result_length) &&
        Bind(lib, "chdb_result_error", &api_.result_error) &&
        Bind(lib, "chdb_destroy_query_result", &api_.destroy_query_result) &&
        Bind(lib, "chdb_stream_insert", &api_.stream_insert) &&
        Bind(lib, "chdb_stream_append", &api_.stream_append) &&
        Bind(lib, "chdb_stream_done", &api_.stream_done) &&
        Bind(lib, "chdb_stream_insert_error", &api_.stream_insert_error) &&
        Bind(lib, "chdb_destroy_insert_stream", &api_.destroy_insert_stream) &&
        Bind(lib, "chdb_set_signal_handlers_enabled", &api_.set_signal_handlers_enabled) &&
        Bind(lib, "chdb_shutdown", &api_.shutdown);
    if (!ok) {
      return Status::IOError(fmt::format(
          "chdb: {} lacks the chdb C API aips needs (chdb_connect, chdb_query_n, ...); install the pinned "
          "version with `make deps`",
          path));
    }
    api_.set_signal_handlers_enabled(0);  // before the first connect: aips keeps its own signal handling
    loaded_ = true;
    std::atexit(ShutdownChdb);
    return Status::OK();
  }

  std::mutex mu_;
  ChdbApi api_;
  bool loaded_ = false, shut_down_ = false;
  std::shared_ptr<Session> session_;
};

class ChdbClient : public ChClient {
 public:
  explicit ChdbClient(std::shared_ptr<Session> s) : s_(std::move(s)) {}

  using ChClient::Execute;
  using ChClient::Insert;
  Result<std::string> Execute(const std::string& sql, const ChSettings& settings) override {
    std::lock_guard<std::mutex> lock(s_->mu);
    return WithSettings(settings, [&] { return Run(sql, "a query"); });
  }

  Status Insert(const std::string& table, const std::string& columns, const std::string& data,
                const char* format) override {
    if (data.empty()) return Status::OK();
    std::lock_guard<std::mutex> lock(s_->mu);
    return Stream(fmt::format("INSERT INTO {} ({})", table, columns), format, data,
                  "an insert into " + table);
  }

  // The HTTP interface's external table becomes a temporary table of this connection's session.
  Result<ChRows> SelectWithTable(const std::string& sql, const std::string& name,
                                 const std::string& structure, const std::string& tsv,
                                 const ChSettings& settings) override {
    std::lock_guard<std::mutex> lock(s_->mu);
    AIPS_RETURN_IF_ERROR(Run("DROP TEMPORARY TABLE IF EXISTS " + name, "a query").status());
    AIPS_RETURN_IF_ERROR(
        Run(fmt::format("CREATE TEMPORARY TABLE {} ({})", name, structure), "a query").status());
    if (!tsv.empty()) {
      AIPS_RETURN_IF_ERROR(
          Stream(fmt::format("INSERT INTO {}", name), "TabSeparated", tsv, "an insert into " + name));
    }
    auto body = WithSettings(settings, [&] { return Run(sql, "a query"); });
    auto dropped = Run("DROP TEMPORARY TABLE IF EXISTS " + name, "a query");
    if (!body.ok()) return body.status();
    if (!dropped.ok()) return dropped.status();
    return ParseTsv(body.value());
  }

  std::string Name() const override { return "chdb:" + s_->dir; }

 private:
  // Settings of one statement: SET before it and back to DEFAULT after (the session outlives it).
  template <typename F>
  Result<std::string> WithSettings(const ChSettings& settings, F run) {
    for (auto& [k, v] : settings)
      AIPS_RETURN_IF_ERROR(Run(fmt::format("SET {} = {}", k, ChQuote(v)), "a setting").status());
    Result<std::string> out = run();
    for (auto& [k, v] : settings) {
      Status s = Run(fmt::format("SET {} = DEFAULT", k), "a setting").status();
      if (out.ok() && !s.ok()) out = s;
    }
    return out;
  }

  // An INSERT (`insert`: "INSERT INTO t (columns)") of `data` in `format` through chdb's insert stream:
  // rows inside the statement text would be cut (chdb stops reading them early); s_->mu is held.
  Status Stream(const std::string& insert, const char* format, const std::string& data,
                const std::string& what) {
    const ChdbApi& api = Chdb::Get().api();
    ChdbInsertStream stream = api.stream_insert(*s_->conn, insert.c_str(), format);
    if (stream == nullptr) return Status::IOError(fmt::format("chdb:{} refused {}", s_->dir, what));
    auto refused = [&](const char* err) {
      return ChRefused("chdb:" + s_->dir, what, err ? err : "unknown error");
    };
    Status out;
    if (const char* err = api.stream_insert_error(stream); err != nullptr) {
      out = refused(err);
    } else if (api.stream_append(stream, data.data(), data.size()) != 0) {
      out = refused(api.stream_insert_error(stream));
    }
    if (ChdbResult* r = api.stream_done(stream); r != nullptr) {
      if (const char* err = api.result_error(r); err != nullptr && out.ok()) out = refused(err);
      api.destroy_query_result(r);
    }
    if (const char* err = api.stream_insert_error(stream); err != nullptr && out.ok()) out = refused(err);
    api.destroy_insert_stream(stream);
    return out;
  }

  // One statement; s_->mu is held.
  Result<std::string> Run(const std::string& sql, const std::string& what) {
    const ChdbApi& api = Chdb::Get().api();
    static constexpr std::string_view kFormat = "TabSeparated";
    ChdbResult* r = api.query_n(*s_->conn, sql.data(), sql.size(), kFormat.data(), kFormat.size());
    if (r == nullptr) return Status::IOError(fmt::format("chdb:{} gave no answer to {}", s_->dir, what));
    Result<std::string> out = std::string();
    if (const char* err = api.result_error(r); err != nullptr) {
      out = ChRefused("chdb:" + s_->dir, what, err);
    } else if (const char* buf = api.result_buffer(r); buf != nullptr) {
      out = std::string(buf, api.result_length(r));
    }
    api.destroy_query_result(r);
    return out;
  }

  std::shared_ptr<Session> s_;
};

}  // namespace

std::string LibchdbPath() {
  const char* env = std::getenv("AIPS_LIBCHDB");
  return env != nullptr && *env != '\0' ? env : AIPS_LIBCHDB_DEFAULT;
}

std::string ChdbInUseMessage(const std::string& dir, std::string_view status_text) {
  std::string pid;
  if (const size_t at = status_text.find("PID: "); at != std::string_view::npos) {
    for (size_t i = at + 5;
         i < status_text.size() && std::isdigit(static_cast<unsigned char>(status_text[i])); ++i)
      pid += status_text[i];
  }
  return fmt::format("chdb:{} is in use by another process{}; chdb allows one process per directory", dir,
                     pid.empty() ? "" : " (pid " + pid + ")");
}

Result<std::unique_ptr<ChClient>> OpenChdbClient(const std::string& dir) {
  AIPS_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, Chdb::Get().Open(dir));
  return std::unique_ptr<ChClient>(std::make_unique<ChdbClient>(std::move(s)));
}

void ShutdownChdb() { Chdb::Get().Shutdown(); }

}  // namespace aips
