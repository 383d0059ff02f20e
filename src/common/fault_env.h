// An Env that fails one chosen call (or every one from it on) (issue #19; docs/reliability.md "Injected
// faults"): the N-th write, fsync or rename (or the N-th of any of them) returns -1 with the chosen errno, as
// a full disk (ENOSPC) or a failing one (EIO) would; every other call goes to the system. When it fires it
// says so on standard error ("aips-fault: ENOSPC on fsync #3 of 'DIR/manifest.tmp'"), so that a test can tell
// a failure the program swallowed from a fault point past the end of the run. Thread-safe; with several
// writing threads which call is the N-th depends on their timing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "aips/status.h"
#include "common/env.h"

namespace aips {

enum class FaultOp { kAny, kWrite, kFsync, kRename };

class FaultEnv : public Env {
 public:
  // sticky: every matching call from the N-th on fails (a disk that stays full), not only the N-th.
  FaultEnv(FaultOp op, uint64_t nth, int error, bool sticky = false)
      : op_(op), nth_(nth), error_(error), sticky_(sticky) {}
  // "ERRNO:OP:N" or "ERRNO:OP:N+" (sticky): ERRNO = ENOSPC | EIO, OP = any | write | fsync | rename, N >= 1.
  static Result<std::unique_ptr<FaultEnv>> FromSpec(std::string_view spec);

  int OpenForWrite(const char* path, int flags, mode_t mode) override;
  int OpenDir(const char* path) override;
  ssize_t Write(int fd, const void* data, size_t size) override;
  int Fsync(int fd) override;
  int Rename(const char* from, const char* to) override;
  int Close(int fd) override;

  uint64_t calls() const;  // matching calls so far
  bool fired() const;

 private:
  // True (errno set) when this call is the one to fail.
  bool Fail(FaultOp op, const std::string& what);
  std::string PathOf(int fd) const;

  mutable std::mutex mu_;  // compute writes from several threads
  FaultOp op_;
  uint64_t nth_;
  int error_;
  bool sticky_;
  uint64_t calls_ = 0;
  bool fired_ = false;
  static constexpr int kMaxFds = 4096;
  std::string paths_[kMaxFds];  // the path each open descriptor was opened with
};

}  // namespace aips
