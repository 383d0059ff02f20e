#include "distributed/ch_retain.h"

#include <set>
#include <string>

#include "fmt/format.h"

namespace aips {

Result<RetentionResult> RetainOnClickHouse(ChStore& ch, int keep_days, bool dry_run) {
  AIPS_RETURN_IF_ERROR(CheckKeepDays(keep_days));
  RetentionResult out;
  AIPS_ASSIGN_OR_RETURN(auto days, ch.DataDays());
  if (days.second == kNoDay) return out;
  out.cutoff = RetentionCutoff(days.second, keep_days);
  const std::string cutoff = ChDate(out.cutoff);
  // Per shard (the store's Select is shard-local on a cluster): its days and brands before the cutoff.
  AIPS_ASSIGN_OR_RETURN(ChRows rows,
                        ch.Select(fmt::format("SELECT day, brand, count() FROM {} WHERE day < {} "
                                              "GROUP BY day, brand",
                                              ch.Table("events"), cutoff)));
  std::set<std::string> dropped_days, brands;
  for (auto& r : rows) {
    if (r.size() != 3) return Status::IOError("unexpected answer from ClickHouse");
    dropped_days.insert(r[0]);
    brands.insert(r[1]);
    out.rows_dropped += ChU64(r[2]);
  }
  out.days_dropped = dropped_days.size();
  out.brands_affected = brands.size();
  if (dry_run || dropped_days.empty()) return out;
  AIPS_RETURN_IF_ERROR(
      ch.ExecuteEverywhere({fmt::format("INSERT INTO {} SELECT key, day FROM {} WHERE day < {}",
                                        ch.Local("dropped_keys"), ch.EventsLocal(), cutoff)}));
  AIPS_RETURN_IF_ERROR(
      ch.ExecuteEverywhere({fmt::format("ALTER TABLE {} DELETE WHERE day < {}", ch.EventsLocal(), cutoff)}));
  AIPS_RETURN_IF_ERROR(ch.WaitForMutations());
  return out;
}

}  // namespace aips
