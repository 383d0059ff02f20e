// First-party tiers on ClickHouse (docs/measures.md, "First-party spectrum"): each user of a brand B as of
// day D with window x falls into one tier from their first-party orders (purchases with channel
// first_party) dated in [D-364, D]: lapsed (last order before D - 2x), high_value (2+ orders and GMV at
// least the brand's cut), repeat (2+ orders), one_time (1 order), prospect (in B's asset on D, stage A or
// higher, without a first-party order in the year). Shared by `spectrum` (ch_first_party.cc) and the crowd
// atom `tier(brand: "B", tier: "T")`.
//
// The SQL reads the events table with one GROUP BY user. Every value but the cut is per user, so it is
// correct shard by shard on a cluster (a user's events are on one shard): run it through ChStore::Select
// (distributed_group_by_no_merge=1), or as the right side of `user IN (...)` over the Distributed table
// with distributed_product_mode='local' so that each shard answers for its own users (checked on a
// 2-shard 18.16 cluster: `user IN (SELECT user FROM (<ChTierRowsSql>) WHERE tier = t)` over `events` with
// distributed_product_mode='local' and distributed_group_by_no_merge=1 counts what one server counts, and so
// does `GLOBAL IN`; the default mode refuses it with "Double-distributed IN/JOIN subqueries is denied"). The
// cut is an aggregate over all the brand's repeat buyers, so it is computed first by its own query
// (ChHighValueCut) and enters the tier SQL as a constant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "aips/status.h"
#include "common/date.h"
#include "distributed/ch_store.h"
#include "domain/rules.h"

namespace aips {

// Brand B as of day D with window x, under the rules of B's category (for the stage on D).
struct ChTierSpec {
  std::string events;  // the events table to read: ChStore::Table("events")
  std::string brand;
  Day date = kNoDay;
  int x = 30;
  const RuleSet* rules = nullptr;
};

// The high_value cut of B on D in micro-units: the GMVs of every buyer with 2+ first-party orders in
// [D-364, D] (lapsed ones included) sorted ascending, the value at 0-based position ⌊0.8 × their number⌋;
// nullopt when there is none (nobody is high_value). One aggregate query, evaluated in ClickHouse.
Result<std::optional<int64_t>> ChHighValueCut(ChStore& ch, const ChTierSpec& spec);

// A SELECT with one row per user of B who has a tier on D, with columns
//   user UInt64, tier (0 high_value, 1 repeat, 2 one_time, 3 lapsed, 4 prospect: kTierNames order),
//   st (B's stage on D: 0 none, 1 A .. 5 S), conv (1 when the user bought B, any channel, in (D, D + x]).
// `cut` is ChHighValueCut's answer.
std::string ChTierRowsSql(const ChTierSpec& spec, std::optional<int64_t> cut);

}  // namespace aips
