// Event parsing on a second thread (ingest/ingester.cc): one thread splits rows and validates them
// (ParseEvent, UTF-8, the local day, the event-id hash and the lookup among stored ids) while the
// ingesting thread deduplicates, interns and stores what arrives, in input order. Batches own copies of
// their strings, so the input's pages can be dropped as soon as they are parsed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/date.h"
#include "ingest/event_parser.h"
#include "ingest/input_stream.h"
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

// Parses every row of `data` into batches on a second thread and calls consume(batch) on the calling
// thread for each batch, in input order; returns when every row has been consumed. `progress` (called on
// the parsing thread) receives the bytes parsed so far. At most a few batches wait between the threads.
// When the system refuses the thread (no address space left for its stack under a memory limit), the rows
// are parsed on the calling thread instead, batch by batch, with the same result. An exception thrown on
// either side (std::bad_alloc) stops both and is rethrown here once the parsing thread has ended.
void PipeEvents(std::string_view data, const FileFormat& format, DayMapper mapper, const StoredIds& stored,
                const std::function<void(size_t)>& progress,
                const std::function<void(const PipedBatch&)>& consume);

// The same over an input in pieces (ingest/input_stream.h): next(&piece) gives the next piece, false after
// the last; it is called on the parsing thread. Line numbers are the input's (piece line + line_offset).
using PieceSource = std::function<bool(InputPiece*)>;
void PipeEventPieces(const PieceSource& next, const FileFormat& format, DayMapper mapper,
                     const StoredIds& stored, const std::function<void(const PipedBatch&)>& consume);

}  // namespace aips
