// What ch_chdb.h decides without loading libchdb.so (the engine itself is checked by
// tests/parity/run.py against the embedded engine).
#include "distributed/ch_chdb.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace aips {
namespace {

TEST(Chdb, InUseMessageNamesThePid) {
  EXPECT_EQ(ChdbInUseMessage("/d", "PID: 4242\nStarted at: 2026-11-30 11:00:00\nRevision: 54507\n"),
            "chdb:/d is in use by another process (pid 4242); chdb allows one process per directory");
  EXPECT_EQ(ChdbInUseMessage("/d", ""),
            "chdb:/d is in use by another process; chdb allows one process per directory");
}

TEST(Chdb, LibraryPathFromTheEnvironmentFirst) {
  ::setenv("AIPS_LIBCHDB", "/opt/x/libchdb.so", 1);
  EXPECT_EQ(LibchdbPath(), "/opt/x/libchdb.so");
  ::unsetenv("AIPS_LIBCHDB");
  EXPECT_NE(LibchdbPath().find("deps/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"),
            std::string::npos);
}

TEST(Chdb, MissingLibraryNamesBothRemedies) {
  ::setenv("AIPS_LIBCHDB", "/nonexistent/libchdb.so", 1);
  auto c = OpenChdbClient("/tmp/aips-chdb-test-never-created");
  ::unsetenv("AIPS_LIBCHDB");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("make deps"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("AIPS_LIBCHDB"), std::string::npos);
  EXPECT_NE(c.status().message().find("/nonexistent/libchdb.so"), std::string::npos);
}

}  // namespace
}  // namespace aips
