#include "ingest/csv_reader.h"

#include <cstring>

namespace aips {

CsvReader::CsvReader(std::string_view data) : data_(data) {
  if (data_.size() >= 3 && data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

// Long on purpose: the RFC 4180 state machine is one loop over the bytes (the ingest hot path; split
// into calls it measured slower), every state visible at once.
bool CsvReader::Next(CsvRecord* rec) {
  rec->fields.clear();
  rec->error.clear();
  const char* d = data_.data();
  const size_t n = data_.size();
  // Skip blank lines.
  while (pos_ < n && (d[pos_] == '\n' || (d[pos_] == '\r' && pos_ + 1 < n && d[pos_ + 1] == '\n'))) {
    pos_ += d[pos_] == '\r' ? 2 : 1;
    ++line_;
  }
  if (pos_ >= n) return false;
  const size_t start = pos_;
  rec->line = line_;
  // Fast path: find the end of line; if the line has no quote, split it in place.
  const char* nl = static_cast<const char*>(memchr(d + pos_, '\n', n - pos_));
  size_t eol = nl ? static_cast<size_t>(nl - d) : n;
  size_t end = eol;
  if (end > pos_ && d[end - 1] == '\r') --end;
  if (memchr(d + pos_, '"', end - pos_) == nullptr) {
    size_t f = pos_;
    for (;;) {
      const char* c = static_cast<const char*>(memchr(d + f, ',', end - f));
      if (c == nullptr) {
        rec->fields.emplace_back(d + f, end - f);
        break;
      }
      rec->fields.emplace_back(d + f, static_cast<size_t>(c - d) - f);
      f = static_cast<size_t>(c - d) + 1;
    }
    rec->raw = std::string_view(d + start, end - start);
    pos_ = eol < n ? eol + 1 : n;
    ++line_;
    return true;
  }
  // Slow path: quotes. Unescaped field text goes to scratch_, which is sized up front so views stay valid.
  scratch_.clear();
  scratch_.reserve(n - pos_ < (1u << 20) ? n - pos_ : (eol - pos_) * 2 + 16);
  std::vector<std::pair<size_t, size_t>> spans;  // offsets into scratch_
  size_t p = pos_;
  uint64_t lines_in_record = 0;
  bool ok = true;
  for (;;) {
    size_t field_start = scratch_.size();
    if (p < n && d[p] == '"') {
      ++p;
      bool closed = false;
      while (p < n) {
        char c = d[p];
        if (c == '"') {
          if (p + 1 < n && d[p + 1] == '"') {
            scratch_.push_back('"');
            p += 2;
            continue;
          }
          ++p;
          closed = true;
          break;
        }
        if (c == '\n') ++lines_in_record;
        scratch_.push_back(c);
        ++p;
      }
      if (!closed) {
        ok = false;
        rec->error = "unbalanced quote: a quoted field is never closed";
        break;
      }
      // After a closing quote: a separator, a line end, or end of input.
      if (p < n && d[p] != ',' && d[p] != '\n' && !(d[p] == '\r' && (p + 1 == n || d[p + 1] == '\n'))) {
        ok = false;
        rec->error = "text after a closing quote (quotes inside a field must be doubled)";
        break;
      }
    } else {
      while (p < n && d[p] != ',' && d[p] != '\n') {
        if (d[p] == '\r' && (p + 1 == n || d[p + 1] == '\n')) break;
        scratch_.push_back(d[p]);
        ++p;
      }
    }
    spans.emplace_back(field_start, scratch_.size() - field_start);
    if (p < n && d[p] == ',') {
      ++p;
      continue;
    }
    if (p < n && d[p] == '\r') ++p;
    size_t rec_end = p;
    if (p < n && d[p] == '\n') ++p;
    rec->raw = std::string_view(d + start, rec_end - start);
    if (!rec->raw.empty() && rec->raw.back() == '\r') rec->raw.remove_suffix(1);
    pos_ = p;
    line_ += lines_in_record + 1;
    break;
  }
  if (!ok) {
    // Resume after the first physical line of the bad record.
    rec->raw = std::string_view(d + start, end - start);
    pos_ = eol < n ? eol + 1 : n;
    ++line_;
    return true;
  }
  for (auto [off, len] : spans) rec->fields.emplace_back(scratch_.data() + off, len);
  return true;
}

}  // namespace aips
