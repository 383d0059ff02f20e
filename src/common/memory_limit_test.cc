// The memory limits and how they are named: cgroup limit files (v2, v1, hybrid), the paths of a process's
// cgroup and its parents, the one-line description, and which exceptions mean out of memory.
#include "common/memory_limit.h"

#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <system_error>

namespace aips {
namespace {

TEST(MemoryLimit, ParsesCgroupLimitFiles) {
  EXPECT_EQ(ParseCgroupLimit("536870912\n"), 536870912u);
  EXPECT_EQ(ParseCgroupLimit("max\n"), std::nullopt);                  // v2: no limit
  EXPECT_EQ(ParseCgroupLimit("9223372036854771712\n"), std::nullopt);  // v1: no limit
  EXPECT_EQ(ParseCgroupLimit(""), std::nullopt);
  EXPECT_EQ(ParseCgroupLimit("12x\n"), std::nullopt);
}

TEST(MemoryLimit, LimitFilesOfTheCgroupAndItsParents) {
  EXPECT_EQ(
      CgroupLimitPaths("0::/a/b\n"),
      (std::vector<std::string>{"/sys/fs/cgroup/a/b/memory.max", "/sys/fs/cgroup/a/memory.max",
                                "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/unified/a/b/memory.max",
                                "/sys/fs/cgroup/unified/a/memory.max", "/sys/fs/cgroup/unified/memory.max"}));
  EXPECT_EQ(CgroupLimitPaths("0::/\n"),  // a cgroup namespace: the container's own cgroup is the root
            (std::vector<std::string>{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/unified/memory.max"}));
  // v1: only the memory controller's line counts.
  EXPECT_EQ(CgroupLimitPaths("5:cpu,cpuacct:/x\n4:memory:/job/7\n"),
            (std::vector<std::string>{"/sys/fs/cgroup/memory/job/7/memory.limit_in_bytes",
                                      "/sys/fs/cgroup/memory/job/memory.limit_in_bytes",
                                      "/sys/fs/cgroup/memory/memory.limit_in_bytes"}));
  EXPECT_TRUE(CgroupLimitPaths("garbage").empty());
}

TEST(MemoryLimit, NamesTheLimitThatBinds) {
  MemoryLimits m;
  EXPECT_EQ(DescribeMemoryLimits(m),
            "no memory limit is set (RLIMIT_AS and the cgroup's memory.max are unlimited)");
  m.cgroup = uint64_t{512} << 20;
  m.cgroup_file = "/sys/fs/cgroup/memory.max";
  EXPECT_EQ(DescribeMemoryLimits(m), "the cgroup's memory limit is 512 MiB; /sys/fs/cgroup/memory.max");
  m.address_space = uint64_t{256} << 20;
  EXPECT_EQ(DescribeMemoryLimits(m), "the address-space limit is 256 MiB; ulimit -v / RLIMIT_AS");
  m.address_space = uint64_t{1} << 30;  // the cgroup's is lower: both are named
  EXPECT_EQ(DescribeMemoryLimits(m),
            "the address-space limit is 1024 MiB; ulimit -v / RLIMIT_AS; the cgroup's memory.max is 512 MiB");
  m.strict_overcommit = true;
  EXPECT_NE(DescribeMemoryLimits(m).find("vm.overcommit_memory = 2"), std::string::npos);
}

TEST(MemoryLimit, TellsOutOfMemoryExceptions) {
  EXPECT_EQ(OutOfMemoryCause(std::bad_alloc()), "an allocation failed");
  const std::system_error no_thread(std::make_error_code(std::errc::resource_unavailable_try_again));
  ASSERT_TRUE(OutOfMemoryCause(no_thread).has_value());
  EXPECT_EQ(OutOfMemoryCause(no_thread)->rfind("cannot start a thread (", 0), 0u);
  EXPECT_EQ(OutOfMemoryCause(std::runtime_error("boom")), std::nullopt);
  EXPECT_EQ(OutOfMemoryCause(std::runtime_error("failed materalization in and")),  // CRoaring
            "an allocation failed (failed materalization in and)");
  EXPECT_EQ(OutOfMemoryCause(std::system_error(std::make_error_code(std::errc::invalid_argument))),
            std::nullopt);
}

TEST(MemoryLimit, MessageNamesWhatFailed) {
  const std::string m = OutOfMemoryMessage("cannot map 'f'");
  EXPECT_EQ(m.rfind("out of memory: cannot map 'f' (", 0), 0u) << m;
  EXPECT_EQ(m.back(), ')');
}

}  // namespace
}  // namespace aips
