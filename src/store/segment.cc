#include "store/segment.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <tuple>

#include "common/bytes.h"
#include "common/store_format.h"
#include "fmt/format.h"
#include "store/segment_v2.h"

namespace aips {

namespace {
constexpr char kMagicV1[9] = "AIPSSEG1";
constexpr char kMagicV2[9] = "AIPSSEG2";
constexpr size_t kHeaderSize = 48;
// Bytes per row of a v1 block. It counts five u32 columns where v1 writes four: the last 4 bytes per row
// are zeros, kept so that v1 files stay readable.
constexpr size_t kRowBytes = 8 + 8 + 4 * 5 + 2 + 1 + 1;

// Index entries as stored.
struct EntryV1 {
  uint32_t brand, pad;
  uint64_t offset, rows, checksum;
};
struct EntryV2 {
  uint32_t brand, flags;
  uint64_t offset, rows, length, checksum;
};
static_assert(sizeof(EntryV1) == 32 && sizeof(EntryV2) == 40);

size_t BlockBytes(size_t n) { return (n * kRowBytes + 7) / 8 * 8; }

BrandBlock LayOut(const char* base, size_t n) {
  BrandBlock b;
  b.n = n;
  const char* p = base;
  b.ts = reinterpret_cast<const int64_t*>(p), p += 8 * n;
  b.amount = reinterpret_cast<const int64_t*>(p), p += 8 * n;
  b.user = reinterpret_cast<const uint32_t*>(p), p += 4 * n;
  b.spu = reinterpret_cast<const uint32_t*>(p), p += 4 * n;
  b.campaign = reinterpret_cast<const uint32_t*>(p), p += 4 * n;
  b.note = reinterpret_cast<const uint32_t*>(p), p += 4 * n;
  b.channel = reinterpret_cast<const uint16_t*>(p), p += 2 * n;
  b.action = reinterpret_cast<const uint8_t*>(p), p += n;
  b.sentiment = reinterpret_cast<const uint8_t*>(p);
  return b;
}
}  // namespace

bool SegmentOrder(const EventRow& a, const EventRow& b) {
  // The key the readers rely on, then every other column: a total order, so that the same rows make the
  // same segment bytes whatever order they arrived in (spilled runs merged, or one run held in memory).
  return std::tie(a.brand, a.spu, a.user, a.ts, a.action, a.sentiment, a.channel, a.amount, a.campaign,
                  a.note) < std::tie(b.brand, b.spu, b.user, b.ts, b.action, b.sentiment, b.channel, b.amount,
                                     b.campaign, b.note);
}

std::string EncodeSegment(Day day, std::span<const EventRow> rows) {
  // Header: magic[8] version u32 day i32 rows u64 n_blocks u32 pad u32 index_offset u64 header_sum u64.
  const bool v1 = WriteOldFormats();
  std::string out(kHeaderSize, '\0');
  std::vector<EntryV1> index1;
  std::vector<EntryV2> index2;
  size_t i = 0;
  while (i < rows.size()) {
    size_t j = i;
    while (j < rows.size() && rows[j].brand == rows[i].brand) ++j;
    const size_t n = j - i;
    const size_t offset = out.size();
    if (v1) {
      out.resize(offset + BlockBytes(n), '\0');
      char* p = out.data() + offset;
      auto put = [&](auto member) {
        for (size_t k = i; k < j; ++k) {
          auto v = rows[k].*member;
          std::memcpy(p, &v, sizeof v);
          p += sizeof v;
        }
      };
      put(&EventRow::ts);
      put(&EventRow::amount);
      put(&EventRow::user);
      put(&EventRow::spu);
      put(&EventRow::campaign);
      put(&EventRow::note);
      put(&EventRow::channel);
      put(&EventRow::action);
      put(&EventRow::sentiment);
      index1.push_back(
          {rows[i].brand, 0, offset, n, Hash64(std::string_view(out).substr(offset, BlockBytes(n)))});
    } else {
      EncodeBlockV2(rows.subspan(i, n), &out);
      const size_t length = out.size() - offset;
      index2.push_back(
          {rows[i].brand, 0, offset, n, length, Hash64(std::string_view(out).substr(offset, length))});
    }
    i = j;
  }
  const uint64_t index_offset = out.size();
  if (v1) {
    for (const EntryV1& e : index1) out.append(reinterpret_cast<const char*>(&e), sizeof e);
  } else {
    for (const EntryV2& e : index2) out.append(reinterpret_cast<const char*>(&e), sizeof e);
  }
  uint64_t index_sum = Hash64(std::string_view(out).substr(index_offset));
  out.append(reinterpret_cast<const char*>(&index_sum), 8);
  // Header.
  ByteWriter h;
  h.Bytes(std::string_view(v1 ? kMagicV1 : kMagicV2, 8));
  h.U32(v1 ? 1 : 2);
  h.I32(day);
  h.U64(rows.size());
  h.U32(static_cast<uint32_t>(v1 ? index1.size() : index2.size()));
  h.U32(0);
  h.U64(index_offset);
  std::memcpy(out.data(), h.buffer().data(), 40);
  uint64_t header_sum = Hash64(std::string_view(out).substr(0, 40));
  std::memcpy(out.data() + 40, &header_sum, 8);
  return out;
}

Result<Segment> Segment::Open(const std::string& path, Day day) {
  Segment s;
  s.path_ = path;
  AIPS_ASSIGN_OR_RETURN(s.file_, MappedFile::Open(path));
  std::string_view f = s.file_.view();
  auto corrupt = [&](const char* why) { return Status::Corruption(fmt::format("{}: {}", path, why)); };
  if (f.size() < kHeaderSize + 8) return corrupt("file too short");
  const std::string_view magic = f.substr(0, 8);
  if (magic != std::string_view(kMagicV1, 8) && magic != std::string_view(kMagicV2, 8)) {
    return corrupt("not a segment file (bad magic)");
  }
  uint64_t header_sum;
  std::memcpy(&header_sum, f.data() + 40, 8);
  if (header_sum != Hash64(f.substr(0, 40))) return corrupt("header checksum mismatch");
  uint32_t version, n_blocks;
  int32_t file_day;
  uint64_t index_offset;
  std::memcpy(&version, f.data() + 8, 4);
  std::memcpy(&file_day, f.data() + 12, 4);
  std::memcpy(&s.rows_, f.data() + 16, 8);
  std::memcpy(&n_blocks, f.data() + 24, 4);
  std::memcpy(&index_offset, f.data() + 32, 8);
  if (version != (magic == std::string_view(kMagicV1, 8) ? 1u : 2u))
    return corrupt("unsupported segment version");
  if (file_day != day) return corrupt("segment day does not match its name");
  s.version_ = version;
  const uint64_t index_bytes = uint64_t{n_blocks} * (version == 1 ? sizeof(EntryV1) : sizeof(EntryV2));
  if (index_offset < kHeaderSize || index_offset > f.size() || f.size() - index_offset != index_bytes + 8) {
    return corrupt("index out of bounds (truncated file?)");
  }
  uint64_t index_sum;
  std::memcpy(&index_sum, f.data() + index_offset + index_bytes, 8);
  if (index_sum != Hash64(f.substr(index_offset, index_bytes))) return corrupt("index checksum mismatch");
  s.index_.resize(n_blocks);
  for (uint32_t k = 0; k < n_blocks; ++k) {
    IndexEntry& e = s.index_[k];
    if (version == 1) {
      EntryV1 v;
      std::memcpy(&v, f.data() + index_offset + k * sizeof v, sizeof v);
      if (v.offset % 8 != 0 || v.rows > index_offset) return corrupt("block out of bounds");
      e = {v.brand, v.offset, v.rows, BlockBytes(v.rows), v.checksum};
    } else {
      EntryV2 v;
      std::memcpy(&v, f.data() + index_offset + k * sizeof v, sizeof v);
      e = {v.brand, v.offset, v.rows, v.length, v.checksum};
    }
    if (e.offset < kHeaderSize || e.offset > index_offset || e.length > index_offset - e.offset) {
      return corrupt("block out of bounds");
    }
    if (k > 0 && e.brand <= s.index_[k - 1].brand) return corrupt("index not sorted by brand");
  }
  uint64_t total = 0;
  for (const IndexEntry& e : s.index_) {
    if (e.rows > s.rows_) return corrupt("row count mismatch");
    total += e.rows;
  }
  if (total != s.rows_) return corrupt("row count mismatch");
  s.day_ = day;
  return s;
}

Result<BrandBlock> Segment::Block(uint32_t brand, uint32_t cols) const {
  auto it = std::lower_bound(index_.begin(), index_.end(), brand,
                             [](const IndexEntry& e, uint32_t b) { return e.brand < b; });
  if (it == index_.end() || it->brand != brand) return BrandBlock{};
  std::string_view f = file_.view();
  std::string_view bytes = f.substr(it->offset, it->length);
  if (Hash64(bytes) != it->checksum) {
    return Status::Corruption(fmt::format("{}: checksum mismatch in the block of brand #{}", path_, brand));
  }
  if (version_ == 1) return LayOut(bytes.data(), it->rows);
  auto block = DecodeBlockV2(bytes, it->rows, cols);
  if (!block.ok()) {
    return Status::Corruption(
        fmt::format("{}: damaged block of brand #{}: {}", path_, brand, block.status().message()));
  }
  return block;
}

std::vector<uint32_t> Segment::Brands() const {
  std::vector<uint32_t> out;
  for (auto& e : index_) out.push_back(e.brand);
  return out;
}

Status Segment::VerifyAll() const {
  for (auto& e : index_) {
    auto b = Block(e.brand);
    if (!b.ok()) return b.status();
  }
  return Status::OK();
}

}  // namespace aips
