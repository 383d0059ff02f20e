// Lookalike tiers on ClickHouse (docs/distributed.md, "Lookalike"; the model is engine/lookalike_model.h).
// Each user's features are three arrays of feature numbers built by one GROUP BY user over the window's
// events (on each shard: users never span shards). Counted per feature, they give the weights (computed in
// C++ by the code the embedded engine uses); the weights go back into SQL as fixed-point integers, so a
// score is an exact arraySum and equal scores are equal on every backend. What comes back: the features'
// counts, the number of candidates per score, and for a tier that ends inside a run of equal scores the
// user number where it ends. Saving a tier writes its members on each shard's node: members never leave
// ClickHouse.
#include <set>

#include "absl/strings/str_join.h"

#include "distributed/ch_engine.h"
#include "distributed/ch_sql.h"
#include "domain/domain.h"
#include "engine/lookalike_model.h"
#include "fmt/format.h"

namespace aips {

namespace {

// The features of the window: the brands with events in it (sorted), their categories (sorted), then every
// action; numbered from 1 in that order, as ClickHouse indexes arrays.
struct FeatureSpace {
  std::string brands;          // quoted list, the brands' order
  std::string brand_category;  // the feature number of each brand's category, the brands' order
  uint32_t first_action = 0;   // the feature number of action 0
  Day from = kNoDay, to = kNoDay;

  // Per user: the arrays bf, cf, af of the user's feature numbers over `events` in the window, for the
  // users `user_filter` keeps ("" for all). One GROUP BY user: shard-local on a cluster.
  std::string PerUser(const std::string& events, const std::string& user_filter) const {
    return fmt::format(
        "SELECT user, groupUniqArray(toUInt32(indexOf([{0}], brand))) AS bf, "
        "groupUniqArray(toUInt32([{1}][indexOf([{0}], brand)])) AS cf, "
        "groupUniqArray(toUInt32(CAST(action AS Int8)) + {2}) AS af FROM {3} WHERE day >= {4} AND day <= {5} "
        "AND brand IN ({0}){6} GROUP BY user",
        brands, brand_category, first_action, events, ChDay(from), ChDay(to),
        user_filter.empty() ? "" : " AND " + user_filter);
  }
};

}  // namespace

Result<LookalikeResult> ClickHouseEngine::Lookalike(const CrowdQuery& seed, std::optional<Day> date,
                                                    int window_days, const std::vector<uint64_t>& tier_sizes,
                                                    const std::string& save_as) {
  // The embedded engine's order of checks: the seed expression, the request, the date, an empty seed.
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(seed.expr));
  AIPS_ASSIGN_OR_RETURN(std::string seed_sql, CrowdMembersSql(*node, seed.tenant));
  AIPS_RETURN_IF_ERROR(CheckLookalikeRequest(window_days, tier_sizes));
  LookalikeResult out;
  AIPS_ASSIGN_OR_RETURN(out.date, DateOr(date));
  out.window_days = window_days;
  AIPS_ASSIGN_OR_RETURN(out.seed, CountMembers(seed_sql));
  if (out.seed == 0) return Status::InvalidArgument("the seed crowd is empty");

  FeatureSpace space;
  space.from = out.date - window_days + 1;
  space.to = out.date;
  AIPS_ASSIGN_OR_RETURN(ChRows brand_rows,
                        ch_->Select(fmt::format("SELECT DISTINCT brand FROM {} WHERE day >= {} AND day <= {}",
                                                ch_->Table("events"), ChDay(space.from), ChDay(space.to))));
  std::set<std::string> brand_set;
  for (auto& r : brand_rows) brand_set.insert(r.at(0));
  const std::vector<std::string> brands(brand_set.begin(), brand_set.end());
  std::set<std::string> category_set;
  for (auto& b : brands) category_set.insert(CategoryName(b));
  const std::vector<std::string> categories(category_set.begin(), category_set.end());
  LookalikeCounts counts;
  for (auto& b : brands) counts.names.push_back("brand:" + b);
  for (auto& c : categories) counts.names.push_back("category:" + c);
  for (int a = 0; a < kNumActions; ++a)
    counts.names.push_back("action:" + std::string(kActionNames[static_cast<size_t>(a)]));
  std::vector<uint32_t> brand_category;
  for (auto& b : brands) {
    auto it = category_set.find(CategoryName(b));
    brand_category.push_back(
        static_cast<uint32_t>(brands.size() + 1 + std::distance(category_set.begin(), it)));
  }
  space.brands = ChQuoteList(brands);
  space.brand_category = absl::StrJoin(brand_category, ", ");
  space.first_action = static_cast<uint32_t>(brands.size() + categories.size() + 1);
  counts.pop_n.assign(counts.names.size(), 0);
  counts.seed_n.assign(counts.names.size(), 0);

