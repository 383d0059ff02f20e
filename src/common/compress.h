// General-purpose compression (zstd, Debian's libzstd) for the store's files that are read whole and
// rarely: dictionary chunks and framed tables (docs/formats.md §2, §3). Day segments, id runs and
// snapshots are not compressed here; they are memory-mapped and use their own column encodings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "aips/status.h"

namespace aips {

// zstd level used for the store's files: ratio close to level 9 on names and tables, ~300 MB/s.
inline constexpr int kStoreZstdLevel = 3;

// One zstd frame holding `raw` (its content size recorded in the frame header). Fails only when zstd
// cannot get its working memory.
Result<std::string> ZstdCompress(std::string_view raw, int level = kStoreZstdLevel);

// Decompresses one zstd frame that must hold exactly `raw_len` bytes into *out (replacing its contents).
// Anything else (a damaged frame, a frame of another size, trailing bytes) is Corruption naming `name`;
// `raw_len` above kMaxRawBytes is refused before any allocation.
Status ZstdDecompress(std::string_view frame, uint64_t raw_len, const std::string& name, std::string* out);
inline constexpr uint64_t kMaxRawBytes = uint64_t{1} << 36;  // 64 GiB

// Framed tables (docs/formats.md §2): version 1 holds the payload as it is; version 2 holds
// `raw_len u64` and one zstd frame of the payload. FrameCompressed writes version 2 (version 1 if zstd
// could not compress, which readers accept as well, or under AIPS_STORE_FORMAT=1: common/store_format.h).
std::string FrameCompressed(std::string_view magic8, std::string_view payload);
// Reads a framed table of either version: verifies magic, version and checksum (common/bytes.h Unframe),
// and for version 2 decompresses into *buf. The returned view points into `file` (version 1) or *buf.
Result<std::string_view> UnframeCompressed(std::string_view file, std::string_view magic8,
                                           const std::string& name, std::string* buf);

}  // namespace aips
