// The one door to the file system for writes (issue #19), as LevelDB's Env is: every write, fsync, rename,
// removal, truncation and directory creation of aips goes through the current Env, so that tests can
// fail any one of them (common/fault_env.h) and prove what a failing disk leaves behind. Reads (ReadFile,
// MappedFile) go to the system directly: they cannot damage anything.
//
// The calls mirror the system calls: -1 with errno set on failure, so that callers report the operating
// system's own words ("No space left on device") with the file's name (common/file_util.cc).
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace aips {

class Env {
 public:
  virtual ~Env() = default;
  virtual int OpenForWrite(const char* path, int flags, mode_t mode);
  virtual int OpenDir(const char* path);  // for fsync of a directory
  virtual ssize_t Write(int fd, const void* data, size_t size);
  virtual int Fsync(int fd);
  virtual int Ftruncate(int fd, off_t length);
  virtual int Close(int fd);
  virtual int Rename(const char* from, const char* to);
  virtual int Unlink(const char* path);
  virtual int Mkdir(const char* path, mode_t mode);
};

// The Env in use: the system's, unless a test installed another.
Env& FileEnv();
// Installs `env` (not owned; nullptr restores the system's). Not thread-safe: install before any writer
// runs.
void SetFileEnv(Env* env);

}  // namespace aips
