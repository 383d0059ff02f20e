// Category and competitor measures on ClickHouse (docs/measures.md): compare and the ranks of Aurora are
// composed from the funnel queries (engine/category_compose.h, shared with the embedded engine); overlap,
// defeated (战败人群), search-back (回搜率) and Aurora's content counts are SQL evaluated in ClickHouse, one
// GROUP BY user (or brand and note) on each shard and the sums on the entry node (docs/distributed.md).
#include <algorithm>
#include <map>

#include "distributed/ch_engine.h"
#include "distributed/ch_sql.h"
#include "engine/category_compose.h"
#include "fmt/format.h"

namespace aips {

Result<CompareResult> ClickHouseEngine::Compare(const std::string& brand,
                                                const std::vector<std::string>& competitors,
                                                std::optional<Day> from, std::optional<Day> date, int top_n) {
  return CompareBrands(*this, brand, competitors, from, date, top_n);
}

Result<OverlapResult> ClickHouseEngine::Overlap(const std::vector<std::string>& brands,
                                                std::optional<Day> date) {
  if (brands.size() < 2) return Status::InvalidArgument("--brands needs at least two brands");
  OverlapResult out;
  out.brands = brands;
  AIPS_ASSIGN_OR_RETURN(out.date, DateOr(date));
  // Each distinct brand's stage on D per user, counted per combination of stages.
  std::vector<std::string> distinct;
  std::vector<size_t> column;  // brands[i] -> its stage column s<k>
  int window = 1;
  for (const std::string& b : brands) {
    AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{b, std::nullopt}));
    auto it = std::find(distinct.begin(), distinct.end(), b);
    column.push_back(static_cast<size_t>(it - distinct.begin()));
    if (it == distinct.end()) distinct.push_back(b);
    window = std::max(window, RulesOf(b).MaxWindow());
  }
  std::string arrays, stages, keys;
  for (size_t k = 0; k < distinct.size(); ++k) {
    const RuleSet& rs = RulesOf(distinct[k]);
    arrays += ", " + ChStageArrays(rs, "brand = " + ChQuote(distinct[k]), fmt::format("o{}_", k));
    stages +=
        fmt::format("{}{} AS s{}", k ? ", " : "", ChStageAt(rs, ChDay(out.date), fmt::format("o{}_", k)), k);
    keys += fmt::format("{}s{}", k ? ", " : "", k);
  }
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows, ch_->Select(fmt::format(
                       "SELECT {0}, count() FROM (SELECT {1} FROM (SELECT user{2} FROM {3} WHERE brand IN "
                       "({4}) AND day >= {5} AND day <= {6} GROUP BY user)) GROUP BY {0}",
                       keys, stages, arrays, ch_->Table("events"), ChQuoteList(distinct),
                       ChDay(out.date - window + 1), ChDay(out.date))));
  out.sizes.assign(brands.size(), {});
  out.pairs.assign(brands.size(), std::vector<std::array<uint64_t, 6>>(brands.size()));
  for (auto& r : rows) {
    if (r.size() != distinct.size() + 1) return Status::IOError("unexpected answer from ClickHouse");
    const uint64_t n = ChU64(r.back());
    std::vector<size_t> st;
    for (size_t i = 0; i < brands.size(); ++i) st.push_back(ChU64(r[column[i]]));
    for (size_t i = 0; i < brands.size(); ++i) {
      if (st[i] > kNumStages) return Status::IOError("unexpected answer from ClickHouse");
      if (st[i] == 0) continue;
      out.sizes[i][st[i] - 1] += n;
      out.sizes[i][5] += n;
      for (size_t j = 0; j < brands.size(); ++j) {
        if (st[j] == 0) continue;
        out.pairs[i][j][5] += n;
        if (st[j] == st[i]) out.pairs[i][j][st[i] - 1] += n;
      }
    }
  }
  return out;
}

