#include "store/experiments.h"

#include "common/bytes.h"
#include "common/compress.h"
#include "common/file_util.h"

namespace aips {

namespace {
constexpr std::string_view kMagic = "AIPSEXP1";

void PutBitmap(const Roaring& users, ByteWriter* w) {
  Roaring r = users;
  r.runOptimize();
  std::string bytes(r.getSizeInBytes(true), '\0');
  r.write(bytes.data(), true);
  w->Str(bytes);
}
}  // namespace

Experiments::Assigned Experiments::Assign(const std::string& campaign, uint32_t user, bool treatment) {
  ExperimentGroups& g = campaigns[campaign];
  Roaring& mine = treatment ? g.treatment : g.control;
  const Roaring& other = treatment ? g.control : g.treatment;
  if (mine.contains(user)) return Assigned::kSame;
  if (other.contains(user)) return Assigned::kConflict;
  mine.add(user);
  return Assigned::kNew;
}

uint64_t Experiments::Erase(const std::vector<uint32_t>& users) {
  uint64_t n = 0;
  for (auto& [name, g] : campaigns) {
    for (uint32_t u : users)
      n += static_cast<uint64_t>(g.treatment.removeChecked(u)) + g.control.removeChecked(u);
  }
  return n;
}

std::string Experiments::Encode() const {
  ByteWriter w;
  w.Varint(campaigns.size());
  for (auto& [name, g] : campaigns) {
    w.Str(name);
    w.Str(g.salt);
    PutBitmap(g.treatment, &w);
    PutBitmap(g.control, &w);
  }
  return FrameCompressed(kMagic, w.buffer());
}

Result<Experiments> Experiments::Decode(std::string_view file, const std::string& name) {
  std::string raw;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, UnframeCompressed(file, kMagic, name, &raw));
  ByteReader r(payload, name);
  Experiments e;
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string campaign;
    ExperimentGroups g;
    std::string_view t, c;
    AIPS_RETURN_IF_ERROR(r.Str(&campaign));
    AIPS_RETURN_IF_ERROR(r.Str(&g.salt));
    AIPS_RETURN_IF_ERROR(r.StrView(&t));
    AIPS_RETURN_IF_ERROR(r.StrView(&c));
    g.treatment = Roaring::readSafe(t.data(), t.size());  // checksummed by the frame
    g.control = Roaring::readSafe(c.data(), c.size());
    e.campaigns[campaign] = std::move(g);
  }
  if (!r.done()) return Status::Corruption(name + ": trailing bytes");
  return e;
}

std::string ExperimentsPath(const std::string& dir, uint64_t generation) {
  return dir + "/experiments-" + std::to_string(generation) + ".bin";
}

Result<Experiments> LoadExperiments(const std::string& dir, uint64_t generation) {
  if (generation == 0) return Experiments{};
  const std::string path = ExperimentsPath(dir, generation);
  AIPS_ASSIGN_OR_RETURN(std::string file, ReadFile(path));
  return Experiments::Decode(file, path.substr(dir.size() + 1));
}

Status SaveExperiments(const std::string& dir, uint64_t generation, const Experiments& e) {
  return WriteFileAtomic(ExperimentsPath(dir, generation), e.Encode());
}

}  // namespace aips
