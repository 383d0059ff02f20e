#include "distributed/ch_tenants.h"

#include <set>

#include "distributed/ch_store.h"
#include "fmt/format.h"

namespace aips {

namespace {

std::string TenantRow(const std::string& tenant, const std::string& brand, const std::string& salt,
                      uint64_t version) {
  std::string row;
  AppendTsv(tenant, &row);
  row += '\t';
  AppendTsv(brand, &row);
  row += '\t';
  AppendTsv(salt, &row);
  row += fmt::format("\t{}\n", version);
  return row;
}

std::string KeyRow(const ApiKey& k, uint64_t version) {
  std::string row;
  AppendTsv(k.digest, &row);
  row += '\t';
  AppendTsv(k.tenant, &row);
  row += fmt::format("\t{}\t{}\t{}\n", k.admin ? 1 : 0, k.created, version);
  return row;
}

}  // namespace

ChTenantStore::ChTenantStore(std::string url, ChUrl parsed, std::unique_ptr<ChClient> entry)
    : url_(std::move(url)), parsed_(std::move(parsed)), entry_(std::move(entry)) {}

ChTenantStore::~ChTenantStore() = default;

Result<std::unique_ptr<ChTenantStore>> ChTenantStore::Open(const std::string& url) {
  AIPS_ASSIGN_OR_RETURN(ChUrl parsed, ParseChUrl(url));
  AIPS_ASSIGN_OR_RETURN(auto entry, OpenChClient(parsed, parsed.entry));
  return std::unique_ptr<ChTenantStore>(new ChTenantStore(url, std::move(parsed), std::move(entry)));
}

Result<TenantRegistry> ChTenantStore::Load() {
  const std::string db = parsed_.database;
  AIPS_ASSIGN_OR_RETURN(
      ChRows tables, entry_->Select(fmt::format("SELECT count() FROM system.tables WHERE database = {} AND "
                                                "name IN ('tenants', 'api_keys')",
                                                ChQuote(db))));
  if (tables.empty() || tables[0].empty() || tables[0][0] != "2") return TenantRegistry();
  std::map<std::string, Tenant> tenants;
  AIPS_ASSIGN_OR_RETURN(ChRows rows,
                        entry_->Select(fmt::format("SELECT tenant, brand, salt FROM {}.tenants ORDER BY "
                                                   "tenant, version, brand",
                                                   db)));
  for (auto& r : rows) {
    if (r.size() < 3) return Status::IOError("unexpected answer from the tenants table");
    Tenant& t = tenants[r[0]];
    if (t.salt.empty()) t.salt = r[2];  // the first row's salt: the one made with the tenant
    if (!r[1].empty()) t.brands.insert(r[1]);
  }
  std::vector<ApiKey> keys;
  AIPS_ASSIGN_OR_RETURN(ChRows krows, entry_->Select(fmt::format(
                                          "SELECT digest, tenant, admin, created FROM {}.api_keys ORDER BY "
                                          "version, digest",
                                          db)));
  for (auto& r : krows) {
    if (r.size() < 4) return Status::IOError("unexpected answer from the api_keys table");
    keys.push_back(ApiKey{r[0], r[1], r[2] != "0", ChI64(r[3])});
  }
  return TenantRegistry::Of(std::move(tenants), std::move(keys));
}

Result<Tenant> ChTenantStore::AddTenant(const std::string& name, const std::vector<std::string>& brands) {
  AIPS_ASSIGN_OR_RETURN(auto ch, ChStore::Connect(url_, ChStore::Mode::kWrite));
  AIPS_ASSIGN_OR_RETURN(TenantRegistry reg, Load());
  const bool known = reg.tenants().count(name) > 0;
  AIPS_RETURN_IF_ERROR(reg.AddTenant(name, brands));
  const Tenant& t = reg.tenants().at(name);
  const uint64_t version = ChVersion();
  std::string rows;
  if (!known) rows += TenantRow(name, "", t.salt, version);
  for (const std::string& b : brands) rows += TenantRow(name, b, t.salt, version);
  AIPS_RETURN_IF_ERROR(ch->InsertEverywhere("tenants", "tenant, brand, salt, version", rows));
  // Read back: when two writers added the same new tenant at once, the first salt is the tenant's.
  AIPS_ASSIGN_OR_RETURN(TenantRegistry now, Load());
  auto it = now.tenants().find(name);
  if (it == now.tenants().end()) return Status::IOError(fmt::format("tenant '{}' was not stored", name));
  return it->second;
}

Result<std::string> ChTenantStore::CreateKey(const std::string& tenant, bool admin) {
  AIPS_ASSIGN_OR_RETURN(TenantRegistry reg, Load());
  AIPS_ASSIGN_OR_RETURN(std::string key, reg.CreateKey(tenant, admin));  // checks the tenant first
  AIPS_ASSIGN_OR_RETURN(auto ch, ChStore::Connect(url_, ChStore::Mode::kWrite));
  AIPS_RETURN_IF_ERROR(ch->InsertEverywhere("api_keys", "digest, tenant, admin, created, version",
                                            KeyRow(reg.keys().back(), ChVersion())));
  return key;
}

Result<ChTenantStore::Imported> ChTenantStore::Import(const TenantRegistry& from,
                                                      std::vector<std::string>* conflicts) {
  Imported out;
  if (from.tenants().empty() && from.keys().empty()) return out;
  AIPS_ASSIGN_OR_RETURN(auto ch, ChStore::Connect(url_, ChStore::Mode::kWrite));
  AIPS_ASSIGN_OR_RETURN(TenantRegistry now, Load());
  // Versions keep the directory's order of tenants and keys, after everything stored.
  uint64_t version = ChVersion();
  std::string rows;
  for (const auto& [name, t] : from.tenants()) {
    auto have = now.tenants().find(name);
    if (have == now.tenants().end()) {
      rows += TenantRow(name, "", t.salt, version);
      for (const std::string& b : t.brands) rows += TenantRow(name, b, t.salt, version);
      ++out.tenants;
      out.brands += t.brands.size();
    } else {
      if (have->second.salt != t.salt) {
        conflicts->push_back(fmt::format(
            "tenant '{}': the database made it with its own export salt, which it keeps (salted exports of "
            "this tenant differ from the directory's)",
            name));
      }
      for (const std::string& b : t.brands) {
        if (have->second.brands.count(b)) continue;
        rows += TenantRow(name, b, have->second.salt, version);
        ++out.brands;
      }
    }
    ++version;
  }
  if (!rows.empty())
    AIPS_RETURN_IF_ERROR(ch->InsertEverywhere("tenants", "tenant, brand, salt, version", rows));
  std::set<std::string> digests;
  for (const ApiKey& k : now.keys()) digests.insert(k.digest);
  rows.clear();
  for (const ApiKey& k : from.keys()) {
    if (digests.count(k.digest)) continue;
    rows += KeyRow(k, version++);
    ++out.keys;
  }
  if (!rows.empty())
    AIPS_RETURN_IF_ERROR(ch->InsertEverywhere("api_keys", "digest, tenant, admin, created, version", rows));
  return out;
}

}  // namespace aips
