#include "common/memory_limit.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <new>
#include <stdexcept>
#include <system_error>

#include "common/file_util.h"
#include "fmt/format.h"

namespace aips {

namespace {

constexpr uint64_t kNoLimitFrom = uint64_t{1} << 62;  // v1 writes 2^63 rounded down to a page for "none"

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

std::string MiB(uint64_t bytes) { return fmt::format("{} MiB", bytes >> 20); }

// The line ExitOnOutOfMemory prints, composed in advance.
char g_exit_line[1024];
size_t g_exit_len = 0;

void ExitOutOfMemory() {
  const ssize_t written = ::write(STDERR_FILENO, g_exit_line, g_exit_len);
  (void)written;  // nothing more can be done
  ::_exit(1);
}

}  // namespace

std::optional<uint64_t> ParseCgroupLimit(std::string_view text) {
  text = Trim(text);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v >= kNoLimitFrom) return std::nullopt;
  return v;
}

std::vector<std::string> CgroupLimitPaths(std::string_view proc_self_cgroup) {
  std::vector<std::string> out;
  // Each parent of `path` (itself first, "/" last) under `root`.
  auto add = [&](const std::string& root, std::string_view path, const char* file) {
    std::string p(path);
    while (!p.empty() && p.back() == '/') p.pop_back();
    for (;;) {
      out.push_back(root + p + "/" + file);
      if (p.empty()) break;
      p.resize(p.rfind('/'));
    }
  };
  size_t at = 0;
  while (at < proc_self_cgroup.size()) {
    size_t nl = proc_self_cgroup.find('\n', at);
    if (nl == std::string_view::npos) nl = proc_self_cgroup.size();
    const std::string_view line = proc_self_cgroup.substr(at, nl - at);
    at = nl + 1;
    // "ID:CONTROLLERS:PATH"; v2 is "0::PATH".
    const size_t c1 = line.find(':');
    const size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    const std::string_view controllers = line.substr(c1 + 1, c2 - c1 - 1);
    const std::string_view path = line.substr(c2 + 1);
    if (controllers.empty()) {
      add("/sys/fs/cgroup", path, "memory.max");
      add("/sys/fs/cgroup/unified", path, "memory.max");
    } else if (("," + std::string(controllers) + ",").find(",memory,") != std::string::npos) {
      add("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes");
    }
  }
  return out;
}

MemoryLimits CurrentMemoryLimits() {
  MemoryLimits m;
  struct rlimit rl {};
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) m.address_space = rl.rlim_cur;
  auto self = ReadFile("/proc/self/cgroup");
  if (self.ok()) {
    for (const std::string& path : CgroupLimitPaths(self.value())) {
      auto text = ReadFile(path);
      if (!text.ok()) continue;
      auto v = ParseCgroupLimit(text.value());
      if (v && (!m.cgroup || *v < *m.cgroup)) m.cgroup = v, m.cgroup_file = path;
    }
  }
  auto overcommit = ReadFile("/proc/sys/vm/overcommit_memory");
  m.strict_overcommit = overcommit.ok() && Trim(overcommit.value()) == "2";
  return m;
}

std::string DescribeMemoryLimits(const MemoryLimits& m) {
  std::string s;
  if (m.address_space) {
    s = fmt::format("the address-space limit is {}; ulimit -v / RLIMIT_AS", MiB(*m.address_space));
    if (m.cgroup && *m.cgroup < *m.address_space)
      s += fmt::format("; the cgroup's memory.max is {}", MiB(*m.cgroup));
  } else if (m.cgroup) {
    s = fmt::format("the cgroup's memory limit is {}; {}", MiB(*m.cgroup), m.cgroup_file);
  } else {
    s = "no memory limit is set (RLIMIT_AS and the cgroup's memory.max are unlimited)";
  }
  if (m.strict_overcommit) s += "; vm.overcommit_memory = 2 (no overcommit)";
  return s;
}

std::string OutOfMemoryMessage(std::string_view what) {
  return fmt::format("out of memory: {} ({})", what, DescribeMemoryLimits(CurrentMemoryLimits()));
}

std::optional<std::string> OutOfMemoryCause(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) return std::string("an allocation failed");
  if (dynamic_cast<const std::runtime_error*>(&e) != nullptr) {
    // CRoaring's C++ wrapper (roaring/roaring.hh) when its C core's malloc returned NULL.
    const std::string_view what = e.what();
    for (std::string_view roaring : {"failed memory alloc", "failed alloc", "failed materalization"})
      if (what.substr(0, roaring.size()) == roaring) return fmt::format("an allocation failed ({})", what);
  }
  if (const auto* se = dynamic_cast<const std::system_error*>(&e)) {
    const std::error_code& c = se->code();
    if (c == std::errc::resource_unavailable_try_again || c == std::errc::not_enough_memory)
      return fmt::format("cannot start a thread ({})", c.message());
  }
  return std::nullopt;
}

void ExitOnOutOfMemory(std::string_view command) {
  std::string line =
      "aips: " + OutOfMemoryMessage(fmt::format("{} stopped: an allocation failed", command)) + "\n";
  if (line.size() > sizeof g_exit_line) line.replace(sizeof g_exit_line - 4, std::string::npos, "...\n");
  std::set_new_handler(nullptr);  // while the line changes
  std::memcpy(g_exit_line, line.data(), line.size());
  g_exit_len = line.size();
  std::set_new_handler(&ExitOutOfMemory);
}

void ThrowOnOutOfMemory() { std::set_new_handler(nullptr); }

bool AddressSpaceIsScarce() {
  static const bool scarce = [] {
    const MemoryLimits m = CurrentMemoryLimits();
    return m.address_space.has_value() || m.strict_overcommit;
  }();
  return scarce;
}

}  // namespace aips
