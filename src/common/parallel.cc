#include "common/parallel.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace aips {

void RunInParallel(int n, const std::function<void(int)>& fn) {
  std::mutex mu;
  std::exception_ptr first;
  auto share = [&](int i) {
    try {
      fn(i);
    } catch (...) {
      std::lock_guard<std::mutex> l(mu);
      if (!first) first = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  int started = 1;  // shares [1, started) run on their own threads
  try {
    threads.reserve(static_cast<size_t>(std::max(0, n - 1)));
    for (; started < n; ++started) threads.emplace_back(share, started);
  } catch (const std::exception&) {  // std::system_error EAGAIN or std::bad_alloc: run the rest here
  }
  share(0);
  for (int i = started; i < n; ++i) share(i);
  for (std::thread& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace aips
