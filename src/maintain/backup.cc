#include "maintain/backup.h"

#include <filesystem>

#include "common/file_util.h"
#include "fmt/format.h"
#include "maintain/check.h"

namespace aips {

namespace fs = std::filesystem;

namespace {

Status CheckTarget(const std::string& dest) {
  std::error_code ec;
  if (fs::exists(dest, ec) && !fs::is_empty(dest, ec)) {
    return Status::InvalidArgument(
        fmt::format("{} exists and is not empty; give a new directory (nothing was copied)", dest));
  }
  return MakeDirs(dest);
}

// Copies every regular file of `from` (but LOCK) into `to`, durably, then verifies `to`.
Result<CopyStats> CopyStore(const std::string& from, const std::string& to) {
  CopyStats st;
  std::error_code ec;
  std::vector<std::string> dirs{to};
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path rel = fs::relative(it->path(), from);
    const std::string target = (fs::path(to) / rel).string();
    if (it->is_directory()) {
      AIPS_RETURN_IF_ERROR(MakeDirs(target));
      dirs.push_back(target);
      continue;
    }
    if (!it->is_regular_file() || rel == "LOCK") continue;
    AIPS_RETURN_IF_ERROR(CopyFileDurable(it->path().string(), target));
    ++st.files;
    st.bytes += fs::file_size(target, ec);
  }
  if (ec) return Status::IOError(fmt::format("cannot read {}: {}", from, ec.message()));
  for (const std::string& d : dirs) AIPS_RETURN_IF_ERROR(SyncDir(d));
  AIPS_ASSIGN_OR_RETURN(CheckReport report, CheckDataDir(to));
  if (!report.ok()) {
    return Status::Corruption(fmt::format("the copy in {} does not verify: {}: {}", to,
                                          report.damaged[0].first, report.damaged[0].second));
  }
  st.files_checked = report.files_checked;
  return st;
}

}  // namespace

// A copy that failed part way leaves nothing behind (the target was new or empty), so that the same
// command can simply be run again.
Result<CopyStats> CopyOrClean(const std::string& from, const std::string& to) {
  auto r = CopyStore(from, to);
  if (!r.ok()) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(to, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
      fs::remove_all(it->path(), ec);
  }
  return r;
}

Result<CopyStats> BackupDataDir(const std::string& data, const std::string& dest, int lock_timeout_ms) {
  if (!FileExists(data + "/MANIFEST"))
    return Status::NotFound(fmt::format("{} holds no aips data directory", data));
  AIPS_RETURN_IF_ERROR(CheckTarget(dest));
  AIPS_ASSIGN_OR_RETURN(DirLock lock, DirLock::Acquire(data, lock_timeout_ms));
  return CopyOrClean(data, dest);
}

Result<CopyStats> RestoreDataDir(const std::string& backup, const std::string& data) {
  if (!FileExists(backup + "/MANIFEST")) {
    return Status::NotFound(fmt::format("{} holds no aips backup (no MANIFEST)", backup));
  }
  AIPS_ASSIGN_OR_RETURN(CheckReport report, CheckDataDir(backup));
  if (!report.ok()) {
    return Status::Corruption(fmt::format("the backup in {} is damaged ({}: {}); nothing was restored",
                                          backup, report.damaged[0].first, report.damaged[0].second));
  }
  AIPS_RETURN_IF_ERROR(CheckTarget(data));
  return CopyOrClean(backup, data);
}

}  // namespace aips
