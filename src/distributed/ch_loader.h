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

#include <string>
#include <vector>

#include "distributed/ch_store.h"
#include "ingest/ingester.h"

namespace aips {

// True for the tables the loader keeps on ClickHouse; the others are skipped with a message.
bool ChLoadsTable(TableKind kind);

Result<IngestResult> IngestToClickHouse(ChStore& ch, const std::vector<std::string>& files,
                                        const IngestOptions& options);
// The same over data held in memory (the server's ingest endpoint); each input's name is its source in
// the rejects. *reject_records receives the first `max_records` rejected rows as JSON records
// ({"source","line","field","reason","row"}, ingest/side_rows.h RejectRecord).
Result<IngestResult> IngestBuffersToClickHouse(ChStore& ch, const std::vector<InputBuffer>& inputs,
                                               const IngestOptions& options,
                                               std::vector<std::string>* reject_records, size_t max_records);

}  // namespace aips
