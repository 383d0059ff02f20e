#include "front/open_engine.h"

#include <sys/stat.h>

#include "distributed/ch_engine.h"
#include "embedded/embedded_engine.h"
#include "front/checked_engine.h"

namespace aips {

Status CheckEngineSource(const EngineSource& s) {
  if (s.data_dir.empty() == s.engine_url.empty()) {
    return Status::InvalidArgument(
        "give --data DIR (the embedded engine) or --engine clickhouse://HOST:HTTP_PORT/DATABASE (or "
        "chdb:DIR)");
  }
  return Status::OK();
}

Result<std::unique_ptr<QueryEngine>> OpenEngine(const EngineSource& s) {
  AIPS_RETURN_IF_ERROR(CheckEngineSource(s));
  if (!s.engine_url.empty()) {
    AIPS_ASSIGN_OR_RETURN(auto e, ClickHouseEngine::Open(s.engine_url));
    return CheckDates(std::move(e));
  }
  AIPS_ASSIGN_OR_RETURN(auto e, EmbeddedEngine::Open(s.data_dir));
  return CheckDates(std::move(e));
}

uint64_t CommitToken(const EngineSource& s) {
  if (s.data_dir.empty()) return 0;
  // Each of these files is replaced by rename: a new inode, size or modification time per write.
  uint64_t token = 0;
  for (const char* name : {"/MANIFEST", "/crowds.bin", "/tenants.bin", "/rules.toml"}) {
    struct stat st {};
    uint64_t h = 0;
    if (::stat((s.data_dir + name).c_str(), &st) == 0) {
      h = static_cast<uint64_t>(st.st_ino) * 0x9E3779B97F4A7C15ULL;
      h ^= static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ULL +
           static_cast<uint64_t>(st.st_mtim.tv_nsec);
      h ^= static_cast<uint64_t>(st.st_size) << 40;
    }
    token = token * 0x100000001B3ULL ^ h;
  }
  return token;
}

Status RecomputeSnapshots(const std::string& data_dir) {
  AIPS_ASSIGN_OR_RETURN(auto engine, EmbeddedEngine::Open(data_dir));
  return engine->Compute(std::nullopt, nullptr);
}

}  // namespace aips
