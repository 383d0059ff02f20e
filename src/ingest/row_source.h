// Turns one input file (CSV or JSON Lines) into rows of named fields, with line numbers and the raw
// text for the reject file. The format is recognised from the content: JSON Lines when the first
// non-blank byte is '{', CSV with a header otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"
#include "ingest/tables.h"

namespace aips {

// One input row with its fields resolved to the columns of a table schema.
struct InputRow {
  uint64_t line = 0;
  std::string_view raw;
  std::vector<std::string_view> value;  // by schema column
  std::vector<bool> present;
  std::vector<bool> is_number;  // JSON numbers (value is the number's text)
  std::string error;            // non-empty: the row could not be split into fields
  std::string error_field;
};

struct FileFormat {
  bool jsonl = false;
  TableKind kind = TableKind::kEvents;
  std::vector<std::string> ignored_columns;  // CSV header names no column of the schema uses
};

// Recognises the format and table kind of `data`. `forced` overrides the header-based detection.
// InvalidArgument when the kind cannot be told ("cannot tell which table ...; use --kind").
Result<FileFormat> DetectFormat(std::string_view data, std::optional<TableKind> forced,
                                const std::string& name);

// Calls fn for every data row. `progress` (may be empty) receives the bytes consumed so far.
void ForEachRow(std::string_view data, const FileFormat& fmt, const std::function<void(const InputRow&)>& fn,
                const std::function<void(size_t)>& progress);

}  // namespace aips
