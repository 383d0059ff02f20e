// Tenants and API keys (docs/http-api.md, "Tenants and keys"). A tenant owns brands; a key belongs to a
// tenant (read access to its brands) or is an admin key (ingest, tenant management, every brand). Keys
// are stored as SHA-256 digests only and compared in constant time. Where they are stored is a
// `TenantStore`: a data directory's tenants.bin (framed, docs/formats.md §10; `DirTenantStore` below) or
// two tables of a ClickHouse database (distributed/ch_tenants.h); the factory is front/open_engine.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "aips/status.h"
#include "common/crypto.h"

namespace aips {

struct Tenant {
  std::set<std::string> brands;
  std::string salt;  // per-tenant salt of exported ids (random, made with the tenant)
};

struct ApiKey {
  std::string digest;  // SHA-256 of the key, 64 hex characters
  std::string tenant;  // "" for an admin key without a tenant
  bool admin = false;
  int64_t created = 0;  // Unix seconds
};

struct Principal {
  std::string tenant;
  bool admin = false;
  std::set<std::string> brands;  // the tenant's brands (a copy: the principal outlives the registry)
  std::string salt;              // the tenant's export salt
  // True when this key may read the brand's crowds.
  bool CanRead(const std::string& brand) const { return admin || brands.count(brand) > 0; }
};

class TenantRegistry {
 public:
  // A registry of these tenants and keys (as a store read them).
  static TenantRegistry Of(std::map<std::string, Tenant> tenants, std::vector<ApiKey> keys);
  static Result<TenantRegistry> Load(const std::string& data_dir);
  Status Save(const std::string& data_dir) const;

  // Adds a tenant (with a fresh export salt) or extends its brands.
  Status AddTenant(const std::string& name, const std::vector<std::string>& brands);
  // Creates a key and returns it in clear (the only time it exists in clear). NotFound for an unknown tenant.
  Result<std::string> CreateKey(const std::string& tenant, bool admin);
  // The principal of a presented key, or nullopt for an unknown key.
  std::optional<Principal> Authenticate(const std::string& key) const;

  const std::map<std::string, Tenant>& tenants() const { return tenants_; }
  const std::vector<ApiKey>& keys() const { return keys_; }  // in order of creation
  size_t key_count() const { return keys_.size(); }

 private:
  std::map<std::string, Tenant> tenants_;
  std::vector<ApiKey> keys_;
};

// Where the tenants and keys live. Each write is one atomic step of its store (a writer never loses
// another's tenant or key); a tenant's export salt is made once, when the tenant is first added.
class TenantStore {
 public:
  virtual ~TenantStore() = default;
  // The registry as stored now (empty when nothing was stored yet).
  virtual Result<TenantRegistry> Load() = 0;
  // Adds a tenant (with a fresh export salt) or extends its brands; the tenant as stored afterwards.
  virtual Result<Tenant> AddTenant(const std::string& name, const std::vector<std::string>& brands) = 0;
  // Creates a key and returns it in clear, the only time it exists in clear. NotFound for an unknown
  // tenant; InvalidArgument for a read key without a tenant.
  virtual Result<std::string> CreateKey(const std::string& tenant, bool admin) = 0;
};

// DIR/tenants.bin; writers hold the directory's lock (common/file_util.h DirLock) while they rewrite it.
class DirTenantStore : public TenantStore {
 public:
  explicit DirTenantStore(std::string dir) : dir_(std::move(dir)) {}
  Result<TenantRegistry> Load() override;
  Result<Tenant> AddTenant(const std::string& name, const std::vector<std::string>& brands) override;
  Result<std::string> CreateKey(const std::string& tenant, bool admin) override;

 private:
  std::string dir_;
};

}  // namespace aips
