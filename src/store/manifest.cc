#include "store/manifest.h"

#include <algorithm>
#include <tuple>

#include "common/bytes.h"
#include "common/file_util.h"
#include "common/store_format.h"
#include "fmt/format.h"

namespace aips {

namespace {
constexpr std::string_view kMagic = "AIPSMAN1";
// Version 2 added dictionary file generations, forgotten users, notes and consultations; version 3 the
// experiments generation. Version 4 has version 3's payload and says that the directory's other files may
// be in the formats of issue #20 (AIPSSEG2, id runs v2, packed dictionaries, ...), so that a build from
// before them refuses the directory by its manifest ("format version 4") instead of reporting the newer
// files as damaged. Writers write 4, or 3 under AIPS_STORE_FORMAT=1 (common/store_format.h).
constexpr uint32_t kVersion = 4;
}  // namespace

uint64_t Manifest::TotalRows() const {
  uint64_t n = 0;
  for (auto& s : segments) n += s.rows;
  return n;
}

std::string Manifest::Encode() const {
  ByteWriter w;
  w.U64(generation);
  w.Str(timezone);
  for (auto& d : dicts) w.U32(d.count), w.U64(d.bytes);
  w.Varint(segments.size());
  for (auto& s : segments) w.I32(s.day), w.U64(s.generation), w.U64(s.rows);
  w.Varint(id_runs.size());
  for (auto g : id_runs) w.U64(g);
  w.U64(tables_generation);
  w.U64(firstparty_generation);
  w.U64(attributes_generation);
  w.Varint(brands.size());
  for (auto& b : brands) {
    w.Varint(b.spus.size());
    for (auto s : b.spus) w.U32(s);
    w.I32(b.first_day), w.I32(b.last_day), w.U64(b.rows), w.I32(b.snap.through), w.U64(b.snap.fp);
  }
  w.Varint(category_snaps.size());
  for (auto& [c, s] : category_snaps) w.Str(c), w.I32(s.through), w.U64(s.fp);
  for (auto& d : dicts) w.U64(d.file_gen);
  w.Varint(forgotten.size());
  for (auto f : forgotten) w.U64(f);
  w.U64(notes_generation);
  w.U64(consult_generation);
  w.U64(experiments_generation);
  return Frame(kMagic, WriteOldFormats() ? 3 : kVersion, w.buffer());
}

Result<Manifest> Manifest::Decode(std::string_view file) {
  uint32_t version = 0;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, Unframe(file, kMagic, kVersion, "MANIFEST", &version));
  ByteReader r(payload, "MANIFEST");
  Manifest m;
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.U64(&m.generation));
  AIPS_RETURN_IF_ERROR(r.Str(&m.timezone));
  for (auto& d : m.dicts) {
    AIPS_RETURN_IF_ERROR(r.U32(&d.count));
    AIPS_RETURN_IF_ERROR(r.U64(&d.bytes));
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  m.segments.resize(n);
  for (auto& s : m.segments) {
    AIPS_RETURN_IF_ERROR(r.I32(&s.day));
    AIPS_RETURN_IF_ERROR(r.U64(&s.generation));
    AIPS_RETURN_IF_ERROR(r.U64(&s.rows));
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  m.id_runs.resize(n);
  for (auto& g : m.id_runs) AIPS_RETURN_IF_ERROR(r.U64(&g));
  AIPS_RETURN_IF_ERROR(r.U64(&m.tables_generation));
  AIPS_RETURN_IF_ERROR(r.U64(&m.firstparty_generation));
  AIPS_RETURN_IF_ERROR(r.U64(&m.attributes_generation));
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  m.brands.resize(n);
  for (auto& b : m.brands) {
    uint64_t k;
    AIPS_RETURN_IF_ERROR(r.Varint(&k));
    if (k > r.remaining()) return r.Truncated();
    b.spus.resize(k);
    for (auto& s : b.spus) AIPS_RETURN_IF_ERROR(r.U32(&s));
    AIPS_RETURN_IF_ERROR(r.I32(&b.first_day));
    AIPS_RETURN_IF_ERROR(r.I32(&b.last_day));
    AIPS_RETURN_IF_ERROR(r.U64(&b.rows));
    AIPS_RETURN_IF_ERROR(r.I32(&b.snap.through));
    AIPS_RETURN_IF_ERROR(r.U64(&b.snap.fp));
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string c;
    SnapState s;
    AIPS_RETURN_IF_ERROR(r.Str(&c));
    AIPS_RETURN_IF_ERROR(r.I32(&s.through));
    AIPS_RETURN_IF_ERROR(r.U64(&s.fp));
    m.category_snaps[c] = s;
  }
  if (version >= 2) {
    for (auto& d : m.dicts) AIPS_RETURN_IF_ERROR(r.U64(&d.file_gen));
    AIPS_RETURN_IF_ERROR(r.Varint(&n));
    if (n > r.remaining() / 8) return r.Truncated();
    m.forgotten.resize(n);
    for (auto& f : m.forgotten) AIPS_RETURN_IF_ERROR(r.U64(&f));
    AIPS_RETURN_IF_ERROR(r.U64(&m.notes_generation));
    AIPS_RETURN_IF_ERROR(r.U64(&m.consult_generation));
  }
  if (version >= 3) AIPS_RETURN_IF_ERROR(r.U64(&m.experiments_generation));
  if (!r.done()) return Status::Corruption("MANIFEST: trailing bytes");
  return m;
}

std::string SegmentPath(const std::string& dir, const SegmentInfo& s) {
  int y;
  unsigned mo, d;
  CivilFromDays(s.day, &y, &mo, &d);
  return fmt::format("{}/seg/{:04d}{:02d}{:02d}-{}.seg", dir, y, mo, d, s.generation);
}

void SortSegments(std::vector<SegmentInfo>* segments) {
  std::sort(segments->begin(), segments->end(), [](const SegmentInfo& a, const SegmentInfo& b) {
    return std::tie(a.day, a.generation) < std::tie(b.day, b.generation);
  });
}

std::string DictPath(const std::string& dir, int kind, uint64_t file_gen) {
  if (file_gen == 0) return fmt::format("{}/dict/{}.dict", dir, kDictNames[kind]);
  return fmt::format("{}/dict/{}-{}.dict", dir, kDictNames[kind], file_gen);
}

uint64_t ForgetFingerprint(std::string_view user) {
  std::string keyed = "aips-forget\x1f";
  keyed += user;
  return Hash64(keyed);
}

std::string IdRunPath(const std::string& dir, uint64_t generation) {
  return fmt::format("{}/ids/{}.ids", dir, generation);
}

Result<Manifest> ReadManifest(const std::string& dir) {
  auto file = ReadFile(dir + "/MANIFEST");
  if (!file.ok()) {
    if (file.status().IsNotFound()) {
      return Status::NotFound(fmt::format(
          "'{}' holds no aips data (no MANIFEST); run 'aips ingest --data {} FILE' first", dir, dir));
    }
    return file.status();
  }
  return Manifest::Decode(file.value());
}

Status WriteManifest(const std::string& dir, const Manifest& m) {
  return WriteFileAtomic(dir + "/MANIFEST", m.Encode());
}

}  // namespace aips
