// `aips ingest --engine clickhouse://...`: the same validation as the embedded ingest (every rejected
// row with its line and reason, every good row kept), then the events are streamed to ClickHouse in
// batches over HTTP, each row to the shard of its user.
//
// Idempotent and resumable: every event carries a 64-bit key (the hash of its event_id, or of its file's
// content and line when it has none); before a batch is written the keys already stored are looked up
// and skipped, so a retried batch, a re-run after a failure or the same file twice adds nothing. Side
// tables, the identity map and orders are written after the events they produce. One loader at a time
// per database.
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"

#include "distributed/ch_store.h"
#include "distributed/ch_user_rows.h"
#include "ingest/event_parser.h"
#include "ingest/ingester.h"

namespace aips {

// The loader's event writer (also aips copy's, distributed/ch_copy.h): rows go to their user's shard in
// batches of 250,000, sent by a thread of its own while the caller prepares the next batch. Before a batch
// is written, its keys are looked up among the stored events of its days and the ids imported from a data
// directory (table imported_ids); stored ones are skipped and their tags handed back as duplicates.
class ChEventWriter {
 public:
  static constexpr uint32_t kNoTag = ~0u;
  // `batch_rows`: events per batch (each batch is one insert per shard, after its key lookup).
  explicit ChEventWriter(ChStore& ch, size_t batch_rows = 250000);
  ~ChEventWriter();  // waits for the batch in flight
  ChEventWriter(const ChEventWriter&) = delete;
  ChEventWriter& operator=(const ChEventWriter&) = delete;

  // One event with its key, on its local day; `tag` comes back from TakeDuplicates when it was stored.
  Status Add(const ParsedEvent& ev, uint64_t key, Day day, uint32_t tag);
  // Sends what is pending and waits: every added row is stored now (or was already).
  Status Finish();
  // The tags of rows found already stored, since the last call.
  std::vector<uint32_t> TakeDuplicates();
  // Numbers a user the first time this writer meets it (an event added, an attributes row): numbers follow
  // the order users are first met, after every stored one (distributed/ch_user_rows.h), and are written
  // before the batch that follows.
  void SeeUser(uint64_t user, std::string_view id);

 private:
  struct Pending {
    uint64_t key;
    uint32_t tag, shard;
    size_t begin, end;  // the row's bytes in rows_[shard]
    Day day;
  };
  struct Batch {
    std::vector<Pending> pending;
    std::vector<ChSeqRow> seq;
    std::vector<std::string> rows, users;
    std::vector<uint32_t> duplicate_tags;
    Status status;
    std::exception_ptr thrown;  // what Send threw on the sender thread (std::bad_alloc); Wait rethrows it
  };
  Status Send(Batch& b);
  // Hands the pending rows to the sender thread (after the previous batch is done).
  Status Flush();
  // Waits for the batch in flight and keeps its duplicates; rethrows what its sending threw.
  Status Wait();

  ChStore& ch_;
  size_t batch_rows_;
  absl::flat_hash_set<uint64_t> users_;  // users written through this writer
  absl::flat_hash_set<uint64_t> seen_;   // users numbered by this writer
  std::optional<uint64_t> seq_base_;     // user numbers: base (read at the first batch) + ordinal
  uint64_t seq_next_ = 0;
  std::vector<ChSeqRow> seq_rows_;  // users first met since the last batch
  std::vector<Pending> pending_;
  std::vector<std::string> rows_, users_rows_;
  std::unique_ptr<Batch> inflight_;
  std::thread sender_;
  std::vector<uint32_t> duplicates_;
};

Result<IngestResult> IngestToClickHouse(ChStore& ch, const std::vector<std::string>& files,
                                        const IngestOptions& options);
// The same over data held in memory (the server's ingest endpoint); each input's name is its source in
// the rejects. *reject_records receives the first `max_records` rejected rows as JSON records
// ({"source","line","field","reason","row"}, ingest/side_rows.h RejectRecord).
Result<IngestResult> IngestBuffersToClickHouse(ChStore& ch, const std::vector<InputBuffer>& inputs,
                                               const IngestOptions& options,
                                               std::vector<std::string>* reject_records, size_t max_records);

}  // namespace aips
