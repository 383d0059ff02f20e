// Reads an input that cannot be mapped (standard input, a pipe, a FIFO) in pieces of whole rows, so that
// an input of any size is ingested in bounded memory (docs/input.md, "Standard input and pipes").
//
// Contract:
// - Start() reads the first bytes (up to one piece) so that the caller can recognise the format
//   (DetectFormat on head()); then SetFormat() says whether rows are CSV or JSON Lines.
// - Next() hands out the input as consecutive pieces that each end at a row boundary (a newline outside
//   quotes for CSV, any newline for JSON Lines; the last piece ends where the input ends). Every CSV piece
//   after the first starts with a copy of the header line, so each piece parses on its own, and
//   `line_offset` maps a line number within the piece to the line of the whole input
//   (input line = piece line + line_offset).
// - ReadAll() instead returns the whole input at once (side tables, which are kept whole anyway).
// - A read error ends the pieces; status() then says what failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aips/status.h"

namespace aips {

struct InputPiece {
  std::string_view data;    // valid until the next Next()
  int64_t line_offset = 0;  // input line = line within `data` + line_offset
};

class InputStream {
 public:
  static constexpr size_t kDefaultPieceBytes = size_t{64} << 20;
  // Reads from `fd` (not closed here); `name` names the input in errors.
  InputStream(int fd, std::string name, size_t piece_bytes = kDefaultPieceBytes)
      : fd_(fd), name_(std::move(name)), piece_bytes_(piece_bytes < 64 ? 64 : piece_bytes) {}

  Status Start();
  std::string_view head() const { return buf_; }
  void SetFormat(bool jsonl) { jsonl_ = jsonl; }
  bool Next(InputPiece* piece);
  Result<std::string> ReadAll();
  const Status& status() const { return status_; }

 private:
  // Reads until buf_ holds `want` bytes or the input ends; false on a read error (status_).
  bool Fill(size_t want);
  // The end of the last whole row of buf_[from, size) (npos: none).
  size_t RowsEnd(size_t from) const;

  int fd_;
  std::string name_;
  size_t piece_bytes_;
  bool jsonl_ = false, eof_ = false, started_ = false, first_ = true, done_ = false;
  std::string buf_;     // the current piece: [header][rows]
  std::string header_;  // CSV: the header line, with its newline
  std::string carry_;   // bytes read past the current piece's last row
  uint64_t lines_ = 0;  // lines handed out so far
  Status status_;
};

}  // namespace aips
