// Event parsing on a second thread (ingest/ingester.cc): one thread splits rows and validates them
// (ParseEvent, UTF-8, the local day, the event-id hash and the lookup among stored ids) while the
// ingesting thread deduplicates, interns and stores what arrives, in input order. Batches own copies of
// their strings, so the input's pages can be dropped as soon as they are parsed.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/date.h"
#include "ingest/event_parser.h"
#include "ingest/row_source.h"
#include "store/id_runs.h"

namespace aips {

struct PipedRow {
  enum Field { kEventId, kUser, kBrand, kSpu, kCampaign, kNote, kChannel, kNumFields };
  uint64_t line = 0;
  bool rejected = false;
  bool redact = false;  // rejected for privacy: raw is empty and must not be stored
  // Accepted rows: the event (strings as [offset, length) into the batch's arena).
  std::array<std::pair<uint32_t, uint32_t>, kNumFields> text{};
  int64_t ts = 0, amount = 0;
  bool has_amount = false;
  Action action = Action::kImpression;
  Sentiment sentiment = Sentiment::kNone;
  Day day = kNoDay;
  uint64_t id_hash = 0;    // Hash64(event_id) when it has one
  bool stored_id = false;  // that id is stored by an earlier ingest
  // Rejected rows: field, reason and the raw row in the arena.
  std::pair<uint32_t, uint32_t> field{}, reason{}, raw{};
};

struct PipedBatch {
  std::string arena;
  std::vector<PipedRow> rows;
  std::string_view Text(std::pair<uint32_t, uint32_t> r) const {
    return std::string_view(arena).substr(r.first, r.second);
  }
  // The event of an accepted row; views into the arena.
  ParsedEvent Event(const PipedRow& r) const;
};

class EventPipe {
 public:
  // Runs on the parsing thread: every row of `data` into batches, then Close().
  void Produce(std::string_view data, const FileFormat& format, DayMapper mapper, const StoredIds& stored,
               const std::function<void(size_t)>& progress);
  // Next batch in input order; nullptr after the last.
  std::unique_ptr<PipedBatch> Pop();

 private:
  void Push(std::unique_ptr<PipedBatch> b);
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<PipedBatch>> queue_;
  bool closed_ = false;
};

}  // namespace aips
