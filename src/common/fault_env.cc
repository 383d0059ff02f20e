#include "common/fault_env.h"

#include <cerrno>
#include <cstring>

#include "fmt/format.h"

namespace aips {

Result<std::unique_ptr<FaultEnv>> FaultEnv::FromSpec(std::string_view spec) {
  const auto bad = [&] {
    return Status::InvalidArgument(
        fmt::format("fault '{}' is not ERRNO:OP:N[+] (ENOSPC|EIO : any|write|fsync|rename : N >= 1)", spec));
  };
  const size_t a = spec.find(':'), b = spec.find(':', a == std::string_view::npos ? a : a + 1);
  if (a == std::string_view::npos || b == std::string_view::npos) return bad();
  const std::string_view err = spec.substr(0, a), op = spec.substr(a + 1, b - a - 1);
  std::string_view n = spec.substr(b + 1);
  int error = 0;
  if (err == "ENOSPC")
    error = ENOSPC;
  else if (err == "EIO")
    error = EIO;
  else
    return bad();
  FaultOp kind;
  if (op == "any")
    kind = FaultOp::kAny;
  else if (op == "write")
    kind = FaultOp::kWrite;
  else if (op == "fsync")
    kind = FaultOp::kFsync;
  else if (op == "rename")
    kind = FaultOp::kRename;
  else
    return bad();
  uint64_t nth = 0;
  const bool sticky = !n.empty() && n.back() == '+';
  if (sticky) n.remove_suffix(1);
  if (n.empty()) return bad();
  for (char c : n) {
    if (c < '0' || c > '9' || nth > (uint64_t{1} << 40)) return bad();
    nth = nth * 10 + static_cast<uint64_t>(c - '0');
  }
  if (nth == 0) return bad();
  return std::make_unique<FaultEnv>(kind, nth, error, sticky);
}

uint64_t FaultEnv::calls() const {
  std::lock_guard<std::mutex> l(mu_);
  return calls_;
}

bool FaultEnv::fired() const {
  std::lock_guard<std::mutex> l(mu_);
  return fired_;
}

bool FaultEnv::Fail(FaultOp op, const std::string& what) {
  std::lock_guard<std::mutex> l(mu_);
  if (op_ != FaultOp::kAny && op_ != op) return false;
  ++calls_;
  if (sticky_ ? calls_ < nth_ : calls_ != nth_) return false;
  fired_ = true;
  static constexpr const char* kNames[] = {"any", "write", "fsync", "rename"};
  fmt::print(stderr, "aips-fault: {} on {} #{} of '{}'\n", strerrorname_np(error_),
             kNames[static_cast<int>(op)], calls_, what);
  errno = error_;
  return true;
}

std::string FaultEnv::PathOf(int fd) const {
  std::lock_guard<std::mutex> l(mu_);
  return fd >= 0 && fd < kMaxFds ? paths_[fd] : std::string("?");
}

int FaultEnv::OpenForWrite(const char* path, int flags, mode_t mode) {
  const int fd = Env::OpenForWrite(path, flags, mode);
  std::lock_guard<std::mutex> l(mu_);
  if (fd >= 0 && fd < kMaxFds) paths_[fd] = path;
  return fd;
}

int FaultEnv::OpenDir(const char* path) {
  const int fd = Env::OpenDir(path);
  std::lock_guard<std::mutex> l(mu_);
  if (fd >= 0 && fd < kMaxFds) paths_[fd] = path;
  return fd;
}

ssize_t FaultEnv::Write(int fd, const void* data, size_t size) {
  if (Fail(FaultOp::kWrite, PathOf(fd))) return -1;
  return Env::Write(fd, data, size);
}

int FaultEnv::Fsync(int fd) {
  if (Fail(FaultOp::kFsync, PathOf(fd))) return -1;
  return Env::Fsync(fd);
}

int FaultEnv::Rename(const char* from, const char* to) {
  if (Fail(FaultOp::kRename, to)) return -1;
  return Env::Rename(from, to);
}

int FaultEnv::Close(int fd) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (fd >= 0 && fd < kMaxFds) paths_[fd].clear();
  }
  return Env::Close(fd);
}

}  // namespace aips
