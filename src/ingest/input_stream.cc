#include "ingest/input_stream.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "fmt/format.h"
#include "ingest/csv_reader.h"

namespace aips {

bool InputStream::Fill(size_t want) {
  constexpr size_t kRead = size_t{1} << 20;
  while (!eof_ && buf_.size() < want) {
    const size_t at = buf_.size();
    buf_.resize(std::min(want, at + kRead));
    ssize_t n = ::read(fd_, buf_.data() + at, buf_.size() - at);
    while (n < 0 && errno == EINTR) n = ::read(fd_, buf_.data() + at, buf_.size() - at);
    if (n < 0) {
      buf_.resize(at);
      status_ = Status::IOError(fmt::format("cannot read {}: {}", name_, std::strerror(errno)));
      return false;
    }
    buf_.resize(at + static_cast<size_t>(n));
    if (n == 0) eof_ = true;
  }
  return true;
}

Status InputStream::Start() {
  started_ = true;
  Fill(piece_bytes_);
  return status_;
}

size_t InputStream::RowsEnd(size_t from) const {
  const char* d = buf_.data();
  const size_t n = buf_.size();
  if (n <= from) return std::string_view::npos;
  const bool quotes = !jsonl_ && std::memchr(d + from, '"', n - from) != nullptr;
  if (!quotes) {
    const void* nl = memrchr(d + from, '\n', n - from);
    return nl ? static_cast<size_t>(static_cast<const char*>(nl) - d) + 1 : std::string_view::npos;
  }
  // A CSV newline inside a quoted field does not end a row: count quotes from the piece's first row.
  size_t last = std::string_view::npos;
  bool quoted = false;
  for (size_t i = from; i < n; ++i) {
    if (d[i] == '"') {
      quoted = !quoted;
    } else if (d[i] == '\n' && !quoted) {
      last = i + 1;
    }
  }
  return last;
}

bool InputStream::Next(InputPiece* piece) {
  if (done_ || !status_.ok()) return false;
  if (!started_ && !Start().ok()) return false;
  size_t from = 0;  // where the rows of this piece start in buf_
  if (first_) {
    // buf_ holds what Start() read; the header record (CSV, read as the row parser reads it: after a
    // BOM and blank lines) is kept for the pieces after this one.
    CsvRecord header;
    if (!jsonl_ && CsvReader(buf_).Next(&header)) header_ = std::string(header.raw) + "\n";
  } else {
    buf_.clear();
    if (!jsonl_) buf_ = header_;
    from = buf_.size();
    buf_ += carry_;
    carry_.clear();
  }
  size_t want = from + piece_bytes_;
  size_t cut = std::string_view::npos;
  for (;;) {
    if (!Fill(want)) return false;
    if (eof_) {
      cut = buf_.size();
      break;
    }
    cut = RowsEnd(from);
    // A stray quote can leave no row end outside quotes: after four pieces' worth, cut at a newline.
    if (cut == std::string_view::npos && want >= from + 4 * piece_bytes_) {
      const void* nl = memrchr(buf_.data() + from, '\n', buf_.size() - from);
      if (nl) cut = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
    }
    if (cut != std::string_view::npos) break;
    want += piece_bytes_;
  }
  carry_.assign(buf_, cut, std::string::npos);
  buf_.resize(cut);
  if (cut == from && eof_) {
    done_ = true;
    if (!first_) return false;
  }
  const auto lines =
      static_cast<uint64_t>(std::count(buf_.begin() + static_cast<ptrdiff_t>(from), buf_.end(), '\n'));
  // A CSV piece after the first starts with the header: its line 2 is the input's line lines_ + 1.
  piece->line_offset = static_cast<int64_t>(lines_) - (first_ || jsonl_ ? 0 : 1);
  piece->data = buf_;
  lines_ += lines;
  first_ = false;
  if (eof_ && carry_.empty()) done_ = true;
  return true;
}

Result<std::string> InputStream::ReadAll() {
  if (!started_) AIPS_RETURN_IF_ERROR(Start());
  if (!Fill(SIZE_MAX)) return status_;
  done_ = true;
  return std::move(buf_);
}

}  // namespace aips
