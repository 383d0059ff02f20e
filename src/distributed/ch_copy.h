// `aips copy --data DIR --engine URL`: moves an embedded data directory up to ClickHouse (issue #16), so that
// a team that outgrows one machine keeps its history. Reads the store through its own API and writes
// through the loader's writers (distributed/ch_loader.h, ch_content.h, ch_store.h):
//   rules (when DIR has its own), side tables, the identity map and kept orders, every event (with its user
//   id; users numbered in DIR's order), the notes, accounts and messages, the event ids DIR has seen
//   (table imported_ids, so that a file loaded into DIR before is a duplicate when it is later loaded into
//   ClickHouse), user attributes, every version of every saved crowd, tenants (with their export salts)
//   and API keys (digests).
// Idempotent and resumable like the loader: each copied event carries a key made from its content and its
// occurrence among identical events of its day, stored keys are skipped, side tables are written as
// changes against what the database holds, messages by key, notes and accounts by version, attributes as
// changes, saved crowd versions by (tenant, name, version), tenants and keys by name and digest. A copy
// killed half-way and run again ends with exactly what one uninterrupted copy stores; a second copy adds
// nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "distributed/ch_store.h"
#include "distributed/ch_tenants.h"
#include "store/store.h"

namespace aips {

struct CopyResult {
  std::string source, target;
  uint64_t events = 0, events_present = 0;  // copied now, found already stored
  uint64_t users = 0;                       // distinct users of the copied events
  uint64_t notes = 0, accounts = 0, messages = 0, messages_present = 0;
  uint64_t identity_links = 0, orders = 0, imported_ids = 0;
  uint64_t attribute_users = 0;  // users whose tags were written
  uint64_t assignments = 0;      // experiment assignments written
  uint64_t crowds = 0;           // saved crowd versions copied now
  uint64_t tenants = 0, tenant_brands = 0, keys = 0;
  bool rules_copied = false, catalog_changed = false;
  std::vector<std::string> skipped;  // what this copy left as the database has it, with why
};

// CREATE TABLE statements of the copy's own table (imported_ids, on every node).
std::vector<std::string> ChCopySchema(const std::string& database);

// Copies `store` (opened for reading) into `ch` (connected for writing), its tenants and keys into
// `tenants` (the same database). `progress`: a line per day on stderr.
Result<CopyResult> CopyToClickHouse(Store& store, ChStore& ch, ChTenantStore& tenants, bool progress);

}  // namespace aips
