// An RFC 4180 CSV record reader over an in-memory buffer.
//
// Fields are separated by ',', records end at LF or CRLF, a field may be quoted ("a,b", "say ""hi"""),
// and a quoted field may span lines. A UTF-8 BOM at the very start is skipped. Blank lines are skipped.
// A quoted field that never closes is reported as a bad record and reading resumes on the line after
// the record's first line, so one stray quote cannot swallow the rest of a file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aips {

struct CsvRecord {
  std::vector<std::string_view> fields;  // valid until the next Next() call
  uint64_t line = 0;                     // 1-based physical line where the record starts
  std::string_view raw;                  // the record's bytes as found (without the line end)
  std::string error;                     // non-empty: the record is malformed (fields are not usable)
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view data);
  // Reads the next record. Returns false at end of input.
  bool Next(CsvRecord* rec);
  // Bytes consumed so far (for progress).
  size_t position() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  std::string scratch_;
};

}  // namespace aips
