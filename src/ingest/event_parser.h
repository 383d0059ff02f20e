// Validation of one event row (docs/input.md): every rule that makes a row rejected lives here, shared by
// the CSV and JSON Lines readers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/domain.h"
#include "ingest/tables.h"

namespace aips {

// One row's fields as found. A field is absent when `present` is false (a CSV column that the file
// lacks, a JSON key that is missing or null); an empty CSV cell is present but empty.
struct RawEvent {
  std::array<std::string_view, kNumEventFields> value{};
  std::array<bool, kNumEventFields> present{};
  std::array<bool, kNumEventFields> is_number{};  // JSON numbers (raw token text in value)
  bool utf8_checked = false;  // every value is known to be valid UTF-8 (the whole row was checked)
};

// A valid event; string views point into the RawEvent's storage.
struct ParsedEvent {
  std::string_view event_id, user, brand, spu, campaign, note, channel;
  int64_t ts = 0;
  int64_t amount = 0;  // micro-units; 0 when absent
  bool has_amount = false;
  Action action = Action::kImpression;
  Sentiment sentiment = Sentiment::kNone;
};

struct RowError {
  std::string field;   // column name, or "" for a whole-row problem
  std::string reason;  // "unknown action 'foo'"
  bool redact =
      false;  // the row holds a clear-text identifier: its text must not be stored, even as a reject
};

// Longest accepted text of one field, in bytes.
inline constexpr size_t kMaxFieldBytes = 1024;

// Validates and converts. Returns false with *err filled when the row must be rejected.
bool ParseEvent(const RawEvent& raw, ParsedEvent* out, RowError* err);

struct InputRow;  // ingest/row_source.h

// A row as a reader split it (CSV or JSON Lines) to a validated event: the reader's own error for the row
// first (an unbalanced quote, a malformed JSON object), then every rule of ParseEvent.
bool ParseInputRow(const InputRow& row, ParsedEvent* out, RowError* err);

// "" when s holds no control character and no byte-order mark; otherwise what the first one is
// ("contains a NUL byte", "contains control character 0x01", "contains a byte-order mark (U+FEFF)").
// Ids, names and enums never legitimately hold one (a BOM inside a file is a concatenation accident), and
// the store reserves control characters (a forgotten user's dictionary tombstone starts with 0x01).
std::string ForbiddenCharProblem(std::string_view s);

// True when s is valid UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace aips
