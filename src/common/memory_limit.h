// The memory limits a process runs under (docs/reliability.md, "Memory limits"), for the one line that
// names them when memory runs out, and for code that trades address space for speed.
//
// Two limits can stop aips for want of memory:
// - the address-space limit (RLIMIT_AS: `ulimit -v`, `prlimit --as`, systemd's LimitAS=). mmap and malloc
//   fail (ENOMEM, std::bad_alloc) once the process's mappings would pass it. It counts address space,
//   reserved or touched, mapped files and thread stacks included, so it binds before resident memory does;
// - the cgroup's memory limit (cgroup v2 `memory.max`, v1 `memory.limit_in_bytes`). Allocations do not
//   fail: when resident memory passes it, the kernel's OOM killer ends the process with SIGKILL (the
//   crash case of docs/reliability.md §1). Nothing in the process can answer that.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aips {

struct MemoryLimits {
  std::optional<uint64_t> address_space;  // the soft RLIMIT_AS, in bytes; nullopt when unlimited
  std::optional<uint64_t> cgroup;         // the lowest memory limit of this process's cgroup and its parents
  std::string cgroup_file;                // the file that set it (".../memory.max")
  bool strict_overcommit = false;         // vm.overcommit_memory = 2: reservations are charged as memory
};

// Reads getrlimit(RLIMIT_AS), /proc/self/cgroup and the cgroup limit files under /sys/fs/cgroup (v2, v1
// and the hybrid layout), and /proc/sys/vm/overcommit_memory. A file that cannot be read counts as no limit.
MemoryLimits CurrentMemoryLimits();

// The limit that binds an allocation failure, for a message: "the address-space limit is 256 MiB; ulimit
// -v / RLIMIT_AS" (with "; the cgroup's memory.max is N MiB" when that one is lower), else "the cgroup's
// memory limit is N MiB; FILE", else "no memory limit is set (RLIMIT_AS and the cgroup's memory.max are
// unlimited)".
std::string DescribeMemoryLimits(const MemoryLimits& limits);

// "out of memory: WHAT (DescribeMemoryLimits(CurrentMemoryLimits()))".
std::string OutOfMemoryMessage(std::string_view what);

// What failed, when an exception means that the system refused memory: "an allocation failed" for
// std::bad_alloc and for CRoaring's std::runtime_error when its C core's malloc returned NULL ("failed
// memory alloc ...", "failed materalization in ..."), "cannot start a thread (TEXT)" for a
// std::system_error EAGAIN or ENOMEM (a thread's stack is address space); nullopt for any other exception.
std::optional<std::string> OutOfMemoryCause(const std::exception& e);

// What an allocation that fails does (operator new, and HugeAllocator; not the mallocs of C libraries).
// - ExitOnOutOfMemory, for the command line: the process ends at once, on whichever thread the allocation
//   failed, with exit code 1 and one line on stderr, "aips: out of memory: COMMAND stopped: an allocation
//   failed (DescribeMemoryLimits)". Not unwinding is the point: absl's hash tables are left damaged when an
//   allocation throws while they grow (their destructors then free a pointer they never allocated), so
//   std::bad_alloc cannot be relied on to unwind cleanly, while every write of aips is crash-safe: ending
//   here leaves the last commit, exactly as a kill does (docs/reliability.md §1). The line is composed now,
//   so nothing is allocated when memory is out. Call again when the command is known.
// - ThrowOnOutOfMemory, for the server: std::bad_alloc is thrown (the C++ default), and the request's
//   dispatcher answers 503 (serve/server.cc).
void ExitOnOutOfMemory(std::string_view command);
void ThrowOnOutOfMemory();

// True when reserving address space can fail before memory runs out: an address-space limit is set, or
// the kernel does not overcommit. Code that reserves large untouched ranges up front for speed
// (TuneAllocator, the ingest's per-day row vectors) then reserves only what it fills. Read once.
bool AddressSpaceIsScarce();

// For tests. The limit in a cgroup limit file's text ("max\n" and v1's page-rounded 2^63 mean none).
std::optional<uint64_t> ParseCgroupLimit(std::string_view text);
// The memory limit files that may apply to a process, given the text of its /proc/self/cgroup: for its
// cgroup and each parent, under the v2, hybrid (unified/) and v1 (memory/) mounts of /sys/fs/cgroup.
std::vector<std::string> CgroupLimitPaths(std::string_view proc_self_cgroup);

}  // namespace aips
