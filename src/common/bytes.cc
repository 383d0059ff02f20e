#include "common/bytes.h"

#include "fmt/format.h"
#include "xxhash.h"

namespace aips {

uint64_t Hash64(std::string_view data) { return XXH3_64bits(data.data(), data.size()); }

Status ByteReader::Truncated() const {
  return Status::Corruption(fmt::format("{}: truncated at byte {}", what_, pos_));
}

Status ByteReader::Varint(uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return Truncated();
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    r |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      *v = r;
      return Status::OK();
    }
  }
  return Status::Corruption(fmt::format("{}: bad varint at byte {}", what_, pos_));
}

Status ByteReader::StrView(std::string_view* s) {
  uint64_t n;
  AIPS_RETURN_IF_ERROR(Varint(&n));
  if (n > remaining()) return Truncated();
  *s = data_.substr(pos_, n);
  pos_ += n;
  return Status::OK();
}

Status ByteReader::Str(std::string* s) {
  std::string_view v;
  AIPS_RETURN_IF_ERROR(StrView(&v));
  s->assign(v);
  return Status::OK();
}

Status ByteReader::Bytes(size_t n, std::string_view* out) {
  if (n > remaining()) return Truncated();
  *out = data_.substr(pos_, n);
  pos_ += n;
  return Status::OK();
}

std::string Frame(std::string_view magic8, uint32_t version, std::string_view payload) {
  ByteWriter w;
  w.Reserve(24 + payload.size() + 8);
  w.Bytes(magic8.substr(0, 8));
  w.U32(version);
  w.U32(0);
  w.U64(payload.size());
  w.Bytes(payload);
  w.U64(Hash64(w.buffer()));
  return w.Take();
}

Result<std::string_view> Unframe(std::string_view file, std::string_view magic8, uint32_t version,
                                 const std::string& name, uint32_t* version_out) {
  constexpr size_t kHeader = 24, kTrailer = 8;
  if (file.size() < kHeader + kTrailer) {
    return Status::Corruption(fmt::format("{}: file too short ({} bytes)", name, file.size()));
  }
  if (file.substr(0, 8) != magic8.substr(0, 8)) {
    return Status::Corruption(fmt::format("{}: not an aips file of this kind (bad magic)", name));
  }
  uint32_t v;
  uint64_t len, sum;
  std::memcpy(&v, file.data() + 8, 4);
  std::memcpy(&len, file.data() + 16, 8);
  if (version_out != nullptr ? (v < 1 || v > version) : v != version) {
    return Status::Corruption(fmt::format("{}: format version {} (this build reads {})", name, v, version));
  }
  if (len != file.size() - kHeader - kTrailer) {
    return Status::Corruption(fmt::format("{}: length mismatch (truncated or extended file)", name));
  }
  std::memcpy(&sum, file.data() + file.size() - kTrailer, 8);
  if (sum != Hash64(file.substr(0, file.size() - kTrailer))) {
    return Status::Corruption(fmt::format("{}: checksum mismatch", name));
  }
  if (version_out != nullptr) *version_out = v;
  return file.substr(kHeader, len);
}

}  // namespace aips
