#include "common/compress.h"

#include <zstd.h>

#include <cstring>

#include "common/bytes.h"
#include "common/store_format.h"
#include "fmt/format.h"

namespace aips {

Result<std::string> ZstdCompress(std::string_view raw, int level) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) return Status::OutOfMemory(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
  out.resize(n);
  return out;
}

Status ZstdDecompress(std::string_view frame, uint64_t raw_len, const std::string& name, std::string* out) {
  if (raw_len > kMaxRawBytes) {
    return Status::Corruption(fmt::format("{}: compressed block claims {} bytes", name, raw_len));
  }
  const unsigned long long content = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content != raw_len) {
    return Status::Corruption(fmt::format("{}: damaged compressed block (frame size {}, expected {})", name,
                                          content == ZSTD_CONTENTSIZE_ERROR ? 0 : content, raw_len));
  }
  const size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size) || frame_size != frame.size()) {
    return Status::Corruption(fmt::format("{}: damaged compressed block (bad frame length)", name));
  }
  out->resize(raw_len);
  const size_t n = ZSTD_decompress(out->data(), out->size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != raw_len) {
    return Status::Corruption(fmt::format("{}: damaged compressed block ({})", name,
                                          ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short output"));
  }
  return Status::OK();
}

std::string FrameCompressed(std::string_view magic8, std::string_view payload) {
  if (WriteOldFormats()) return Frame(magic8, 1, payload);
  Result<std::string> packed = ZstdCompress(payload);
  if (!packed.ok()) return Frame(magic8, 1, payload);
  ByteWriter w;
  w.U64(payload.size());
  w.Bytes(packed.value());
  return Frame(magic8, 2, w.buffer());
}

Result<std::string_view> UnframeCompressed(std::string_view file, std::string_view magic8,
                                           const std::string& name, std::string* buf) {
  uint32_t version = 0;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, Unframe(file, magic8, 2, name, &version));
  if (version == 1) return payload;
  ByteReader r(payload, name);
  uint64_t raw_len = 0;
  AIPS_RETURN_IF_ERROR(r.U64(&raw_len));
  std::string_view frame;
  AIPS_RETURN_IF_ERROR(r.Bytes(r.remaining(), &frame));
  AIPS_RETURN_IF_ERROR(ZstdDecompress(frame, raw_len, name, buf));
  return std::string_view(*buf);
}

}  // namespace aips
