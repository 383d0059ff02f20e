#include "store/tenants.h"

#include <openssl/crypto.h>

#include <ctime>

#include "common/bytes.h"
#include "common/file_util.h"
#include "fmt/format.h"

namespace aips {

namespace {
constexpr std::string_view kMagic = "AIPSTEN1";
constexpr uint32_t kVersion = 1;
std::string Path(const std::string& dir) { return dir + "/tenants.bin"; }
}  // namespace

TenantRegistry TenantRegistry::Of(std::map<std::string, Tenant> tenants, std::vector<ApiKey> keys) {
  TenantRegistry reg;
  reg.tenants_ = std::move(tenants);
  reg.keys_ = std::move(keys);
  return reg;
}

Result<TenantRegistry> TenantRegistry::Load(const std::string& dir) {
  TenantRegistry reg;
  auto file = ReadFile(Path(dir));
  if (!file.ok()) {
    if (file.status().IsNotFound()) return reg;
    return file.status();
  }
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, Unframe(file.value(), kMagic, kVersion, "tenants.bin"));
  ByteReader r(payload, "tenants.bin");
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string name;
    uint64_t k;
    AIPS_RETURN_IF_ERROR(r.Str(&name));
    AIPS_RETURN_IF_ERROR(r.Varint(&k));
    Tenant& t = reg.tenants_[name];
    for (uint64_t j = 0; j < k; ++j) {
      std::string b;
      AIPS_RETURN_IF_ERROR(r.Str(&b));
      t.brands.insert(b);
    }
    AIPS_RETURN_IF_ERROR(r.Str(&t.salt));
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    ApiKey key;
    uint8_t admin = 0;
    AIPS_RETURN_IF_ERROR(r.Str(&key.digest));
    AIPS_RETURN_IF_ERROR(r.Str(&key.tenant));
    AIPS_RETURN_IF_ERROR(r.U8(&admin));
    AIPS_RETURN_IF_ERROR(r.I64(&key.created));
    key.admin = admin != 0;
    reg.keys_.push_back(std::move(key));
  }
  return reg;
}

Status TenantRegistry::Save(const std::string& dir) const {
  AIPS_RETURN_IF_ERROR(MakeDirs(dir));
  ByteWriter w;
  w.Varint(tenants_.size());
  for (auto& [name, t] : tenants_) {
    w.Str(name);
    w.Varint(t.brands.size());
    for (auto& b : t.brands) w.Str(b);
    w.Str(t.salt);
  }
  w.Varint(keys_.size());
  for (auto& k : keys_) w.Str(k.digest), w.Str(k.tenant), w.U8(k.admin ? 1 : 0), w.I64(k.created);
  return WriteFileAtomic(Path(dir), Frame(kMagic, kVersion, w.buffer()));
}

Status TenantRegistry::AddTenant(const std::string& name, const std::vector<std::string>& brands) {
  Tenant& t = tenants_[name];
  if (t.salt.empty()) {
    AIPS_ASSIGN_OR_RETURN(t.salt, RandomHex(16));
  }
  for (auto& b : brands) t.brands.insert(b);
  return Status::OK();
}

Result<std::string> TenantRegistry::CreateKey(const std::string& tenant, bool admin) {
  if (!tenant.empty() && !tenants_.count(tenant)) {
    return Status::NotFound(fmt::format(
        "unknown tenant '{}' (add it first: aips tenant add --tenant {} --brands ...)", tenant, tenant));
  }
  if (tenant.empty() && !admin) return Status::InvalidArgument("a read key needs --tenant");
  AIPS_ASSIGN_OR_RETURN(std::string secret, RandomHex(24));
  const std::string key = (admin ? "aipsa_" : "aipsr_") + secret;
  keys_.push_back(ApiKey{Sha256Hex(key), tenant, admin, static_cast<int64_t>(std::time(nullptr))});
  return key;
}

std::optional<Principal> TenantRegistry::Authenticate(const std::string& key) const {
  if (key.empty()) return std::nullopt;
  const std::string digest = Sha256Hex(key);
  const ApiKey* found = nullptr;
  for (const ApiKey& k : keys_) {  // every key is compared, in constant time
    if (k.digest.size() == digest.size() && CRYPTO_memcmp(k.digest.data(), digest.data(), digest.size()) == 0)
      found = &k;
  }
  if (!found) return std::nullopt;
  Principal p;
  p.tenant = found->tenant;
  p.admin = found->admin;
  auto it = tenants_.find(found->tenant);
  if (it != tenants_.end()) {
    p.brands = it->second.brands;
    p.salt = it->second.salt;
  }
  return p;
}

Result<TenantRegistry> DirTenantStore::Load() { return TenantRegistry::Load(dir_); }

Result<Tenant> DirTenantStore::AddTenant(const std::string& name, const std::vector<std::string>& brands) {
  AIPS_RETURN_IF_ERROR(MakeDirs(dir_));
  AIPS_ASSIGN_OR_RETURN(DirLock lock, DirLock::Acquire(dir_, 30000));
  AIPS_ASSIGN_OR_RETURN(TenantRegistry reg, TenantRegistry::Load(dir_));
  AIPS_RETURN_IF_ERROR(reg.AddTenant(name, brands));
  AIPS_RETURN_IF_ERROR(reg.Save(dir_));
  return reg.tenants().at(name);
}

Result<std::string> DirTenantStore::CreateKey(const std::string& tenant, bool admin) {
  AIPS_RETURN_IF_ERROR(MakeDirs(dir_));
  AIPS_ASSIGN_OR_RETURN(DirLock lock, DirLock::Acquire(dir_, 30000));
  AIPS_ASSIGN_OR_RETURN(TenantRegistry reg, TenantRegistry::Load(dir_));
  AIPS_ASSIGN_OR_RETURN(std::string key, reg.CreateKey(tenant, admin));
  AIPS_RETURN_IF_ERROR(reg.Save(dir_));
  return key;
}

}  // namespace aips
