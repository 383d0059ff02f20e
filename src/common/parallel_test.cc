// RunInParallel: every share runs, an exception of any share reaches the caller after all have ended, and
// when the system refuses threads (an address-space limit too small for a thread's stack) the caller runs
// every share itself.
#include "common/parallel.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <thread>

namespace aips {
namespace {

TEST(RunInParallel, RunsEveryShareOnItsOwnThread) {
  std::mutex mu;
  std::set<int> shares;
  std::set<std::thread::id> threads;
  RunInParallel(4, [&](int i) {
    std::lock_guard<std::mutex> l(mu);
    shares.insert(i);
    threads.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(shares, (std::set<int>{0, 1, 2, 3}));
  EXPECT_EQ(threads.size(), 4u);
  EXPECT_TRUE(threads.count(std::this_thread::get_id()));  // share 0 ran here
}

TEST(RunInParallel, RethrowsAWorkersExceptionAfterAllEnded) {
  std::atomic<int> finished{0};
  EXPECT_THROW(RunInParallel(3,
                             [&](int i) {
                               if (i == 2) throw std::bad_alloc();
                               ++finished;
                             }),
               std::bad_alloc);
  EXPECT_EQ(finished.load(), 2);  // the other shares ran to their end
  EXPECT_THROW(RunInParallel(2,
                             [](int i) {
                               if (i == 0) throw std::runtime_error("here");
                             }),
               std::runtime_error);
}

// Reads this process's address space (VmSize) in bytes.
size_t AddressSpace() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  unsigned long pages = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  return pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;  // gcc
#elif defined(__has_feature)
constexpr bool kSanitized = __has_feature(address_sanitizer) || __has_feature(thread_sanitizer);  // clang
#else
constexpr bool kSanitized = false;
#endif

TEST(RunInParallel, RunsOnTheCallersThreadWhenThreadsAreRefused) {
  if (kSanitized) GTEST_SKIP() << "sanitizers map memory of their own: an address-space limit breaks them";
  // In a child process: an address-space limit 2 MiB above what it uses leaves no room for a new thread's
  // stack (8 MiB). glibc reuses the stacks of threads that ended (up to 40 MiB of them), so of 15 threads
  // asked for, some start and the others' shares must run on the calling thread.
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const rlim_t limit = AddressSpace() + (rlim_t{2} << 20);
    struct rlimit rl = {limit, limit};
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(2);
    std::atomic<int> ran{0}, here{0};
    const std::thread::id me = std::this_thread::get_id();
    RunInParallel(16, [&](int) {
      ++ran;
      if (std::this_thread::get_id() == me) ++here;
    });
    _exit(ran == 16 && here >= 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace aips
