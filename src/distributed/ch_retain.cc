#include "distributed/ch_retain.h"

#include <set>
#include <string>

#include "fmt/format.h"

namespace aips {

namespace {

// A database loaded before user numbers existed has no crowd tables: no users to drop.
Result<bool> HasUserNumbers(ChStore& ch) {
  AIPS_ASSIGN_OR_RETURN(
      ChRows tables,
      ch.Select(fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = 'experiments'",
                            ChQuote(ch.url().database))));
  return !tables.empty() && ChU64(tables[0].at(0)) > 0;
}

// As the embedded retention: users left with no event, attributes row or experiment assignment are
// dropped from the user numbers, the user ids and the saved crowds (each shard holds its own users, so
// the test runs shard-local). Returns how many.
Result<uint64_t> DropUsersWithoutData(ChStore& ch, bool dry_run) {
  AIPS_ASSIGN_OR_RETURN(bool numbered, HasUserNumbers(ch));
  if (!numbered) return 0;
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch.Select(fmt::format("SELECT user FROM {} WHERE user NOT IN (SELECT user FROM {}) AND user NOT IN "
                            "(SELECT user FROM {}) AND user NOT IN (SELECT user FROM {})",
                            ch.Table("user_seq"), ch.EventsLocal(), ch.Local("attributes"),
                            ch.Local("experiments"))));
  if (rows.empty() || dry_run) return rows.size();
  std::string keys;
  for (auto& r : rows) keys += (keys.empty() ? "" : ",") + r.at(0);
  AIPS_RETURN_IF_ERROR(ch.ExecuteEverywhere({
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", ch.Local("crowd_members"), keys),
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", ch.UsersLocal(), keys),
      fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", ch.Local("user_seq"), keys),
  }));
  AIPS_RETURN_IF_ERROR(ch.WaitForMutations());
  return rows.size();
}

}  // namespace

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
  if (dry_run || dropped_days.empty()) {
    AIPS_ASSIGN_OR_RETURN(bool numbered, HasUserNumbers(ch));
    if (!dry_run) {  // an interrupted earlier retain may have left users without data
      AIPS_ASSIGN_OR_RETURN(out.users_dropped, DropUsersWithoutData(ch, false));
    } else if (numbered) {
      // What would remain: users whose every event is before the cutoff (and nothing else holds them).
      AIPS_ASSIGN_OR_RETURN(
          out.users_dropped,
          ch.SumOverShards(fmt::format(
              "SELECT count() FROM {} WHERE user NOT IN (SELECT user FROM {} WHERE day >= {}) AND user NOT "
              "IN (SELECT user FROM {}) AND user NOT IN (SELECT user FROM {})",
              ch.Table("user_seq"), ch.EventsLocal(), cutoff, ch.Local("attributes"),
              ch.Local("experiments"))));
    }
    return out;
  }
  AIPS_RETURN_IF_ERROR(
      ch.ExecuteEverywhere({fmt::format("INSERT INTO {} SELECT key, day FROM {} WHERE day < {}",
                                        ch.Local("dropped_keys"), ch.EventsLocal(), cutoff)}));
  AIPS_RETURN_IF_ERROR(
      ch.ExecuteEverywhere({fmt::format("ALTER TABLE {} DELETE WHERE day < {}", ch.EventsLocal(), cutoff)}));
  AIPS_RETURN_IF_ERROR(ch.WaitForMutations());
  AIPS_ASSIGN_OR_RETURN(out.users_dropped, DropUsersWithoutData(ch, false));
  return out;
}

}  // namespace aips
