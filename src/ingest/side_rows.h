// Validation of the rows that are not events (docs/input.md side tables, docs/first-party.md orders and
// identity map) and the reject record, shared by every ingest target (the embedded store and ClickHouse).
#pragma once

#include <string>
#include <string_view>

#include "ingest/event_parser.h"
#include "ingest/row_source.h"
#include "store/catalog.h"
#include "store/first_party.h"

namespace aips {

enum class SideOutcome { kRejected, kChanged, kUnchanged };

// The checks every column of a table that is not events gets: the reader's own error for the row, then
// per column its length (1 KiB; 16 KiB for a `topics` list), UTF-8, presence when required, and
// ForbiddenCharProblem. False with *err filled on the first problem.
bool CheckColumns(TableKind kind, const InputRow& row, RowError* err);
// The value of a named column of `kind` in `row` ("" when absent).
std::string_view ColumnValue(TableKind kind, const InputRow& row, std::string_view name);

// A categories, brands, campaigns or spend row: validates it and applies it to `catalog` (a later row
// for the same key replaces the earlier one). kRejected fills *err; kUnchanged means the catalog already
// held exactly this row (a duplicate).
SideOutcome ApplySideRow(TableKind kind, const InputRow& row, Catalog* catalog, RowError* err);

// A validated orders or identity row.
struct FirstPartyRow {
  std::string key;       // IdentityKey(id_type, id_hash)
  std::string id_type;   // as given ("phone_sha256", ...)
  std::string id_hash;   // 64 lower-case hex characters
  std::string user;      // identity rows: the platform user
  std::string order_id;  // orders
  PendingOrder order;    // orders
};

// False when the row must be rejected: *err says why (err->redact when the row holds a clear-text
// identifier: it must not be stored anywhere, not even as a reject).
bool ParseFirstPartyRow(TableKind kind, const InputRow& row, FirstPartyRow* out, RowError* err);

// The raw row as kept with a reject: cut at 4 KiB, invalid UTF-8 bytes shown as \xNN, or a placeholder
// when it holds a clear-text identifier.
std::string RejectedRowText(const InputRow& row, bool redact);

// One line of a reject file (docs/formats.md): {"source","line","field","reason","row"} without the
// trailing newline; the row is cut at 4 KiB, invalid UTF-8 bytes are shown as \xNN.
std::string RejectRecord(const std::string& source, const InputRow& row, std::string_view field,
                         std::string_view reason, bool redact);

}  // namespace aips
