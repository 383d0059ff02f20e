// The event pipe between the parsing thread and the ingesting one: every row arrives in order, and an
// exception on either side (std::bad_alloc under a memory limit) reaches the caller instead of ending the
// process, with the parsing thread stopped and joined.
#include "ingest/event_pipe.h"

#include <gtest/gtest.h>

#include <new>
#include <string>

#include "absl/time/time.h"

namespace aips {
namespace {

std::string Events(int n) {
  std::string s = "event_id,ts,user_id,brand,action\n";
  for (int i = 0; i < n; ++i)
    s += "e" + std::to_string(i) + ",2024-09-01T10:00:00+08:00,u" + std::to_string(i) + ",b1,impression\n";
  return s;
}

struct Pipe {
  std::string data;
  FileFormat format;
  StoredIds stored;
  explicit Pipe(int rows) : data(Events(rows)) {
    auto f = DetectFormat(data, std::nullopt, "test");
    EXPECT_TRUE(f.ok()) << f.status().message();
    format = f.value();
  }
  void Run(const std::function<void(size_t)>& progress,
           const std::function<void(const PipedBatch&)>& consume) {
    PipeEvents(data, format, DayMapper(absl::UTCTimeZone()), stored, progress, consume);
  }
};

TEST(EventPipe, DeliversEveryRowInOrder) {
  Pipe p(50000);  // several batches
  uint64_t next_line = 2;
  size_t rows = 0;
  p.Run({}, [&](const PipedBatch& b) {
    for (const PipedRow& r : b.rows) {
      EXPECT_EQ(r.line, next_line++);
      EXPECT_FALSE(r.rejected);
      ++rows;
    }
  });
  EXPECT_EQ(rows, 50000u);
}

TEST(EventPipe, TheConsumersExceptionStopsTheParser) {
  Pipe p(200000);  // far more batches than the queue holds: the parser waits for room when it is stopped
  int batches = 0;
  EXPECT_THROW(p.Run({},
                     [&](const PipedBatch&) {
                       if (++batches == 2) throw std::bad_alloc();
                     }),
               std::bad_alloc);
  EXPECT_EQ(batches, 2);
}

TEST(EventPipe, TheParsersExceptionReachesTheCaller) {
  Pipe p(70000);  // progress is called every 65,536 rows, on the parsing thread
  EXPECT_THROW(p.Run([](size_t) { throw std::bad_alloc(); }, [](const PipedBatch&) {}), std::bad_alloc);
}

}  // namespace
}  // namespace aips