Result<DefeatedResult> ClickHouseEngine::Defeated(const std::string& brand, std::optional<Day> date,
                                                  std::optional<int> x) {
  DefeatedResult out;
  out.brand = brand;
  AIPS_ASSIGN_OR_RETURN(out.category, CategoryOf(brand));
  out.x_days = x.value_or(catalog_.DecisionCycle(out.category));
  if (out.x_days < 1) return Status::InvalidArgument("--x must be at least 1");
  AIPS_ASSIGN_OR_RETURN(out.date, DateOr(date));
  out.seeded_on = out.date - out.x_days;
  std::vector<std::string> names = aips::BrandsOfCategory(catalog_, out.category);
  const RuleSet& rs = RulesOf(brand);
  const std::string self = ChQuote(brand), s = ChDay(out.seeded_on);
  // Per user: the brand's stage on seeded_on, whether they bought the brand after it, and the other
  // brands of the category they bought after it; then per competitor (b = '' is every seeded user).
  const std::string level1 = fmt::format(
      "SELECT user, {0}, countIf(brand = {1} AND action = 'purchase' AND day > {2}) > 0 AS here, "
      "groupUniqArrayIf(brand, brand != {1} AND action = 'purchase' AND day > {2}) AS comp FROM {3} WHERE "
      "brand IN ({4}) AND day >= {5} AND day <= {6} GROUP BY user",
      ChStageArrays(rs, "brand = " + self, "a"), self, s, ch_->Table("events"), ChQuoteList(names),
      ChDay(out.seeded_on - rs.MaxWindow() + 1), ChDay(out.date));
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch_->Select(fmt::format("SELECT b, count(), countIf(here), countIf(NOT here AND length(comp) > 0), "
                              "countIf(NOT here) FROM (SELECT here, comp, {} AS st FROM ({})) ARRAY JOIN "
                              "arrayConcat([''], comp) AS b WHERE st >= 3 GROUP BY b",
                              ChStageAt(rs, s, "a"), level1)));
  std::map<std::string, uint64_t> bought_there;
  for (auto& r : rows) {
    if (r.size() != 5) return Status::IOError("unexpected answer from ClickHouse");
    if (r[0].empty()) {
      out.seeded = ChU64(r[1]);
      out.bought_brand = ChU64(r[2]);
      out.defeated = ChU64(r[3]);
    } else {
      bought_there[r[0]] = ChU64(r[4]);
    }
  }
  // The embedded engine's order: by brand name, then by count (the same sort).
  for (auto& [b, n] : bought_there)
    if (n) out.by_competitor.emplace_back(b, n);
  std::sort(out.by_competitor.begin(), out.by_competitor.end(),
            [](auto& a, auto& b) { return a.second > b.second; });
  return out;
}

Result<SearchBackResult> ClickHouseEngine::SearchBack(const std::string& brand, std::optional<Day> from,
                                                      std::optional<Day> to, int within_days) {
  SearchBackResult out;
  out.brand = brand;
  if (within_days < 0) return Status::InvalidArgument("--within must be at least 0");
  out.within_days = within_days;
  AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{brand, std::nullopt}));
  AIPS_ASSIGN_OR_RETURN(out.to, DateOr(to));
  out.from = from.value_or(out.to - 29);
  if (out.from > out.to) return Status::InvalidArgument("--from is after --to");
  // Per reader: is there a search day s with r <= s <= r + within for one of their reading days r? The
  // inner lambda gets the search days as an argument (18.16 cannot capture a subquery's column).
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch_->Select(fmt::format(
          "SELECT count(), countIf(arrayExists((r, ss) -> arrayExists(sd -> sd >= r AND toUInt32(sd) <= "
          "toUInt32(r) + {0}, ss), rd, arrayResize([sds], length(rd), sds))) FROM (SELECT user, "
          "groupArrayIf(day, action IN ('click', 'deep_read') AND day <= {1}) AS rd, groupArrayIf(day, "
          "action = "
          "'search') AS sds FROM {2} WHERE brand = {3} AND day >= {4} AND day <= {5} GROUP BY user) WHERE "
          "length(rd) > 0",
          within_days, ChDay(out.to), ch_->Table("events"), ChQuote(brand), ChDay(out.from),
          ChDay(out.to + within_days))));
  if (rows.size() != 1 || rows[0].size() != 2) return Status::IOError("unexpected answer from ClickHouse");
  out.readers = ChU64(rows[0][0]);
  out.searched = ChU64(rows[0][1]);
  return out;
}

Result<AuroraResult> ClickHouseEngine::Aurora(const std::string& category, std::optional<Day> date) {
  // Content counts of the category's brands in one query: per shard, one row per brand and note of the
  // last 30 days (older rows share the note ''), so that a note seen on two shards counts once.
  auto content = [&](const std::vector<std::string>& names,
                     Day day) -> Result<std::map<std::string, AuroraContent>> {
    const std::string d30 = ChDay(day - 29);
    AIPS_ASSIGN_OR_RETURN(
        ChRows rows,
        ch_->Select(fmt::format(
            "SELECT brand, uniqExactIf(n30, n30 != ''), sum(eng), sum(posts), sum(pos) FROM (SELECT brand, "
            "if(day >= {0}, note, '') AS n30, countIf(day >= {0} AND note != '' AND action IN ('like', "
            "'collect', 'comment', 'share')) AS eng, countIf(action = 'post') AS posts, countIf(action = "
            "'post' AND sentiment = 'positive') AS pos FROM {1} WHERE brand IN ({2}) AND day >= {3} AND day "
            "<= {4} GROUP BY brand, n30) GROUP BY brand",
            d30, ch_->Table("events"), ChQuoteList(names), ChDay(day - 364), ChDay(day))));
    std::map<std::string, AuroraContent> out;
    for (auto& r : rows) {
      if (r.size() != 5) return Status::IOError("unexpected answer from ClickHouse");
      out[r[0]] = AuroraContent{ChU64(r[1]), ChU64(r[2]), ChU64(r[3]), ChU64(r[4])};
    }
    return out;
  };
  return AuroraOfCategory(*this, category, date, content);
}

}  // namespace aips