  const std::string not_seed = fmt::format("user NOT IN ({})", seed_sql);
  std::vector<TierCut> cuts;
  std::vector<uint64_t> last_seq;  // per tier ending inside a run of equal scores: its last user number
  std::string scored;              // per user: score, over the local tables (for IN and INSERT ... SELECT)
  if (!brands.empty()) {
    // Feature 0 is "any": it counts the users themselves.
    for (bool in_seed : {false, true}) {
      AIPS_ASSIGN_OR_RETURN(
          ChRows rows,
          ch_->Select(fmt::format(
              "SELECT f, count() FROM ({}) ARRAY JOIN arrayConcat([toUInt32(0)], bf, cf, af) AS f GROUP BY f",
              space.PerUser(ch_->Table("events"), in_seed ? fmt::format("user IN ({})", seed_sql) : ""))));
      for (auto& r : rows) {
        const uint64_t f = ChU64(r.at(0)), n = ChU64(r.at(1));
        if (f > counts.names.size()) return Status::IOError("unexpected answer from ClickHouse (lookalike)");
        if (f == 0) {
          (in_seed ? counts.seed : counts.pop) += n;
        } else {
          (in_seed ? counts.seed_n : counts.pop_n)[f - 1] += n;
        }
      }
    }
  }
  const std::vector<double> weights = LookalikeWeights(counts);
  if (!brands.empty()) {
    std::vector<int64_t> fixed;
    for (double w : weights) fixed.push_back(FixedWeight(w));
    const std::string score =
        fmt::format("arraySum(arrayMap(f -> CAST('[{}]' AS Array(Int64))[f], arrayConcat(bf, cf, af)))",
                    absl::StrJoin(fixed, ", "));
    AIPS_ASSIGN_OR_RETURN(ChRows rows,
                          ch_->Select(fmt::format("SELECT s, count() FROM (SELECT {} AS s FROM ({})) "
                                                  "GROUP BY s",
                                                  score, space.PerUser(ch_->Table("events"), not_seed))));
    std::map<int64_t, uint64_t> by_score;
    for (auto& r : rows) {
      const uint64_t n = ChU64(r.at(1));
      by_score[ChI64(r.at(0))] += n;
      out.candidates += n;
    }
    cuts = CutTiers(by_score, tier_sizes);
    last_seq.assign(cuts.size(), 0);
    scored =
        fmt::format("SELECT user, {} AS s FROM ({})", score, space.PerUser(ch_->EventsLocal(), not_seed));
    // A tier ending inside a run of equal scores takes the first users by number: where that run is cut.
    for (size_t t = 0; t < cuts.size(); ++t) {
      const TierCut& cut = cuts[t];
      if (cut.size == 0 || cut.at_score == by_score[cut.score]) continue;
      AIPS_ASSIGN_OR_RETURN(
          ChRows q,
          ch_->Select(fmt::format("SELECT seq FROM (SELECT user, min(seq) AS seq FROM {} WHERE user IN "
                                  "(SELECT user FROM ({}) WHERE s = {}) GROUP BY user) ORDER BY seq "
                                  "LIMIT 1 OFFSET {}",
                                  ch_->Table("user_seq"), scored, cut.score, cut.at_score - 1)));
      if (q.empty()) return Status::IOError("unexpected answer from ClickHouse (lookalike tier cut)");
      last_seq[t] = ChU64(q[0].at(0));
    }
  } else {
    cuts = CutTiers({}, tier_sizes);
    last_seq.assign(cuts.size(), 0);
  }
  for (size_t t = 0; t < cuts.size(); ++t) {
    LookalikeTier tier;
    tier.name = TierName(t, cuts.size());
    tier.size = cuts[t].size;
    tier.min_score = cuts[t].size ? FixedScore(cuts[t].score) : 0;
    out.tiers.push_back(std::move(tier));
  }
  out.top_features = TopFeatures(counts, weights);
  if (save_as.empty()) return out;
  for (size_t t = 0; t < cuts.size(); ++t) {
    const TierCut& cut = cuts[t];
    std::string members = fmt::format("SELECT user FROM {} WHERE 0", ch_->Local("user_seq"));  // empty tier
    if (cut.size > 0) {
      members = fmt::format("SELECT user FROM ({}) WHERE s > {}", scored, cut.score);
      members += last_seq[t] ? fmt::format(
                                   " OR (s = {} AND user IN (SELECT user FROM {} GROUP BY user HAVING "
                                   "min(seq) <= {}))",
                                   cut.score, ch_->Local("user_seq"), last_seq[t])
                             : fmt::format(" OR s = {}", cut.score);
    }
    AIPS_RETURN_IF_ERROR(SaveMembers(save_as + "-" + out.tiers[t].name, seed.tenant,
                                     fmt::format("lookalike of ({}) tier {}", seed.expr, out.tiers[t].name),
                                     members)
                             .status());
  }
  return out;
}

}  // namespace aips
