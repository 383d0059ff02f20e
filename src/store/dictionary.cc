#include "store/dictionary.h"

#include <cstring>

#include "common/bytes.h"
#include "common/compress.h"
#include "common/file_util.h"
#include "common/hash_tables.h"
#include "common/store_format.h"
#include "fmt/format.h"

namespace aips {

namespace {
constexpr uint32_t kChunkMagic = 0x4B434431;        // "1DCK": the names as they are
constexpr uint32_t kPackedChunkMagic = 0x4B434432;  // "2DCK": raw_len u64 + one zstd frame of the names
// Chunks whose names take fewer bytes stay plain (a daily ingest adding a few names gains nothing).
constexpr size_t kPackFrom = 4096;
constexpr size_t kBlock = 1 << 20;
}  // namespace

std::string_view Dictionary::Store(std::string_view name) {
  if (block_size_ - block_used_ < name.size()) {
    size_t sz = std::max(kBlock, name.size());
    blocks_.emplace_back(new char[sz]);
    block_size_ = sz;
    block_used_ = 0;
  }
  char* p = blocks_.back().get() + block_used_;
  if (!name.empty()) std::memcpy(p, name.data(), name.size());
  block_used_ += name.size();
  return {p, name.size()};
}

Result<bool> DictionaryNeedsRewrite(const std::string& path, DictInfo committed) {
  if (committed.bytes == 0) return false;
  AIPS_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  std::string_view all = file.view();
  if (all.size() < committed.bytes)
    return Status::Corruption(fmt::format("{}: shorter than committed", path));
  size_t pos = 0, chunks = 0;
  bool large_plain = false;
  while (pos + 24 <= committed.bytes) {
    uint32_t magic;
    uint64_t len;
    std::memcpy(&magic, all.data() + pos, 4);
    std::memcpy(&len, all.data() + pos + 8, 8);
    if (len > committed.bytes - pos - 24)
      return Status::Corruption(fmt::format("{}: bad chunk header at byte {}", path, pos));
    large_plain |= magic == kChunkMagic && len >= kPackFrom;
    ++chunks;
    pos += 24 + len;
  }
  return chunks > 1 || large_plain;
}

void Dictionary::EnsureIndex() const {
  std::call_once(*indexed_, [this] {
    if (index_.empty() && !names_.empty())
      index_ = WithRoomFor<decltype(index_)>(names_.size());  // not reserve(): common/hash_tables.h
    for (uint32_t id = 0; id < names_.size(); ++id) {
      if (!index_.emplace(names_[id], id).second && !duplicate_) duplicate_ = id;
    }
  });
}

Status Dictionary::VerifyUnique(const std::string& path) const {
  EnsureIndex();
  if (duplicate_)
    return Status::Corruption(fmt::format("{}: name '{}' appears twice", path, names_[*duplicate_]));
  return Status::OK();
}

std::optional<uint32_t> Dictionary::Find(std::string_view name) const {
  EnsureIndex();
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

uint32_t Dictionary::GetOrAdd(std::string_view name) {
  EnsureIndex();
  auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  std::string_view stored = Store(name);
  uint32_t id = static_cast<uint32_t>(names_.size());
  names_.push_back(stored);
  index_.emplace(stored, id);
  return id;
}

Result<Dictionary> Dictionary::Load(const std::string& path, DictInfo committed) {
  Dictionary d;
  if (committed.bytes == 0) return d;
  AIPS_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  std::string_view all = file.view();
  if (all.size() < committed.bytes) {
    return Status::Corruption(
        fmt::format("{}: shorter ({} bytes) than committed ({} bytes)", path, all.size(), committed.bytes));
  }
  all = all.substr(0, committed.bytes);
  d.names_.reserve(committed.count);
  size_t pos = 0;
  std::string unpacked;  // a packed chunk's names
  while (pos < all.size()) {
    if (all.size() - pos < 24)
      return Status::Corruption(fmt::format("{}: truncated chunk at byte {}", path, pos));
    uint32_t magic, count;
    uint64_t len, sum;
    std::memcpy(&magic, all.data() + pos, 4);
    std::memcpy(&count, all.data() + pos + 4, 4);
    std::memcpy(&len, all.data() + pos + 8, 8);
    if ((magic != kChunkMagic && magic != kPackedChunkMagic) || len > all.size() - pos - 24) {
      return Status::Corruption(fmt::format("{}: bad chunk header at byte {}", path, pos));
    }
    std::string_view body = all.substr(pos + 16, len);
    std::memcpy(&sum, all.data() + pos + 16 + len, 8);
    if (sum != Hash64(all.substr(pos, 16 + len))) {
      return Status::Corruption(fmt::format("{}: checksum mismatch in chunk at byte {}", path, pos));
    }
    if (magic == kPackedChunkMagic) {
      uint64_t raw_len = 0;
      if (body.size() < 8)
        return Status::Corruption(fmt::format("{}: truncated chunk at byte {}", path, pos));
      std::memcpy(&raw_len, body.data(), 8);
      AIPS_RETURN_IF_ERROR(ZstdDecompress(body.substr(8), raw_len,
                                          fmt::format("{} (chunk at byte {})", path, pos), &unpacked));
      body = unpacked;
    }
    ByteReader r(body, path);
    for (uint32_t i = 0; i < count; ++i) {
      std::string_view name;
      AIPS_RETURN_IF_ERROR(r.StrView(&name));
      std::string_view stored = d.Store(name);
      uint32_t id = static_cast<uint32_t>(d.names_.size());
      d.names_.push_back(stored);
      if (IsTombstone(stored)) d.tombstoned_.push_back(id);
    }
    if (!r.done())
      return Status::Corruption(fmt::format("{}: trailing bytes in chunk at byte {}", path, pos));
    pos += 24 + len;
  }
  if (d.names_.size() != committed.count) {
    return Status::Corruption(
        fmt::format("{}: {} entries, manifest says {}", path, d.names_.size(), committed.count));
  }
  d.committed_ = committed;
  return d;
}

namespace {
// One chunk holding names[from, end): packed with zstd from kPackFrom bytes of names on.
std::string EncodeChunk(const std::vector<std::string_view>& names, size_t from) {
  ByteWriter body;
  for (size_t i = from; i < names.size(); ++i) body.Str(names[i]);
  uint32_t magic = kChunkMagic;
  if (body.size() >= kPackFrom && !WriteOldFormats()) {
    if (Result<std::string> packed = ZstdCompress(body.buffer()); packed.ok()) {
      ByteWriter p;
      p.U64(body.size());
      p.Bytes(packed.value());
      body = std::move(p);
      magic = kPackedChunkMagic;
    }
  }
  ByteWriter chunk;
  chunk.U32(magic);
  chunk.U32(static_cast<uint32_t>(names.size() - from));
  chunk.U64(body.size());
  chunk.Bytes(body.buffer());
  chunk.U64(Hash64(chunk.buffer()));
  return std::move(chunk).Take();
}
}  // namespace

Result<DictInfo> Dictionary::Flush(const std::string& path) {
  if (!has_pending()) return committed_;
  const std::string chunk = EncodeChunk(names_, committed_.count);
  AIPS_RETURN_IF_ERROR(WriteAt(path, committed_.bytes, chunk));
  return DictInfo{static_cast<uint32_t>(names_.size()), committed_.bytes + chunk.size(), committed_.file_gen};
}

void Dictionary::Tombstone(uint32_t id) {
  const std::string tomb = fmt::format("{}{}", kTombstonePrefix, id);
  if (names_[id] == tomb) return;
  EnsureIndex();
  index_.erase(names_[id]);
  names_[id] = Store(tomb);
  index_.emplace(names_[id], id);
  tombstoned_.push_back(id);
}

Result<DictInfo> Dictionary::WriteWhole(const std::string& path, uint64_t file_gen) {
  const std::string chunk = names_.empty() ? std::string() : EncodeChunk(names_, 0);
  AIPS_RETURN_IF_ERROR(WriteFileAtomic(path, chunk));
  return DictInfo{static_cast<uint32_t>(names_.size()), chunk.size(), file_gen};
}

}  // namespace aips
