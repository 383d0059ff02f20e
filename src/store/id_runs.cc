#include "store/id_runs.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "common/bytes.h"
#include "common/hash_tables.h"
#include "common/huge_alloc.h"
#include "common/store_format.h"
#include "store/manifest.h"
#include "store/numeric_id.h"

namespace aips {

namespace {

constexpr std::string_view kMagic = "AIPSIDS1";
constexpr uint32_t kVersion = 2;
// At most this many shapes are followed while a run is built; ids of later shapes are hashed (ids such as
// UUIDs end in digits and would each make a shape of their own).
constexpr size_t kMaxShapes = 4096;

using IdSet =
    absl::flat_hash_set<uint64_t, absl::Hash<uint64_t>, std::equal_to<uint64_t>, HugeAllocator<uint64_t>>;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

void HashNumbers(std::string_view prefix, int digits, int radix,
                 const std::function<void(const std::function<void(uint64_t)>&)>& each,
                 std::vector<uint64_t>* hashes) {
  NumericIdFormatter f(prefix, digits, radix);
  each([&](uint64_t number) { hashes->push_back(Hash64(f.Format(number))); });
}

bool IterateNumber(uint32_t low, void* arg) {
  auto* a = static_cast<std::pair<uint64_t, const std::function<void(uint64_t)>*>*>(arg);
  (*a->second)(a->first | low);
  return true;
}

}  // namespace

bool IdShape::Contains(uint64_t number) const {
  const auto high = static_cast<uint32_t>(number >> 32);
  auto it = std::lower_bound(highs.begin(), highs.end(), high);
  return it != highs.end() && *it == high && sets[it - highs.begin()].contains(static_cast<uint32_t>(number));
}

void IdShape::ForEachNumber(const std::function<void(uint64_t)>& fn) const {
  for (size_t k = 0; k < highs.size(); ++k) {
    std::pair<uint64_t, const std::function<void(uint64_t)>*> arg{uint64_t{highs[k]} << 32, &fn};
    roaring_iterate(&sets[k].roaring, IterateNumber, &arg);
  }
}

void AppendShapeHashes(const IdShape& shape, std::vector<uint64_t>* hashes) {
  HashNumbers(
      shape.prefix, shape.digits, shape.radix,
      [&](const std::function<void(uint64_t)>& fn) { shape.ForEachNumber(fn); }, hashes);
}

// ---------------------------------------------------------------------------------------------------------
// IdRunBuilder

struct IdRunBuilder::Building {
  // One shape's numbers: a short list until it has kMinShapeIds of them, then bitmaps by high 32 bits.
  struct Shape {
    std::string prefix;
    int digits = 0, radix = 10;
    uint64_t count = 0;
    std::vector<uint64_t> pending;
    std::map<uint32_t, Roaring> sets;

    bool Contains(uint64_t n) const {
      if (sets.empty()) return std::find(pending.begin(), pending.end(), n) != pending.end();
      auto it = sets.find(static_cast<uint32_t>(n >> 32));
      return it != sets.end() && it->second.contains(static_cast<uint32_t>(n));
    }
    bool Insert(uint64_t n) {
      if (sets.empty()) {
        if (std::find(pending.begin(), pending.end(), n) != pending.end()) return false;
        pending.push_back(n);
        ++count;
        if (pending.size() >= kMinShapeIds) {
          for (uint64_t p : pending) sets[static_cast<uint32_t>(p >> 32)].add(static_cast<uint32_t>(p));
          std::vector<uint64_t>().swap(pending);
        }
        return true;
      }
      if (!sets[static_cast<uint32_t>(n >> 32)].addChecked(static_cast<uint32_t>(n))) return false;
      ++count;
      return true;
    }
    void ForEach(const std::function<void(uint64_t)>& fn) const {
      for (uint64_t p : pending) fn(p);
      for (auto& [high, set] : sets) {
        std::pair<uint64_t, const std::function<void(uint64_t)>*> arg{uint64_t{high} << 32, &fn};
        roaring_iterate(&set.roaring, IterateNumber, &arg);
      }
    }
  };

  absl::flat_hash_map<std::string, std::unique_ptr<Shape>> shapes;
  std::string last_key;  // the shape of the previous id, which the next one most often shares
  Shape* last = nullptr;
  IdSet set;  // hashes of the other ids, to find duplicates
  std::vector<uint64_t> hashes;
  size_t expect = 0;

