// The fault-injecting Env: its spec, the call it fails, and what the file helpers make of a failure (the
// file's name and the system's text; the old file intact; no temporary left behind).
#include "common/fault_env.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "common/file_util.h"

namespace aips {
namespace {

class FaultEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/aips-faultenv-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    SetFileEnv(nullptr);
    std::system(("rm -rf " + dir_).c_str());
  }
  std::string dir_;
};

TEST_F(FaultEnvTest, SpecIsParsed) {
  EXPECT_TRUE(FaultEnv::FromSpec("ENOSPC:any:3").ok());
  EXPECT_TRUE(FaultEnv::FromSpec("EIO:fsync:1").ok());
  EXPECT_FALSE(FaultEnv::FromSpec("ENOSPC:any:0").ok());
  EXPECT_FALSE(FaultEnv::FromSpec("EPERM:any:1").ok());
  EXPECT_FALSE(FaultEnv::FromSpec("ENOSPC:read:1").ok());
  EXPECT_FALSE(FaultEnv::FromSpec("ENOSPC:any").ok());
  EXPECT_TRUE(FaultEnv::FromSpec("ENOSPC:write:2+").ok());
  EXPECT_FALSE(FaultEnv::FromSpec("ENOSPC:write:+").ok());
  EXPECT_FALSE(FaultEnv::FromSpec("ENOSPC:write:2++").ok());
}

TEST_F(FaultEnvTest, AFailedWriteNamesTheFileAndLeavesTheOldOne) {
  const std::string path = dir_ + "/data";
  ASSERT_TRUE(WriteFileAtomic(path, "old").ok());
  // WriteFileAtomic: write, fsync, rename, fsync(dir). Fail each in turn.
  for (const char* op : {"write", "fsync", "rename"}) {
    auto env = FaultEnv::FromSpec(std::string("ENOSPC:") + op + ":1");
    ASSERT_TRUE(env.ok());
    SetFileEnv(env.value().get());
    const Status s = WriteFileAtomic(path, "new");
    SetFileEnv(nullptr);
    EXPECT_TRUE(env.value()->fired()) << op;
    ASSERT_FALSE(s.ok()) << op;
    EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(dir_), std::string::npos) << s.ToString();
    EXPECT_EQ(ReadFile(path).value(), "old") << op;
    EXPECT_FALSE(FileExists(path + ".tmp")) << op;
  }
}

TEST_F(FaultEnvTest, TheNthCallFailsAndOnlyIt) {
  auto env = FaultEnv::FromSpec("EIO:any:5");
  ASSERT_TRUE(env.ok());
  SetFileEnv(env.value().get());
  int failed = 0;
  for (int i = 0; i < 4; ++i) failed += !WriteFileAtomic(dir_ + "/f" + std::to_string(i), "x").ok();
  SetFileEnv(nullptr);
  EXPECT_EQ(failed, 1);  // each WriteFileAtomic makes 4 calls: the 5th is the second file's write
  EXPECT_FALSE(FileExists(dir_ + "/f1"));
  EXPECT_TRUE(FileExists(dir_ + "/f0") && FileExists(dir_ + "/f2") && FileExists(dir_ + "/f3"));
  EXPECT_EQ(env.value()->calls(), 13u);  // 4 + 1 (the failed write ends that file) + 4 + 4
}

TEST_F(FaultEnvTest, AStickyFaultFailsEveryCallFromTheNth) {
  auto env = FaultEnv::FromSpec("ENOSPC:write:2+");  // a disk that fills during the second file
  ASSERT_TRUE(env.ok());
  SetFileEnv(env.value().get());
  int failed = 0;
  for (int i = 0; i < 4; ++i) failed += !WriteFileAtomic(dir_ + "/f" + std::to_string(i), "x").ok();
  SetFileEnv(nullptr);
  EXPECT_EQ(failed, 3);
  EXPECT_TRUE(FileExists(dir_ + "/f0"));
  EXPECT_FALSE(FileExists(dir_ + "/f1") || FileExists(dir_ + "/f2") || FileExists(dir_ + "/f3"));
  EXPECT_EQ(env.value()->calls(), 4u);  // one write per file
}

}  // namespace
}  // namespace aips
