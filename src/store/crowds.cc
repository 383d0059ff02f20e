#include "store/crowds.h"

#include "common/bytes.h"
#include "common/file_util.h"

namespace aips {

namespace {
constexpr std::string_view kMagic = "AIPSCRW1";
constexpr uint32_t kVersion = 1;
std::string Path(const std::string& dir) { return dir + "/crowds.bin"; }
}  // namespace

Result<std::vector<SavedCrowd>> LoadCrowds(const std::string& dir) {
  std::vector<SavedCrowd> out;
  auto file = ReadFile(Path(dir));
  if (!file.ok()) {
    if (file.status().IsNotFound()) return out;
    return file.status();
  }
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, Unframe(file.value(), kMagic, kVersion, "crowds.bin"));
  ByteReader r(payload, "crowds.bin");
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    SavedCrowd c;
    AIPS_RETURN_IF_ERROR(r.Str(&c.name));
    AIPS_RETURN_IF_ERROR(r.Str(&c.tenant));
    AIPS_RETURN_IF_ERROR(r.Str(&c.definition));
    AIPS_RETURN_IF_ERROR(r.U32(&c.version));
    AIPS_RETURN_IF_ERROR(r.I64(&c.saved_at));
    AIPS_RETURN_IF_ERROR(r.U64(&c.size));
    AIPS_RETURN_IF_ERROR(r.Str(&c.members));
    out.push_back(std::move(c));
  }
  return out;
}

Status SaveCrowds(const std::string& dir, const std::vector<SavedCrowd>& crowds) {
  ByteWriter w;
  w.Varint(crowds.size());
  for (auto& c : crowds) {
    w.Str(c.name), w.Str(c.tenant), w.Str(c.definition), w.U32(c.version), w.I64(c.saved_at), w.U64(c.size);
    w.Str(c.members);
  }
  return WriteFileAtomic(Path(dir), Frame(kMagic, kVersion, w.buffer()));
}

Result<uint64_t> RemoveFromSavedCrowds(const std::string& dir, const Roaring& users, bool dry_run) {
  AIPS_ASSIGN_OR_RETURN(std::vector<SavedCrowd> crowds, LoadCrowds(dir));
  uint64_t changed = 0;
  for (SavedCrowd& c : crowds) {
    Roaring members = Roaring::readSafe(c.members.data(), c.members.size());
    if (!members.intersect(users)) continue;
    ++changed;
    members -= users;
    members.runOptimize();
    c.size = members.cardinality();
    c.members.resize(members.getSizeInBytes(true));
    members.write(c.members.data(), true);
  }
  if (changed > 0 && !dry_run) AIPS_RETURN_IF_ERROR(SaveCrowds(dir, crowds));
  return changed;
}

const SavedCrowd* LatestCrowd(const std::vector<SavedCrowd>& crowds, const std::string& tenant,
                              const std::string& name) {
  const SavedCrowd* best = nullptr;
  for (auto& c : crowds)
    if (c.name == name && c.tenant == tenant && (!best || c.version > best->version)) best = &c;
  return best;
}

}  // namespace aips
