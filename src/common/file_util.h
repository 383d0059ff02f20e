// File-system helpers with the durability rules of the store: a file that is acknowledged is on disk
// (fsync of the file and of its directory) and replacements are atomic (write temp, fsync, rename). Every
// write, fsync, rename and removal goes through the current Env (common/env.h), so that tests can fail
// any of them; errors name the file and carry the operating system's text (NotFound for ENOENT,
// OutOfMemory for ENOMEM, e.g. a mapping refused under a memory limit; IOError otherwise).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"

namespace aips {

// Reads a whole file. NotFound when it does not exist.
Result<std::string> ReadFile(const std::string& path);
// Reads all of standard input.
Result<std::string> ReadStdin();
// Writes data to path atomically and durably: path.tmp, fsync, rename over path, fsync the directory.
// With durable = false (derived data that can be recomputed) the fsyncs are skipped: still atomic.
Status WriteFileAtomic(const std::string& path, std::string_view data, bool durable = true);
// Appends data at byte offset `at` (truncating anything beyond it first), then fsyncs.
Status WriteAt(const std::string& path, uint64_t at, std::string_view data);
// Copies `from` to a new file `to` (refused when it exists) and fsyncs it (not its directory).
Status CopyFileDurable(const std::string& from, const std::string& to);
// fsync a directory (after creating or renaming entries in it).
Status SyncDir(const std::string& dir);
// mkdir -p.
Status MakeDirs(const std::string& dir);
bool FileExists(const std::string& path);
// True for an IOError of a full disk or an exhausted quota (ENOSPC, EDQUOT): the HTTP API answers 507.
bool IsOutOfSpace(const Status& s);
Status RemoveFile(const std::string& path);
// The names in a directory (without "." and ".."); empty when it cannot be read.
std::vector<std::string> ListDir(const std::string& dir);

// A read-only memory mapping of a whole file. Empty files map to an empty view.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr, o.size_ = 0; }
  MappedFile& operator=(MappedFile&& o) noexcept;

  static Result<MappedFile> Open(const std::string& path);
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }
  // Tells the kernel that the first `bytes` will not be read again (drops them from this process's
  // resident memory; reading them again re-reads the file).
  void DropPrefix(size_t bytes) const;

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// An exclusive advisory lock (flock) on DIR/LOCK, held for the object's lifetime. Writers of a data
// directory (ingest, compute, a query that stores snapshots) hold it; readers do not need it.
class DirLock {
 public:
  DirLock() = default;
  ~DirLock();
  DirLock(DirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  DirLock& operator=(DirLock&& o) noexcept;
  DirLock(const DirLock&) = delete;
  // Waits up to timeout_ms for the lock; Busy if another process keeps it.
  static Result<DirLock> Acquire(const std::string& dir, int timeout_ms);
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace aips
