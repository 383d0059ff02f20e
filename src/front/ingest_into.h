// Ingest of data held in memory (the server's POST /api/v1/ingest/*) into whichever source the server
// serves: a data directory (ingest/ingester.h IngestBuffers, under its lock) or a ClickHouse database
// (distributed/ch_loader.h, idempotent like `aips ingest --engine`).
#pragma once

#include <string>
#include <vector>

#include "aips/status.h"
#include "front/open_engine.h"
#include "ingest/ingester.h"

namespace aips {

// *reject_records receives the first `max_records` rejected rows as JSON records
// ({"source","line","field","reason","row"}, as in a reject file). Unsupported, before anything is
// stored, when options.kind names a table the source does not keep (one ClickHouse does not load yet).
Result<IngestResult> IngestInto(const EngineSource& source, const std::vector<InputBuffer>& inputs,
                                const IngestOptions& options, std::vector<std::string>* reject_records,
                                size_t max_records);

}  // namespace aips
