#include "common/file_util.h"

#include <dirent.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/env.h"
#include "fmt/format.h"

namespace aips {

namespace {
Status Errno(const std::string& what, const std::string& path) {
  int e = errno;
  if (e == ENOENT) return Status::NotFound(fmt::format("{} '{}': {}", what, path, strerror(e)));
  if (e == ENOMEM) return Status::OutOfMemory(fmt::format("{} '{}': {}", what, path, strerror(e)));
  return Status::IOError(fmt::format("{} '{}': {}", what, path, strerror(e)));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = FileEnv().Write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

std::string DirName(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return path.substr(0, pos);
}
}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    Status s = Errno("cannot stat", path);
    ::close(fd);
    return s;
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::IOError(fmt::format("'{}' is a directory", path));
  }
  std::string out;
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Errno("cannot read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  // A file that grew while reading (a pipe, /dev/stdin): read the rest.
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<std::string> ReadStdin() {
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read", "<stdin>");
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status SyncDir(const std::string& dir) {
  Env& env = FileEnv();
  int fd = env.OpenDir(dir.c_str());
  if (fd < 0) return Errno("cannot open directory", dir);
  if (env.Fsync(fd) != 0) {
    Status s = Errno("cannot fsync directory", dir);
    env.Close(fd);
    return s;
  }
  env.Close(fd);
  return Status::OK();
}

Status WriteFileAtomic(const std::string& path, std::string_view data, bool durable) {
  Env& env = FileEnv();
  const std::string tmp = path + ".tmp";
  int fd = env.OpenForWrite(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", tmp);
  Status s = WriteAll(fd, data, tmp);
  // A failed fsync is never retried: the data may be lost whatever a second fsync says (the file is
  // left as a .tmp that nothing reads, and the caller abandons its run).
  if (s.ok() && durable && env.Fsync(fd) != 0) s = Errno("cannot fsync", tmp);
  env.Close(fd);
  if (!s.ok()) {
    env.Unlink(tmp.c_str());
    return s;
  }
  if (env.Rename(tmp.c_str(), path.c_str()) != 0) {
    Status r = Errno("cannot rename into", path);
    env.Unlink(tmp.c_str());
    return r;
  }
  return durable ? SyncDir(DirName(path)) : Status::OK();
}

Status WriteAt(const std::string& path, uint64_t at, std::string_view data) {
  Env& env = FileEnv();
  int fd = env.OpenForWrite(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot open", path);
  Status s;
  if (env.Ftruncate(fd, static_cast<off_t>(at)) != 0 || ::lseek(fd, static_cast<off_t>(at), SEEK_SET) < 0) {
    s = Errno("cannot position", path);
  }
  if (s.ok()) s = WriteAll(fd, data, path);
  if (s.ok() && env.Fsync(fd) != 0) s = Errno("cannot fsync", path);
  env.Close(fd);
  if (!s.ok()) return s;
  return SyncDir(DirName(path));
}

Status CopyFileDurable(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("cannot open", from);
  Env& env = FileEnv();
  const int out = env.OpenForWrite(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    Status s = Errno("cannot create", to);
    ::close(in);
    return s;
  }
  Status s;
  std::string buf(1 << 20, '\0');
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      s = Errno("cannot read", from);
      break;
    }
    if (n == 0) break;
    s = WriteAll(out, std::string_view(buf.data(), static_cast<size_t>(n)), to);
    if (!s.ok()) break;
  }
  if (s.ok() && env.Fsync(out) != 0) s = Errno("cannot fsync", to);
  env.Close(out);
  ::close(in);
  return s;
}

Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return Status::OK();
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    cur = dir.substr(0, pos);
    if (cur.empty()) continue;
    if (FileEnv().Mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      return Errno("cannot create directory", cur);
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::IOError(fmt::format("'{}' exists and is not a directory", dir));
  }
  return Status::OK();
}

bool IsOutOfSpace(const Status& s) {
  if (s.code() != Status::Code::kIOError) return false;
  for (int e : {ENOSPC, EDQUOT}) {
    if (s.message().find(strerror(e)) != std::string::npos) return true;
  }
  return false;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status RemoveFile(const std::string& path) {
  if (FileEnv().Unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", path);
  return Status::OK();
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (data_ != nullptr) ::munmap(data_, size_);
    data_ = o.data_;
    size_ = o.size_;
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

void MappedFile::DropPrefix(size_t bytes) const {
  bytes = std::min(bytes, size_) & ~size_t{4095};
  if (data_ != nullptr && bytes > 0) ::madvise(data_, bytes, MADV_DONTNEED);
}

Result<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    Status s = Errno("cannot stat", path);
    ::close(fd);
    return s;
  }
  MappedFile f;
  f.size_ = static_cast<size_t>(st.st_size);
  if (f.size_ > 0) {
    void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      Status s = Errno("cannot map", path);
      ::close(fd);
      return s;
    }
    f.data_ = p;
  }
  ::close(fd);
  return f;
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);
}

DirLock& DirLock::operator=(DirLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

Result<DirLock> DirLock::Acquire(const std::string& dir, int timeout_ms) {
  const std::string path = dir + "/LOCK";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot open lock file", path);
  for (int waited = 0;; waited += 20) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) break;
    if (errno != EWOULDBLOCK || waited >= timeout_ms) {
      ::close(fd);
      return Status::Busy(fmt::format("data directory '{}' is being written by another aips process", dir));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  DirLock l;
  l.fd_ = fd;
  return l;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  return out;
}

}  // namespace aips
