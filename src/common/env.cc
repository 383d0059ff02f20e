#include "common/env.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace aips {

int Env::OpenForWrite(const char* path, int flags, mode_t mode) { return ::open(path, flags, mode); }
int Env::OpenDir(const char* path) { return ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC); }
ssize_t Env::Write(int fd, const void* data, size_t size) { return ::write(fd, data, size); }
int Env::Fsync(int fd) { return ::fsync(fd); }
int Env::Ftruncate(int fd, off_t length) { return ::ftruncate(fd, length); }
int Env::Close(int fd) { return ::close(fd); }
int Env::Rename(const char* from, const char* to) { return std::rename(from, to); }
int Env::Unlink(const char* path) { return ::unlink(path); }
int Env::Mkdir(const char* path, mode_t mode) { return ::mkdir(path, mode); }

namespace {
Env system_env;
Env* current = &system_env;
}  // namespace

Env& FileEnv() { return *current; }
void SetFileEnv(Env* env) { current = env != nullptr ? env : &system_env; }

}  // namespace aips
