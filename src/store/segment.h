// Day segments: one local day's events from one ingest, columnar, grouped by brand (docs/formats.md §4).
//
// Within a segment, rows are sorted by (brand, spu, user, ts); each brand's rows form one block of
// columns with its own checksum, and an index at the end maps brand -> block. Reading one brand's day
// touches only that block (and the index).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"
#include "common/date.h"
#include "common/file_util.h"

namespace aips {

// One event as the store keeps it. Names are dictionary ids (kNoId when absent).
struct EventRow {
  int64_t ts;
  int64_t amount;  // micro-units
  uint32_t user, brand, spu, campaign, note;
  uint16_t channel;
  uint8_t action, sentiment;
};

// Orders rows as a segment stores them: by (brand, spu, user, ts), ties broken by every other column.
bool SegmentOrder(const EventRow& a, const EventRow& b);

// Encodes rows of one day (sorted with SegmentOrder) as a segment file image, format v2 (`AIPSSEG2`).
// Tests only: with the environment variable AIPS_STORE_FORMAT=1 it writes v1 (`AIPSSEG1`) instead, so
// that tests can build directories of the older format. Readers accept both.
std::string EncodeSegment(Day day, std::span<const EventRow> rows);

// One brand's rows in a segment: parallel column arrays of length n. A v1 block points into the mapped
// file (valid while the Segment is open); a decoded v2 block's arrays live in `owner`, which copies of the
// BrandBlock share, so they stay valid as long as any copy exists.
struct BrandBlock {
  size_t n = 0;
  const int64_t* ts = nullptr;
  const int64_t* amount = nullptr;
  const uint32_t* user = nullptr;
  const uint32_t* spu = nullptr;
  const uint32_t* campaign = nullptr;
  const uint32_t* note = nullptr;
  const uint16_t* channel = nullptr;
  const uint8_t* action = nullptr;
  const uint8_t* sentiment = nullptr;
  std::shared_ptr<const void> owner;  // storage of decoded columns (v2); null for v1
};

// Columns a reader asks of a block (Segment::Block). A v2 block decodes only those (and what it must pass
// through to reach them); the arrays of the others may be null. v1 blocks always give every column.
enum BlockColumns : uint32_t {
  kColTs = 1,
  kColAmount = 2,
  kColUser = 4,
  kColSpu = 8,
  kColCampaign = 16,
  kColNote = 32,
  kColKind = 64,  // action, channel and sentiment
  kColAll = 127,
};

// Appends the block's rows as EventRows of `brand` (to re-encode a segment: aips forget, repair, rewrite, and
// ingest merging its spilled runs). `Rows` is any std::vector of EventRow (whatever its allocator).
template <typename Rows>
void AppendRows(const BrandBlock& b, uint32_t brand, Rows* out) {
  // Grow geometrically: a day's rows are appended block after block, and reserving exactly each time would
  // copy everything appended so far once per block.
  if (out->capacity() < out->size() + b.n) out->reserve(std::max(out->size() + b.n, 2 * out->capacity()));
  for (size_t i = 0; i < b.n; ++i) {
    out->push_back(EventRow{b.ts[i], b.amount[i], b.user[i], brand, b.spu[i], b.campaign[i], b.note[i],
                            b.channel[i], b.action[i], b.sentiment[i]});
  }
}

class Segment {
 public:
  // Maps the file and verifies its header, index and index checksum. `day` must match the header.
  static Result<Segment> Open(const std::string& path, Day day);
  Day day() const { return day_; }
  uint64_t rows() const { return rows_; }
  // The format version of the file (1 or 2).
  uint32_t version() const { return version_; }
  // The brand's block (n == 0 when the brand has no rows this day); verifies the block's checksum. A v2
  // block is decoded (and validated) into storage the BrandBlock owns; damage gives Corruption naming
  // the file and brand. `cols` (BlockColumns) limits what a v2 block decodes.
  Result<BrandBlock> Block(uint32_t brand, uint32_t cols = kColAll) const;
  // Every brand that has rows here.
  std::vector<uint32_t> Brands() const;
  // Verifies every block (for `aips check`); v2 blocks are fully decoded.
  Status VerifyAll() const;
  // Appends every row, brand by brand (AppendRows); the first damaged block's Corruption otherwise.
  template <typename Rows>
  Status AppendAllRows(Rows* out) const {
    for (uint32_t b : Brands()) {
      AIPS_ASSIGN_OR_RETURN(BrandBlock blk, Block(b));
      AppendRows(blk, b, out);
    }
    return Status::OK();
  }

 private:
  struct IndexEntry {
    uint32_t brand;
    uint64_t offset;
    uint64_t rows;
    uint64_t length;  // bytes of the block
    uint64_t checksum;
  };
  std::string path_;
  MappedFile file_;
  Day day_ = kNoDay;
  uint32_t version_ = 0;
  uint64_t rows_ = 0;
  std::vector<IndexEntry> index_;
};

}  // namespace aips
