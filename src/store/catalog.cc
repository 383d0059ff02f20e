#include "store/catalog.h"

#include "common/bytes.h"
#include "common/compress.h"
#include "common/file_util.h"

namespace aips {

namespace {
constexpr std::string_view kMagic = "AIPSTBL1";
}  // namespace

std::optional<std::string> Catalog::CategoryOf(const std::string& brand) const {
  auto it = brand_category.find(brand);
  if (it == brand_category.end()) return std::nullopt;
  return it->second;
}

int Catalog::DecisionCycle(const std::string& category) const {
  auto it = decision_cycle_days.find(category);
  return it == decision_cycle_days.end() ? 30 : it->second;
}

std::string Catalog::Encode() const {
  ByteWriter w;
  w.Varint(decision_cycle_days.size());
  for (auto& [c, x] : decision_cycle_days) w.Str(c), w.I32(x);
  w.Varint(brand_category.size());
  for (auto& [b, c] : brand_category) w.Str(b), w.Str(c);
  w.Varint(campaigns.size());
  for (auto& [name, ci] : campaigns)
    w.Str(name), w.Str(ci.brand), w.Str(ci.spu), w.I32(ci.start), w.I32(ci.end);
  w.Varint(spend.size());
  for (auto& [key, v] : spend) w.Str(key.first), w.I32(key.second), w.I64(v);
  return FrameCompressed(kMagic, w.buffer());
}

Result<Catalog> Catalog::Decode(std::string_view file, const std::string& name) {
  std::string raw;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, UnframeCompressed(file, kMagic, name, &raw));
  ByteReader r(payload, name);
  Catalog c;
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    int32_t x = 0;
    AIPS_RETURN_IF_ERROR(r.Str(&k));
    AIPS_RETURN_IF_ERROR(r.I32(&x));
    c.decision_cycle_days[k] = x;
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string b, cat;
    AIPS_RETURN_IF_ERROR(r.Str(&b));
    AIPS_RETURN_IF_ERROR(r.Str(&cat));
    c.brand_category[b] = cat;
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    CampaignInfo ci;
    AIPS_RETURN_IF_ERROR(r.Str(&k));
    AIPS_RETURN_IF_ERROR(r.Str(&ci.brand));
    AIPS_RETURN_IF_ERROR(r.Str(&ci.spu));
    AIPS_RETURN_IF_ERROR(r.I32(&ci.start));
    AIPS_RETURN_IF_ERROR(r.I32(&ci.end));
    c.campaigns[k] = ci;
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    int32_t d;
    int64_t v;
    AIPS_RETURN_IF_ERROR(r.Str(&k));
    AIPS_RETURN_IF_ERROR(r.I32(&d));
    AIPS_RETURN_IF_ERROR(r.I64(&v));
    c.spend[{k, d}] = v;
  }
  if (!r.done()) return Status::Corruption(name + ": trailing bytes");
  return c;
}

std::string CatalogPath(const std::string& data_dir, uint64_t generation) {
  return data_dir + "/tables-" + std::to_string(generation) + ".bin";
}

Result<Catalog> LoadCatalog(const std::string& data_dir, uint64_t generation) {
  if (generation == 0) return Catalog{};
  const std::string path = CatalogPath(data_dir, generation);
  AIPS_ASSIGN_OR_RETURN(std::string file, ReadFile(path));
  return Catalog::Decode(file, path.substr(data_dir.size() + 1));
}

Status SaveCatalog(const std::string& data_dir, uint64_t generation, const Catalog& catalog) {
  return WriteFileAtomic(CatalogPath(data_dir, generation), catalog.Encode());
}

std::vector<std::string> BrandsOfCategory(const Catalog& catalog, const std::string& category) {
  std::vector<std::string> out;
  if (category.rfind("brand:", 0) == 0) {
    out.push_back(category.substr(6));
    return out;
  }
  for (auto& [b, c] : catalog.brand_category)
    if (c == category) out.push_back(b);
  return out;
}

}  // namespace aips
