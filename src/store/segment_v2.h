// The brand block of a day segment v2 (`AIPSSEG2`, docs/formats.md §4): column encodings of one brand's
// rows, about 6–7 bytes per row instead of v1's 40.
//
// EncodeBlockV2 takes the rows of one brand, sorted with SegmentOrder, and appends the block; the block
// ends with kUnpackSlack zero bytes so that bit-unpacking never reads past it.
//
// DecodeBlockV2 checks every count, width, table code and length against the block's bytes and returns
// Corruption (the reason only; callers add the file and brand) instead of reading outside them. On success
// the BrandBlock owns its columns (BrandBlock::owner), so it stays valid after the segment is closed and
// several can be held at once. It does not verify the checksum: Segment::Block does that first. Only the
// columns in `cols` (BlockColumns) are decoded, the others are null; with kColAll every byte of the block
// is read and checked. Column storage is recycled per thread: each thread keeps the last few buffers its
// BrandBlocks released (at most 4, each the size of a block's columns, 36 bytes per row).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "aips/status.h"
#include "store/segment.h"

namespace aips {

void EncodeBlockV2(std::span<const EventRow> rows, std::string* out);

Result<BrandBlock> DecodeBlockV2(std::string_view block, uint64_t rows, uint32_t cols = kColAll);

}  // namespace aips
