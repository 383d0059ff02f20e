// Tenants and API keys in a ClickHouse database (docs/distributed.md, "Serving"), so that `aips tenant`,
// `aips key` and `aips serve` need only `--engine URL`. Two append-only tables on every node:
//   tenants  (tenant, brand, salt, version): one row per brand given to the tenant ('' for none yet);
//            the salt of the tenant's first row (lowest version) is its export salt;
//   api_keys (digest, tenant, admin, created, version): one row per key, its SHA-256 digest only.
// Reads go to the URL's node; a database without these tables holds no tenants. Writes create the
// aips schema first (as `ingest` does: a cluster URL needs nodes=).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "distributed/ch_client.h"
#include "store/tenants.h"

namespace aips {

class ChTenantStore : public TenantStore {
 public:
  // InvalidArgument for a malformed URL; nothing is asked of the server yet.
  static Result<std::unique_ptr<ChTenantStore>> Open(const std::string& url);
  ~ChTenantStore() override;

  Result<TenantRegistry> Load() override;
  Result<Tenant> AddTenant(const std::string& name, const std::vector<std::string>& brands) override;
  Result<std::string> CreateKey(const std::string& tenant, bool admin) override;

  // aips copy: adds the tenants (with their export salts), brands and keys (digests) of `from` that the
  // database lacks; a second import adds nothing. A tenant the database already has keeps the database's
  // salt and gets the brands it lacks; each such salt conflict is described in *conflicts.
  struct Imported {
    uint64_t tenants = 0, brands = 0, keys = 0;
  };
  Result<Imported> Import(const TenantRegistry& from, std::vector<std::string>* conflicts);

 private:
  ChTenantStore(std::string url, ChUrl parsed, std::unique_ptr<ChClient> entry);
  std::string url_;
  ChUrl parsed_;
  std::unique_ptr<ChClient> entry_;
};

}  // namespace aips