  // The followed shape of id, created when `create` and there is room; nullptr when not followed.
  Shape* Find(const NumericId& id, bool create) {
    char buf[kMaxIdPrefix + 1];
    const absl::string_view key(buf, ShapeKeyInto(id, buf));  // absl's own string_view for the lookup
    if (last != nullptr && key == last_key) return last;
    auto it = shapes.find(key);
    if (it == shapes.end()) {
      if (!create || shapes.size() >= kMaxShapes) return nullptr;
      auto shape = std::make_unique<Shape>();
      shape->prefix = std::string(id.prefix);
      shape->digits = id.digits;
      shape->radix = id.radix;
      it = shapes.emplace(std::string(key), std::move(shape)).first;
    }
    last_key.assign(key.data(), key.size());
    last = it->second.get();
    return last;
  }
  const Shape* FindConst(const NumericId& id) const {
    char buf[kMaxIdPrefix + 1];
    const absl::string_view key(buf, ShapeKeyInto(id, buf));  // absl's own string_view for the lookup
    if (last != nullptr && key == last_key) return last;
    auto it = shapes.find(key);
    return it == shapes.end() ? nullptr : it->second.get();
  }
};

IdRunBuilder::IdRunBuilder() : b_(std::make_unique<Building>()) {}
IdRunBuilder::~IdRunBuilder() = default;
IdRunBuilder::IdRunBuilder(IdRunBuilder&&) noexcept = default;
IdRunBuilder& IdRunBuilder::operator=(IdRunBuilder&&) noexcept = default;

bool IdRunBuilder::Insert(std::string_view id, uint64_t hash) {
  if (auto n = ParseNumericId(id)) {
    if (Building::Shape* shape = b_->Find(*n, true)) {
      if (!shape->Insert(n->number)) return false;
      ++size_;
      return true;
    }
  }
  if (b_->set.bucket_count() == 0 && b_->expect > 0) {
    ReserveSafely(b_->set, b_->expect);
    b_->hashes.reserve(b_->expect);  // no doubling: its peak would be 1.5x the ids
  }
  if (!b_->set.insert(hash).second) return false;
  b_->hashes.push_back(hash);
  ++size_;
  return true;
}

bool IdRunBuilder::Contains(std::string_view id, uint64_t hash) const {
  if (auto n = ParseNumericId(id)) {
    if (const Building::Shape* shape = b_->FindConst(*n)) return shape->Contains(n->number);
  }
  return b_->set.contains(hash);
}

void IdRunBuilder::Expect(size_t n) {
  if (b_->set.bucket_count() == 0) {
    b_->expect = n;
  } else {
    ReserveSafely(b_->set, b_->set.size() + n);
    b_->hashes.reserve(b_->hashes.size() + n);
  }
}

void IdRunBuilder::Seal() { IdSet().swap(b_->set); }

void IdRunBuilder::Take(std::vector<IdShape>* shapes, std::vector<uint64_t>* hashes) {
  *hashes = std::move(b_->hashes);
  shapes->clear();
  for (auto& entry : b_->shapes) {
    auto& s = entry.second;  // not a structured binding: the lambda below captures it
    if (s->count >= kMinShapeIds) {
      IdShape out;
      out.prefix = s->prefix;
      out.digits = s->digits;
      out.radix = s->radix;
      out.count = s->count;
      size_t bytes = 0;
      for (auto& [high, set] : s->sets) {
        set.runOptimize();
        set.shrinkToFit();
        const size_t len = set.getSizeInBytes(true);
        bytes += 4 + VarintSize(len) + len;
        out.highs.push_back(high);
        out.sets.push_back(std::move(set));
      }
      if (bytes <= 8 * s->count) {  // no larger than its hashes: stored exactly
        shapes->push_back(std::move(out));
        continue;
      }
      AppendShapeHashes(out, hashes);
      continue;
    }
    HashNumbers(
        s->prefix, s->digits, s->radix, [&](const std::function<void(uint64_t)>& fn) { s->ForEach(fn); },
        hashes);
  }
  b_ = std::make_unique<Building>();
  size_ = 0;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

std::string EncodeIdRun(std::vector<IdShape> shapes, std::vector<uint64_t> hashes) {
  if (WriteOldFormats()) {
    for (const IdShape& s : shapes) AppendShapeHashes(s, &hashes);
    shapes.clear();
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  if (WriteOldFormats()) {
    return Frame(kMagic, 1,
                 std::string_view(reinterpret_cast<const char*>(hashes.data()), hashes.size() * 8));
  }
  std::sort(shapes.begin(), shapes.end(), [](const IdShape& a, const IdShape& b) {
    return ShapeKey(a.prefix, a.digits, a.radix) < ShapeKey(b.prefix, b.digits, b.radix);
  });
  ByteWriter w;
  PackedHashes::Encode(hashes, &w);
  std::vector<uint64_t>().swap(hashes);
  w.Varint(shapes.size());
  std::string bytes;
  for (const IdShape& s : shapes) {
    w.Str(s.prefix);
    w.U8(static_cast<uint8_t>(s.digits));
    w.U8(static_cast<uint8_t>(s.radix));
    w.U64(s.count);
    w.Varint(s.highs.size());
    for (size_t k = 0; k < s.highs.size(); ++k) {
      w.U32(s.highs[k]);
      bytes.resize(s.sets[k].getSizeInBytes(true));
      s.sets[k].write(bytes.data(), true);
      w.Str(bytes);
    }
  }
  return Frame(kMagic, kVersion, w.buffer());
}

Status WriteIdRun(const std::string& dir, uint64_t generation, IdRunBuilder ids) {
  std::vector<IdShape> shapes;
  std::vector<uint64_t> hashes;
  ids.Take(&shapes, &hashes);
  return WriteAt(IdRunPath(dir, generation), 0, EncodeIdRun(std::move(shapes), std::move(hashes)));
}

// ---------------------------------------------------------------------------------------------------------
// Reading

namespace {

// Checks one bitmap of a shape: numbers strictly ascending and below 10^digits; returns how many.
Result<uint64_t> CheckBitmap(const Roaring& set, uint32_t high, int digits, int radix,
                             const std::string& path) {
  struct State {
    uint64_t n = 0;
    uint32_t prev = 0;
    bool ok = true;
  } st;
  roaring_iterate(
      &set.roaring,
      [](uint32_t v, void* arg) {
        auto* s = static_cast<State*>(arg);
        if (s->n > 0 && v <= s->prev) s->ok = false;
        s->prev = v;
        ++s->n;
        return s->ok;
      },
      &st);
  if (!st.ok || st.n == 0 || st.n != set.cardinality())
    return Status::Corruption(path + ": a bitmap of numeric ids is malformed");
  if (!FitsDigits((uint64_t{high} << 32) | st.prev, digits, radix))
    return Status::Corruption(path + ": a numeric id has more digits than its shape");
  return st.n;
}

Status ReadShapes(ByteReader& r, const std::string& path, std::vector<IdShape>* shapes, uint64_t* count) {
  uint64_t n_shapes = 0;
  AIPS_RETURN_IF_ERROR(r.Varint(&n_shapes));
  if (n_shapes > r.remaining()) return Status::Corruption(path + ": shape count exceeds the file");
  std::string prev_key;
  for (uint64_t i = 0; i < n_shapes; ++i) {
    IdShape s;
    std::string_view prefix;
    uint8_t digits = 0, radix = 0;
    uint64_t n_sets = 0;
    AIPS_RETURN_IF_ERROR(r.StrView(&prefix));
    AIPS_RETURN_IF_ERROR(r.U8(&digits));
    AIPS_RETURN_IF_ERROR(r.U8(&radix));
    AIPS_RETURN_IF_ERROR(r.U64(&s.count));
    AIPS_RETURN_IF_ERROR(r.Varint(&n_sets));
    if (!ValidShape(prefix, digits, radix))
      return Status::Corruption(path + ": a numeric id shape is malformed");
    const std::string key = ShapeKey(prefix, digits, radix);
    if (i > 0 && key <= prev_key) return Status::Corruption(path + ": numeric id shapes are not sorted");
    prev_key = key;
    if (n_sets == 0 || n_sets > r.remaining()) return Status::Corruption(path + ": a shape has no numbers");
    s.prefix = std::string(prefix);
    s.digits = digits;
    s.radix = radix;
    uint64_t total = 0;
    for (uint64_t k = 0; k < n_sets; ++k) {
      uint32_t high = 0;
      std::string_view bytes;
      AIPS_RETURN_IF_ERROR(r.U32(&high));
      AIPS_RETURN_IF_ERROR(r.StrView(&bytes));
      if (k > 0 && high <= s.highs.back()) return Status::Corruption(path + ": numeric ids are not sorted");
      if (roaring_bitmap_portable_deserialize_size(bytes.data(), bytes.size()) != bytes.size())
        return Status::Corruption(path + ": a bitmap of numeric ids is malformed");
      roaring_bitmap_t* raw = roaring_bitmap_portable_deserialize_safe(bytes.data(), bytes.size());
      if (raw == nullptr) return Status::Corruption(path + ": a bitmap of numeric ids is malformed");
      Roaring set(raw);
      AIPS_ASSIGN_OR_RETURN(uint64_t n, CheckBitmap(set, high, digits, radix, path));
      total += n;
      s.highs.push_back(high);
      s.sets.push_back(std::move(set));
    }
    if (total != s.count) return Status::Corruption(path + ": a shape's id count is wrong");
    *count += total;
    shapes->push_back(std::move(s));
  }
  if (!r.done()) return Status::Corruption(path + ": bytes after the last shape");
  return Status::OK();
}

}  // namespace

Result<StoredIds> StoredIds::Open(const std::string& dir, const std::vector<uint64_t>& generations) {
  StoredIds ids;
  for (uint64_t g : generations) {
    const std::string path = IdRunPath(dir, g);
    AIPS_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
    uint32_t version = 0;
    AIPS_ASSIGN_OR_RETURN(std::string_view payload, Unframe(f.view(), kMagic, kVersion, path, &version));
    Run run;
    // The payload starts 24 bytes into a page-aligned mapping, so it is 8-byte aligned (PackedHashes::Read
    // and the plain hashes of version 1 rely on it).
    ByteReader r(payload, path);
    if (version >= 2) {
      AIPS_ASSIGN_OR_RETURN(run.hashes, PackedHashes::Read(r, path));
    } else {
      if (payload.size() % 8 != 0) return Status::Corruption(path + ": size is not a multiple of 8");
      const auto* data = reinterpret_cast<const uint64_t*>(payload.data());
      if (!std::is_sorted(data, data + payload.size() / 8))
        return Status::Corruption(path + ": ids are not sorted");
      run.hashes = PackedHashes::Plain(data, payload.size() / 8);
    }
    run.count = run.hashes.size();
    if (version >= 2) AIPS_RETURN_IF_ERROR(ReadShapes(r, path, &run.shapes, &run.count));
    ids.size_ += run.count;
    ids.runs_.push_back(std::move(run));
    ids.files_.push_back(std::move(f));
  }
  for (const Run& run : ids.runs_)
    for (const IdShape& s : run.shapes) ids.by_shape_[ShapeKey(s.prefix, s.digits, s.radix)].push_back(&s);
  return ids;
}

bool StoredIds::Contains(std::string_view id, uint64_t hash) const {
  if (!by_shape_.empty()) {
    if (auto n = ParseNumericId(id)) {
      char buf[kMaxIdPrefix + 1];
      auto it = by_shape_.find(absl::string_view(buf, ShapeKeyInto(*n, buf)));
      if (it != by_shape_.end())
        for (const IdShape* s : it->second)
          if (s->Contains(n->number)) return true;
    }
  }
  for (const Run& run : runs_)
    if (run.hashes.Contains(hash)) return true;
  return false;
}

Status StoredIds::ForEachHash(size_t i, const std::function<Status(uint64_t)>& fn) const {
  const Run& run = runs_[i];
  Status st;
  run.hashes.ForEach([&](uint64_t h) {
    if (st.ok()) st = fn(h);
  });
  AIPS_RETURN_IF_ERROR(st);
  for (const IdShape& s : run.shapes) {
    NumericIdFormatter f(s.prefix, s.digits, s.radix);
    s.ForEachNumber([&](uint64_t number) {
      if (st.ok()) st = fn(Hash64(f.Format(number)));
    });
    AIPS_RETURN_IF_ERROR(st);
  }
  return Status::OK();
}

std::vector<uint64_t> StoredIds::Hashes(size_t i) const {
  std::vector<uint64_t> out;
  out.reserve(runs_[i].hashes.size());
  runs_[i].hashes.ForEach([&](uint64_t h) { out.push_back(h); });
  return out;
}

}  // namespace aips
