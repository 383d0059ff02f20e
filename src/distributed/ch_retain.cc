#include "distributed/ch_retain.h"

#include <algorithm>
#include <set>
#include <string>

#include "fmt/format.h"

namespace aips {

namespace {

// As the embedded retention: the users left with no event (of those `kept` selects), no tags (the
// latest attributes row of a user whose tags were cleared is empty) and no experiment assignment. Each
// shard holds its own users, so the test runs shard-local (non-GLOBAL IN on the Distributed table).
Result<std::vector<std::string>> UsersWithoutData(ChStore& ch, const std::string& kept) {
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch.Select(fmt::format(
          "SELECT DISTINCT user FROM {} WHERE user NOT IN (SELECT user FROM {} WHERE {}) AND user NOT IN "
          "(SELECT user FROM {} GROUP BY user HAVING notEmpty(argMax(tags, version))) AND user NOT IN "
          "(SELECT user FROM {})",
          ch.Table("user_seq"), ch.EventsLocal(), kept, ch.Local("attributes"), ch.Local("experiments"))));
  std::vector<std::string> users;
  for (auto& r : rows) users.push_back(r.at(0));
  return users;
}

// Deletes the users from the user numbers, the user ids and the saved crowds' members (a returning user
// is numbered anew, as on a data directory), a bounded number of keys per statement.
Status DropUsers(ChStore& ch, const std::vector<std::string>& users) {
  constexpr size_t kKeysPerStatement = 5000;  // well inside max_query_size (256 KiB)
  for (size_t at = 0; at < users.size(); at += kKeysPerStatement) {
    std::string keys;
    for (size_t i = at; i < std::min(users.size(), at + kKeysPerStatement); ++i)
      keys += (keys.empty() ? "" : ",") + users[i];
    AIPS_RETURN_IF_ERROR(ch.ExecuteEverywhere({
        fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", ch.Local("crowd_members"), keys),
        fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", ch.UsersLocal(), keys),
        fmt::format("ALTER TABLE {} DELETE WHERE user IN ({})", ch.Local("user_seq"), keys),
    }));
  }
  return users.empty() ? Status::OK() : ch.WaitForMutations();
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
  if (dry_run) {  // the users whose every event is before the cutoff (and nothing else holds them)
    AIPS_ASSIGN_OR_RETURN(auto users, UsersWithoutData(ch, fmt::format("day >= {}", cutoff)));
    out.users_dropped = users.size();
    return out;
  }
  if (!dropped_days.empty()) {
    AIPS_RETURN_IF_ERROR(
        ch.ExecuteEverywhere({fmt::format("INSERT INTO {} SELECT key, day FROM {} WHERE day < {}",
                                          ch.Local("dropped_keys"), ch.EventsLocal(), cutoff)}));
    AIPS_RETURN_IF_ERROR(ch.ExecuteEverywhere(
        {fmt::format("ALTER TABLE {} DELETE WHERE day < {}", ch.EventsLocal(), cutoff)}));
    AIPS_RETURN_IF_ERROR(ch.WaitForMutations());
  }
  // Even with nothing to cut, users left with nothing by an interrupted earlier retain are dropped.
  AIPS_ASSIGN_OR_RETURN(auto users, UsersWithoutData(ch, "1"));
  AIPS_RETURN_IF_ERROR(DropUsers(ch, users));
  out.users_dropped = users.size();
  return out;
}

}  // namespace aips
