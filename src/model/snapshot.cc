#include "model/snapshot.h"

#include <algorithm>
#include <cstring>

#include "common/bytes.h"
#include "fmt/format.h"
#include "model/snapshot_codes.h"

namespace aips {

namespace {
constexpr std::string_view kMagicV1 = "AIPSSNP1";
constexpr std::string_view kMagicV2 = "AIPSSNP2";

// Sorts user ids: two 16-bit radix passes for long lists (keyframes), std::sort for short ones.
void SortUsers(std::vector<uint32_t>& v) {
  if (v.size() < 512) {  // below this, clearing the 2 x 64 Ki counters costs more than sorting
    std::sort(v.begin(), v.end());
    return;
  }
  thread_local std::vector<uint32_t> tmp;
  thread_local std::vector<uint32_t> count;
  tmp.resize(v.size());
  for (int shift = 0; shift < 32; shift += 16) {
    count.assign(65537, 0);
    for (uint32_t x : v) ++count[((x >> shift) & 0xFFFF) + 1];
    for (size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
    for (uint32_t x : v) tmp[count[(x >> shift) & 0xFFFF]++] = x;
    v.swap(tmp);
  }
}

void AppendBitmap(std::vector<uint32_t>& users, std::string* out) {
  SortUsers(users);
  Roaring r;
  if (!users.empty()) r.addMany(users.size(), users.data());
  r.runOptimize();
  uint32_t len = static_cast<uint32_t>(r.getSizeInBytes(true));
  size_t at = out->size();
  out->resize(at + 4 + len);
  std::memcpy(out->data() + at, &len, 4);
  r.write(out->data() + at + 4, true);
}

// Day entry size in the days table: counts, blob offset, blob length.
size_t DayEntryBytes(int num_stages) { return 4u * static_cast<size_t>(num_stages) + 8 + 4; }
}  // namespace

Roaring AtLeast(const std::vector<Roaring>& members, int s) {
  Roaring r;
  for (size_t i = static_cast<size_t>(s - 1); i < members.size(); ++i) r |= members[i];
  return r;
}

ScopeSnapshotBuilder::ScopeSnapshotBuilder(uint32_t scope, int num_stages, Day first_day, int format)
    : scope_(scope),
      num_stages_(num_stages),
      first_day_(first_day),
      format_(format),
      counts_(static_cast<size_t>(num_stages), 0) {}

void ScopeSnapshotBuilder::AddDay(Day day, const std::vector<StageChange>& changes, const ScopeState& state) {
  const bool keyframe = (day - first_day_) % kKeyframeEvery == 0;
  for (const StageChange& c : changes) {
    if (c.from) --counts_[c.from - 1];
    if (c.to) ++counts_[c.to - 1];
  }
  DayEntry e;
  e.counts = counts_;
  e.blob_offset = blobs_.size();
  const size_t n = static_cast<size_t>(num_stages_);
  if (format_ == 2) {
    thread_local std::vector<uint32_t> users;
    thread_local std::vector<uint8_t> codes;
    users.clear();
    codes.clear();
    if (keyframe) {
      state.ForEachMember([&](uint32_t user, uint8_t stage) {
        users.push_back(user);
        codes.push_back(stage);
      });
    } else {
      for (const StageChange& c : changes) {
        users.push_back(c.user);
        codes.push_back(c.to);
      }
    }
    if (keyframe || !users.empty()) {
      SortByUserKeepLast(&users, &codes);
      PutCodeList(users, codes, num_stages_, &blobs_);
    }
  } else if (keyframe) {
    std::vector<std::vector<uint32_t>> members(n);
    state.ForEachMember([&](uint32_t user, uint8_t stage) { members[stage - 1].push_back(user); });
    for (auto& m : members) AppendBitmap(m, &blobs_);
  } else if (!changes.empty()) {
    std::vector<std::vector<uint32_t>> lists(2 * n);  // adds[s], removes[s]
    for (const StageChange& c : changes) {
      if (c.to) lists[2 * (c.to - 1)].push_back(c.user);
      if (c.from) lists[2 * (c.from - 1) + 1].push_back(c.user);
    }
    for (auto& l : lists) AppendBitmap(l, &blobs_);
  }
  e.blob_len = static_cast<uint32_t>(blobs_.size() - e.blob_offset);
  days_.push_back(std::move(e));
}

void ScopeSnapshotBuilder::AddEmptyDay(Day day) {
  DayEntry e;
  e.counts = counts_;
  e.blob_offset = blobs_.size();
  if ((day - first_day_) % kKeyframeEvery == 0) {
    std::vector<uint32_t> none;
    if (format_ == 2) {
      PutCodeList(none, {}, num_stages_, &blobs_);
    } else {
      for (int s = 0; s < num_stages_; ++s) AppendBitmap(none, &blobs_);
    }
  }
  e.blob_len = static_cast<uint32_t>(blobs_.size() - e.blob_offset);
  days_.push_back(std::move(e));
}

Status ScopeSnapshotBuilder::LoadPrefix(const SnapshotReader& reader) {
  std::vector<SnapshotReader::RawDay> days;
  std::string_view blobs;
  AIPS_RETURN_IF_ERROR(reader.RawScope(scope_, &days, &blobs));
  if (reader.first_day() != first_day_ || reader.num_stages() != num_stages_) {
    return Status::Corruption("snapshot prefix: different first day or stage count");
  }
  if (reader.format() != format_) {
    return Status::Unsupported(
        fmt::format("snapshot prefix: format {} (writing {})", reader.format(), format_));
  }
  blobs_.assign(blobs);
  days_.clear();
  for (auto& d : days) days_.push_back(DayEntry{d.counts, d.offset, d.len});
  if (!days_.empty()) counts_ = days_.back().counts;
  return Status::OK();
}

Status SnapshotReader::RawScope(uint32_t scope, std::vector<RawDay>* days, std::string_view* blobs) const {
  const ScopeIndex* si = Find(scope);
  if (si == nullptr) return Status::NotFound("snapshot has no such scope");
  const size_t n = static_cast<size_t>(num_stages_);
  const size_t entry = DayEntryBytes(num_stages_);
  const size_t n_days = static_cast<size_t>(through_ - first_day_ + 1);
  uint64_t lo = UINT64_MAX, hi = 0;
  days->clear();
  for (size_t d = 0; d < n_days; ++d) {
    const char* p = payload_.data() + si->days_offset + d * entry;
    RawDay rd;
    rd.counts.resize(n);
    std::memcpy(rd.counts.data(), p, 4 * n);
    std::memcpy(&rd.offset, p + 4 * n, 8);
    std::memcpy(&rd.len, p + 4 * n + 8, 4);
    lo = std::min(lo, rd.offset);
    hi = std::max(hi, rd.offset + rd.len);
    days->push_back(std::move(rd));
  }
  if (days->empty()) {
    *blobs = {};
    return Status::OK();
  }
  if (hi > payload_.size() - blobs_offset_) return Status::Corruption(path_ + ": bitmap out of bounds");
  for (auto& d : *days) d.offset -= lo;
  *blobs = payload_.substr(blobs_offset_ + lo, hi - lo);
  return Status::OK();
}

std::string SnapshotWriter::Encode(uint64_t fingerprint, int num_stages, Day first_day, Day through,
                                   const std::vector<std::unique_ptr<ScopeSnapshotBuilder>>& scopes) {
  const size_t n_days = through >= first_day ? static_cast<size_t>(through - first_day + 1) : 0;
  ByteWriter w;
  size_t total = 64 + scopes.size() * (16 + n_days * DayEntryBytes(num_stages));
  for (auto& sc : scopes) total += sc->blobs_.size();
  w.Reserve(total);
  w.U64(fingerprint);
  w.U32(static_cast<uint32_t>(num_stages));
  w.I32(first_day);
  w.I32(through);
  w.U32(kKeyframeEvery);
  w.U32(static_cast<uint32_t>(scopes.size()));
  w.U32(0);
  const size_t table_at = w.size();
  const size_t days_at = table_at + scopes.size() * 16;
  const size_t day_bytes = DayEntryBytes(num_stages);
  uint64_t blob_base = 0;
  for (size_t i = 0; i < scopes.size(); ++i) {
    w.U32(scopes[i]->scope_);
    w.U32(0);
    w.U64(days_at + i * n_days * day_bytes);
  }
  for (auto& sc : scopes) {
    for (size_t d = 0; d < n_days; ++d) {
      const auto& e = sc->days_[d];
      for (uint32_t c : e.counts) w.U32(c);
      w.U64(blob_base + e.blob_offset);
      w.U32(e.blob_len);
    }
    blob_base += sc->blobs_.size();
  }
  for (auto& sc : scopes) w.Bytes(sc->blobs_);
  const int format = scopes.empty() ? WrittenSnapshotFormat() : scopes[0]->format_;
  return format == 2 ? Frame(kMagicV2, 2, w.buffer()) : Frame(kMagicV1, 1, w.buffer());
}

Result<std::unique_ptr<SnapshotReader>> SnapshotReader::Open(const std::string& path) {
  auto r = std::make_unique<SnapshotReader>();
  r->path_ = path;
  AIPS_ASSIGN_OR_RETURN(r->file_, MappedFile::Open(path));
  AIPS_RETURN_IF_ERROR(r->Parse(r->file_.view()));
  return r;
}

Result<std::unique_ptr<SnapshotReader>> SnapshotReader::FromBytes(std::string bytes,
                                                                  const std::string& label) {
  auto r = std::make_unique<SnapshotReader>();
  r->path_ = label;
  r->owned_ = std::move(bytes);
  AIPS_RETURN_IF_ERROR(r->Parse(r->owned_));
  return r;
}

Status SnapshotReader::Parse(std::string_view image) {
  format_ = image.substr(0, 8) == kMagicV1 ? 1 : 2;
  AIPS_ASSIGN_OR_RETURN(
      payload_, format_ == 1 ? Unframe(image, kMagicV1, 1, path_) : Unframe(image, kMagicV2, 2, path_));
  ByteReader br(payload_, path_);
  uint32_t n_stages = 0, every = 0, n_scopes = 0, pad = 0;
  AIPS_RETURN_IF_ERROR(br.U64(&fp_));
  AIPS_RETURN_IF_ERROR(br.U32(&n_stages));
  AIPS_RETURN_IF_ERROR(br.I32(&first_day_));
  AIPS_RETURN_IF_ERROR(br.I32(&through_));
  AIPS_RETURN_IF_ERROR(br.U32(&every));
  AIPS_RETURN_IF_ERROR(br.U32(&n_scopes));
  AIPS_RETURN_IF_ERROR(br.U32(&pad));
  if (n_stages == 0 || n_stages > 16 || every != kKeyframeEvery || through_ < first_day_ - 1) {
    return Status::Corruption(path_ + ": bad header");
  }
  num_stages_ = static_cast<int>(n_stages);
  const size_t n_days = static_cast<size_t>(through_ - first_day_ + 1);
  for (uint32_t i = 0; i < n_scopes; ++i) {
    ScopeIndex si;
    uint32_t p;
    AIPS_RETURN_IF_ERROR(br.U32(&si.scope));
    AIPS_RETURN_IF_ERROR(br.U32(&p));
    AIPS_RETURN_IF_ERROR(br.U64(&si.days_offset));
    scopes_.push_back(si);
  }
  const size_t table_end = br.pos();
  const size_t days_bytes = n_scopes * n_days * DayEntryBytes(num_stages_);
  if (days_bytes > payload_.size() - table_end)
    return Status::Corruption(path_ + ": days table out of bounds");
  blobs_offset_ = table_end + days_bytes;
  for (size_t i = 0; i < scopes_.size(); ++i) {
    if (scopes_[i].days_offset != table_end + i * n_days * DayEntryBytes(num_stages_)) {
      return Status::Corruption(path_ + ": bad scope table");
    }
  }
  std::sort(scopes_.begin(), scopes_.end(), [](auto& a, auto& b) { return a.scope < b.scope; });
  return Status::OK();
}

const SnapshotReader::ScopeIndex* SnapshotReader::Find(uint32_t scope) const {
  auto it = std::lower_bound(scopes_.begin(), scopes_.end(), scope,
                             [](auto& a, uint32_t s) { return a.scope < s; });
  return it != scopes_.end() && it->scope == scope ? &*it : nullptr;
}

bool SnapshotReader::HasScope(uint32_t scope) const { return Find(scope) != nullptr; }

Result<StageCounts> SnapshotReader::Counts(uint32_t scope, Day day) const {
  StageCounts out(static_cast<size_t>(num_stages_), 0);
  if (day > through_)
    return Status::InvalidArgument(fmt::format("{}: day {} not computed", path_, FormatDate(day)));
  const ScopeIndex* si = Find(scope);
  if (si == nullptr || day < first_day_) return out;
  const char* p =
      payload_.data() + si->days_offset + static_cast<size_t>(day - first_day_) * DayEntryBytes(num_stages_);
  std::memcpy(out.data(), p, 4u * out.size());
  return out;
}

Status SnapshotReader::ReadBitmaps(uint64_t blob_offset, uint32_t blob_len, size_t count,
                                   std::vector<Roaring>* out) const {
  if (blob_offset > payload_.size() - blobs_offset_ ||
      blob_len > payload_.size() - blobs_offset_ - blob_offset) {
    return Status::Corruption(path_ + ": bitmap out of bounds");
  }
  const char* p = payload_.data() + blobs_offset_ + blob_offset;
  const char* end = p + blob_len;
  out->clear();
  for (size_t i = 0; i < count; ++i) {
    uint32_t len;
    if (end - p < 4) return Status::Corruption(path_ + ": truncated bitmap");
    std::memcpy(&len, p, 4);
    p += 4;
    if (static_cast<size_t>(end - p) < len) return Status::Corruption(path_ + ": truncated bitmap");
    // Only bytes this engine wrote and checksummed (the frame's checksum) reach here.
    out->push_back(Roaring::readSafe(p, len));
    p += len;
  }
  return Status::OK();
}

Result<std::vector<Roaring>> SnapshotReader::Members(uint32_t scope, Day day) const {
  const size_t n = static_cast<size_t>(num_stages_);
  std::vector<Roaring> members(n);
  if (day > through_)
    return Status::InvalidArgument(fmt::format("{}: day {} not computed", path_, FormatDate(day)));
  const ScopeIndex* si = Find(scope);
  if (si == nullptr || day < first_day_) return members;
  if (format_ == 2) return MembersV2(*si, day);
  const Day key = first_day_ + (day - first_day_) / kKeyframeEvery * kKeyframeEvery;
  uint64_t off;
  uint32_t len;
  BlobOf(*si, key, &off, &len);
  AIPS_RETURN_IF_ERROR(ReadBitmaps(off, len, n, &members));
  std::vector<Roaring> delta;
  for (Day d = key + 1; d <= day; ++d) {
    BlobOf(*si, d, &off, &len);
    if (len == 0) continue;
    AIPS_RETURN_IF_ERROR(ReadBitmaps(off, len, 2 * n, &delta));
    for (size_t s = 0; s < n; ++s) {
      members[s] -= delta[2 * s + 1];
      members[s] |= delta[2 * s];
    }
  }
  return members;
}

Status SnapshotReader::StageCodes(uint32_t scope, Day day, uint8_t* codes, size_t n_codes,
                                  std::vector<uint32_t>* touched) const {
  const size_t n = static_cast<size_t>(num_stages_);
  if (day > through_)
    return Status::InvalidArgument(fmt::format("{}: day {} not computed", path_, FormatDate(day)));
  const ScopeIndex* si = Find(scope);
  if (si == nullptr || day < first_day_) return Status::OK();
  if (format_ == 2) return StageCodesV2(*si, day, codes, n_codes, touched);
  thread_local std::vector<uint32_t> ids;
  auto each = [&](const Roaring& r, auto fn) -> Status {
    ids.resize(r.cardinality());
    r.toUint32Array(ids.data());
    if (!ids.empty() && ids.back() >= n_codes)
      return Status::Corruption(path_ + ": user id beyond the dictionary");
    for (uint32_t u : ids) fn(u);
    return Status::OK();
  };
  const Day key = first_day_ + (day - first_day_) / kKeyframeEvery * kKeyframeEvery;
  uint64_t off;
  uint32_t len;
  std::vector<Roaring> bitmaps;
  BlobOf(*si, key, &off, &len);
  AIPS_RETURN_IF_ERROR(ReadBitmaps(off, len, n, &bitmaps));
  for (size_t s = 0; s < n; ++s) {
    const auto code = static_cast<uint8_t>(s + 1);
    AIPS_RETURN_IF_ERROR(each(bitmaps[s], [&](uint32_t u) {
      codes[u] = code;
      touched->push_back(u);
    }));
  }
  for (Day d = key + 1; d <= day; ++d) {
    BlobOf(*si, d, &off, &len);
    if (len == 0) continue;
    AIPS_RETURN_IF_ERROR(ReadBitmaps(off, len, 2 * n, &bitmaps));
    // As Members: per stage, its removals then its additions.
    for (size_t s = 0; s < n; ++s) {
      const auto code = static_cast<uint8_t>(s + 1);
      AIPS_RETURN_IF_ERROR(each(bitmaps[2 * s + 1], [&](uint32_t u) {
        if (codes[u] == code) codes[u] = 0;
      }));
      AIPS_RETURN_IF_ERROR(each(bitmaps[2 * s], [&](uint32_t u) {
        codes[u] = code;
        touched->push_back(u);
      }));
    }
  }
  return Status::OK();
}

Status SnapshotReader::ReadCodes(uint64_t blob_offset, uint32_t blob_len, bool keyframe,
                                 std::vector<uint32_t>* users, std::vector<uint8_t>* codes) const {
  if (blob_offset > payload_.size() - blobs_offset_ ||
      blob_len > payload_.size() - blobs_offset_ - blob_offset) {
    return Status::Corruption(path_ + ": stage list out of bounds");
  }
  Status st = GetCodeList(payload_.substr(blobs_offset_ + blob_offset, blob_len), num_stages_, keyframe,
                          users, codes);
  if (!st.ok()) return Status::Corruption(path_ + ": " + st.message());
  return Status::OK();
}

void SnapshotReader::BlobOf(const ScopeIndex& si, Day d, uint64_t* off, uint32_t* len) const {
  const char* p = payload_.data() + si.days_offset +
                  static_cast<size_t>(d - first_day_) * DayEntryBytes(num_stages_) +
                  4 * static_cast<size_t>(num_stages_);
  std::memcpy(off, p, 8);
  std::memcpy(len, p + 8, 4);
}

Result<std::vector<Roaring>> SnapshotReader::MembersV2(const ScopeIndex& si, Day day) const {
  const size_t n = static_cast<size_t>(num_stages_);
  // The keyframe's (user, code) list; the deltas' lists joined in day order and reduced to each user's last
  // code; then one merge of the two (both in user order) into per-stage lists.
  thread_local std::vector<uint32_t> users, d_users, all_users;
  thread_local std::vector<uint8_t> codes, d_codes, all_codes;
  const Day key = first_day_ + (day - first_day_) / kKeyframeEvery * kKeyframeEvery;
  uint64_t off;
  uint32_t len;
  BlobOf(si, key, &off, &len);
  AIPS_RETURN_IF_ERROR(ReadCodes(off, len, true, &users, &codes));
  all_users.clear();
  all_codes.clear();
  for (Day d = key + 1; d <= day; ++d) {
    BlobOf(si, d, &off, &len);
    if (len == 0) continue;
    AIPS_RETURN_IF_ERROR(ReadCodes(off, len, false, &d_users, &d_codes));
    all_users.insert(all_users.end(), d_users.begin(), d_users.end());
    all_codes.insert(all_codes.end(), d_codes.begin(), d_codes.end());
  }
  if (key != day) SortByUserKeepLast(&all_users, &all_codes);
  std::vector<std::vector<uint32_t>> lists(n);
  for (auto& l : lists) l.reserve(users.size() / n + 16);
  size_t i = 0, j = 0;
  while (i < users.size() || j < all_users.size()) {
    if (j == all_users.size() || (i < users.size() && users[i] < all_users[j])) {
      lists[codes[i] - 1].push_back(users[i]);
      ++i;
      continue;
    }
    if (i < users.size() && users[i] == all_users[j]) ++i;  // the delta's code replaces the keyframe's
    if (all_codes[j] != 0) lists[all_codes[j] - 1].push_back(all_users[j]);
    ++j;
  }
  std::vector<Roaring> members(n);
  for (size_t s = 0; s < n; ++s)
    if (!lists[s].empty()) members[s].addMany(lists[s].size(), lists[s].data());
  return members;
}

Status SnapshotReader::StageCodesV2(const ScopeIndex& si, Day day, uint8_t* codes, size_t n_codes,
                                    std::vector<uint32_t>* touched) const {
  thread_local std::vector<uint32_t> users;
  thread_local std::vector<uint8_t> list_codes;
  auto apply = [&]() -> Status {
    if (!users.empty() && users.back() >= n_codes)
      return Status::Corruption(path_ + ": user id beyond the dictionary");
    // A user set to 0 (left) was a member the day before, so is already in *touched.
    size_t k = touched->size();
    touched->resize(k + users.size());
    uint32_t* t = touched->data();
    for (size_t i = 0; i < users.size(); ++i) {  // branch-free: leavers' codes are random
      codes[users[i]] = list_codes[i];
      t[k] = users[i];
      k += list_codes[i] != 0;
    }
    touched->resize(k);
    return Status::OK();
  };
  const Day key = first_day_ + (day - first_day_) / kKeyframeEvery * kKeyframeEvery;
  uint64_t off;
  uint32_t len;
  BlobOf(si, key, &off, &len);
  AIPS_RETURN_IF_ERROR(ReadCodes(off, len, true, &users, &list_codes));
  AIPS_RETURN_IF_ERROR(apply());
  for (Day d = key + 1; d <= day; ++d) {
    BlobOf(si, d, &off, &len);
    if (len == 0) continue;
    AIPS_RETURN_IF_ERROR(ReadCodes(off, len, false, &users, &list_codes));
    AIPS_RETURN_IF_ERROR(apply());
  }
  return Status::OK();
}

}  // namespace aips
