#include "distributed/ch_engine.h"

#include <algorithm>
#include <map>
#include <set>

#include "distributed/ch_sql.h"
#include "engine/messages.h"
#include "engine/query_dates.h"
#include "fmt/format.h"

namespace aips {

namespace {

int Code(const std::string& s) { return static_cast<int>(ChU64(s)); }

}  // namespace

Result<std::unique_ptr<ClickHouseEngine>> ClickHouseEngine::Open(const std::string& url) {
  auto e = std::unique_ptr<ClickHouseEngine>(new ClickHouseEngine());
  AIPS_ASSIGN_OR_RETURN(e->ch_, ChStore::Connect(url, ChStore::Mode::kRead));
  e->url_ = url;
  AIPS_ASSIGN_OR_RETURN(e->rules_, e->ch_->LoadRules());
  AIPS_ASSIGN_OR_RETURN(e->catalog_, e->ch_->LoadCatalog());
  return e;
}

std::string ClickHouseEngine::CategoryName(const std::string& brand) const {
  auto c = catalog_.CategoryOf(brand);
  return c ? *c : "brand:" + brand;
}

const RuleSet& ClickHouseEngine::RulesOf(const std::string& brand) const {
  return rules_.ForCategory(CategoryName(brand));
}

Status ClickHouseEngine::Resolve(const ScopeRef& scope) {
  // A brand with a brands row is known whether or not events name it; only an SPU needs the events.
  if (!scope.spu && catalog_.CategoryOf(scope.brand)) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(ChRows rows,
                        ch_->Select(fmt::format("SELECT spu, sum(n) FROM (SELECT spu, count() AS n FROM {} "
                                                "WHERE brand = {} GROUP BY spu) GROUP BY spu",
                                                ch_->Table("events"), ChQuote(scope.brand))));
  if (rows.empty() && !catalog_.CategoryOf(scope.brand))
    return Status::NotFound(UnknownBrandMessage(scope.brand));
  if (scope.spu) {
    bool found = false;
    for (auto& r : rows) found |= !r[0].empty() && r[0] == *scope.spu;
    if (!found) {
      return Status::NotFound(
          fmt::format("unknown SPU '{}' of brand '{}' (no event names it)", *scope.spu, scope.brand));
    }
  }
  return Status::OK();
}

Result<std::pair<Day, Day>> ClickHouseEngine::DataDays() {
  if (!days_) {
    AIPS_ASSIGN_OR_RETURN(auto d, ch_->DataDays());  // one scan per engine, not one per query or campaign
    days_ = d;
  }
  return *days_;
}

Result<Day> ClickHouseEngine::LastDay() {
  AIPS_ASSIGN_OR_RETURN(auto d, DataDays());
  return d.second;
}

Result<Day> ClickHouseEngine::DateOr(std::optional<Day> date) {
  if (date) return *date;
  AIPS_ASSIGN_OR_RETURN(Day last, LastDay());
  return DateOrLast(std::nullopt, last);
}

Result<std::vector<std::array<uint64_t, 6>>> ClickHouseEngine::StageCounts(const ScopeRef& scope,
                                                                           const std::vector<Day>& days) {
  const RuleSet& rs = RulesOf(scope.brand);
  const std::string filter = ChScopeFilter(scope.brand, scope.spu);
  std::string list;
  for (Day d : days) list += (list.empty() ? "" : ", ") + ChDay(d);
  const Day lo = *std::min_element(days.begin(), days.end()) - rs.MaxWindow() + 1;
  const Day hi = *std::max_element(days.begin(), days.end());
  const std::string sql = fmt::format(
      "SELECT d, st, count() FROM (SELECT d, {} AS st FROM (SELECT user, {} FROM {} WHERE {} AND day >= {} "
      "AND day "
      "<= {} GROUP BY user) ARRAY JOIN [{}] AS d) WHERE st > 0 GROUP BY d, st",
      ChStageAt(rs, "d", "a"), ChStageArrays(rs, "1", "a"), ch_->Table("events"), filter, ChDay(lo),
      ChDay(hi), list);
  AIPS_ASSIGN_OR_RETURN(ChRows rows, ch_->Select(sql));
  std::map<Day, size_t> index;
  for (size_t i = 0; i < days.size(); ++i) index[days[i]] = i;
  std::vector<std::array<uint64_t, 6>> out(days.size());
  for (auto& r : rows) {
    AIPS_ASSIGN_OR_RETURN(Day d, ParseDate(r[0]));
    const int st = Code(r[1]);
    auto it = index.find(d);
    if (it == index.end() || st < 1 || st > 5) return Status::IOError("unexpected answer from ClickHouse");
    out[it->second][static_cast<size_t>(st)] += ChU64(r[2]);
  }
  return out;
}

Result<StagesResult> ClickHouseEngine::Stages(const ScopeRef& scope, std::optional<Day> date) {
  AIPS_RETURN_IF_ERROR(Resolve(scope));
  StagesResult out;
  out.scope = scope;
  AIPS_ASSIGN_OR_RETURN(out.date, DateOr(date));
  AIPS_ASSIGN_OR_RETURN(auto counts, StageCounts(scope, {out.date}));
  for (int s = 0; s < kNumStages; ++s) out.stages[s] = counts[0][static_cast<size_t>(s + 1)];
  return out;
}

Result<TrendResult> ClickHouseEngine::Trend(const ScopeRef& scope, std::optional<Day> from,
                                            std::optional<Day> to) {
  AIPS_RETURN_IF_ERROR(Resolve(scope));
  TrendResult out;
  out.scope = scope;
  AIPS_ASSIGN_OR_RETURN(out.to, DateOr(to));
  AIPS_ASSIGN_OR_RETURN(auto days_range, DataDays());
  AIPS_ASSIGN_OR_RETURN(out.from, TrendFrom(from, out.to, days_range.first));
  std::vector<Day> days;
  for (Day d = out.from; d <= out.to; ++d) days.push_back(d);
  AIPS_ASSIGN_OR_RETURN(auto counts, StageCounts(scope, days));
  for (auto& c : counts) {
    StageSizes sz{};
    for (int s = 0; s < kNumStages; ++s) sz[s] = c[static_cast<size_t>(s + 1)];
    out.days.push_back(sz);
  }
  return out;
}

Result<FlowResult> ClickHouseEngine::Flow(const ScopeRef& scope, std::optional<Day> from,
                                          std::optional<Day> to) {
  AIPS_RETURN_IF_ERROR(Resolve(scope));
  FlowResult out;
  out.scope = scope;
  AIPS_ASSIGN_OR_RETURN(out.to, DateOr(to));
  AIPS_ASSIGN_OR_RETURN(auto days_range, DataDays());
  AIPS_ASSIGN_OR_RETURN(out.from, FlowFrom(from, out.to, days_range.first));
  const RuleSet& rs = RulesOf(scope.brand);
  const std::string sql = fmt::format(
      "SELECT s0, s1, count() FROM (SELECT {} AS s0, {} AS s1 FROM (SELECT user, {} FROM {} WHERE {} AND day "
      ">= {} "
      "AND day <= {} GROUP BY user)) WHERE s0 > 0 OR s1 > 0 GROUP BY s0, s1",
      ChStageAt(rs, ChDay(out.from), "a"), ChStageAt(rs, ChDay(out.to), "a"), ChStageArrays(rs, "1", "a"),
      ch_->Table("events"), ChScopeFilter(scope.brand, scope.spu), ChDay(out.from - rs.MaxWindow() + 1),
      ChDay(out.to));
  AIPS_ASSIGN_OR_RETURN(ChRows rows, ch_->Select(sql));
  for (auto& r : rows) {
    const int a = Code(r[0]), b = Code(r[1]);
    if (a > 5 || b > 5) return Status::IOError("unexpected answer from ClickHouse");
    out.matrix[static_cast<size_t>(a)][static_cast<size_t>(b)] += ChU64(r[2]);
  }
  CountFlowMoves(&out);
  return out;
}

Result<PenetrationResult> ClickHouseEngine::Penetration(const ScopeRef& scope, std::optional<Day> date) {
  AIPS_RETURN_IF_ERROR(Resolve(scope));
  PenetrationResult out;
  out.scope = scope;
  AIPS_ASSIGN_OR_RETURN(out.date, DateOr(date));
  out.category = CategoryName(scope.brand);
  out.category_listed = catalog_.CategoryOf(scope.brand).has_value();
  const std::string brands = ChQuoteList(aips::BrandsOfCategory(catalog_, out.category));
  const RuleSet& rs = rules_.ForCategory(out.category);
  const Day lo = out.date - std::max(rs.MaxWindow(), rs.crowd_window_days) + 1;
  const std::string sql = fmt::format(
      "SELECT c, st, count() FROM (SELECT c, {} AS st FROM (SELECT user, countIf({} AND day >= {}) > 0 AS c, "
      "{} FROM "
      "{} WHERE brand IN ({}) AND day >= {} AND day <= {} GROUP BY user)) GROUP BY c, st",
      ChStageAt(rs, ChDay(out.date), "a"), ChAnyStageCondition(rs),
      ChDay(out.date - rs.crowd_window_days + 1),
      ChStageArrays(rs, ChScopeFilter(scope.brand, scope.spu), "a"), ch_->Table("events"), brands, ChDay(lo),
      ChDay(out.date));
  AIPS_ASSIGN_OR_RETURN(ChRows rows, ch_->Select(sql));
  for (auto& r : rows) {
    if (r[0] != "1") continue;
    const int st = Code(r[1]);
    out.category_crowd += ChU64(r[2]);
    if (st >= 1 && st <= 5) out.in_crowd[static_cast<size_t>(st - 1)] += ChU64(r[2]);
  }
  return out;
}

Result<ClickHouseEngine::ReachFlight> ClickHouseEngine::FlightOf(const std::string& campaign) {
  // Which brands' events carry the campaign, and on which days.
  AIPS_ASSIGN_OR_RETURN(
      ChRows carried,
      ch_->Select(fmt::format("SELECT brand, sum(n), min(lo), max(hi) FROM (SELECT brand, count() AS n, "
                              "min(day) AS lo, max(day) AS hi FROM {} WHERE campaign = {} GROUP BY brand) "
                              "GROUP BY brand ORDER BY sum(n) DESC, brand",
                              ch_->Table("events"), ChQuote(campaign))));
  const auto row = catalog_.campaigns.find(campaign);
  if (row == catalog_.campaigns.end() && carried.empty())
    return Status::NotFound(UnknownCampaignMessage(campaign));
  ReachFlight f;
  for (auto& r : carried) f.carried += ChU64(r.at(1));
  if (row != catalog_.campaigns.end()) {
    f.brand = row->second.brand;
    f.start = row->second.start;
    f.end = row->second.end;
    return f;
  }
  // Brand and flight from the campaign's events: the brand with most of them, their first and last day.
  f.brand = carried[0][0];
  for (auto& r : carried) {
    AIPS_ASSIGN_OR_RETURN(Day lo, ParseDate(r[2]));
    AIPS_ASSIGN_OR_RETURN(Day hi, ParseDate(r[3]));
    f.start = f.start == kNoDay ? lo : std::min(f.start, lo);
    f.end = std::max(f.end, hi);
  }
  return f;
}

// Long on purpose: the campaign measures of docs/measures.md as their SQL, one query per measure group,
// in the order the embedded engine computes them, so that the two can be read side by side.
Result<CampaignResult> ClickHouseEngine::CampaignHeader(const std::string& name, std::optional<int> x,
                                                        ReachFlight* flight_out) {
  if (x && (*x < 0 || *x > 3650)) return Status::InvalidArgument("--x must be a number of days in [0, 3650]");
  AIPS_ASSIGN_OR_RETURN(ReachFlight flight, FlightOf(name));
  CampaignResult out;
  out.campaign = name;
  AIPS_ASSIGN_OR_RETURN(out.last_data_day, LastDay());
  if (const auto row = catalog_.campaigns.find(name); row != catalog_.campaigns.end()) {
    out.listed = true;
    if (!row->second.spu.empty()) out.spu = row->second.spu;
  }
  out.brand = flight.brand;
  out.start = flight.start;
  out.end = flight.end;
  for (auto it = catalog_.spend.lower_bound({name, kNoDay});
       it != catalog_.spend.end() && it->first.first == name; ++it) {
    out.spend += it->second;
  }
  const std::string category = CategoryName(out.brand);
  out.x_days = x.value_or(catalog_.DecisionCycle(category));
  out.window_end = out.end + out.x_days;
  out.provisional = out.last_data_day == kNoDay || out.window_end > out.last_data_day;
  *flight_out = flight;
  return out;
}

Result<CampaignResult> ClickHouseEngine::Campaign(const std::string& name, std::optional<int> x) {
  const std::string events = ch_->Table("events");
  ReachFlight flight;
  AIPS_ASSIGN_OR_RETURN(CampaignResult out, CampaignHeader(name, x, &flight));
  if (flight.carried == 0 || out.start == kNoDay) return out;  // nothing reached
  AIPS_ASSIGN_OR_RETURN(
      ChRows spus,
      ch_->Select(fmt::format("SELECT spu, sum(n) FROM (SELECT spu, count() AS n FROM {} WHERE brand = {} "
                              "GROUP BY spu) GROUP BY spu",
                              events, ChQuote(out.brand))));
  if (spus.empty()) return out;  // the brand has no events
  bool scope_known = !out.spu;
  for (auto& r : spus) scope_known |= out.spu && !r[0].empty() && r[0] == *out.spu;

  const RuleSet& rs = rules_.ForCategory(CategoryName(out.brand));
  const std::string c = ChQuote(name), s = ChDay(out.start), e = ChDay(out.end);
  const std::string in_flight = fmt::format("campaign = {} AND day >= {} AND day <= {}", c, s, e);
  const std::string buy =
      fmt::format("action = 'purchase' AND day >= {} AND day <= {}", s, ChDay(out.window_end));
  const std::string scope_filter = out.spu ? "spu = " + ChQuote(*out.spu) : "1";
  const std::string level1 = fmt::format(
      "SELECT user, countIf({0} AND action = 'impression') AS imps, countIf({0} AND action = 'click') AS "
      "clicks, "
      "minIf(day, {0} AND action IN ('impression', 'click')) AS fr, {1}, {2}, groupArrayIf(day, {3}) AS bd, "
      "groupArrayIf(amount, {3}) AS bam FROM {4} WHERE brand = {5} AND day >= {6} AND day <= {7} GROUP BY "
      "user",
      in_flight, ChStageArrays(rs, scope_filter, "a"), ChStageArrays(rs, "1", "w"), buy, events,
      ChQuote(out.brand), ChDay(out.start - 1 - rs.MaxWindow() + 1), ChDay(out.window_end));
  const std::string level2 = fmt::format(
      "SELECT imps, clicks, imps + clicks > 0 AS reached, {} AS sb, {} AS sa, {} AS wa, length(bd) AS n_all, "
      "arraySum(bam) AS g_all, arrayCount((dd, f) -> dd >= f, bd, arrayResize([fr], length(bd), fr)) AS "
      "n_after, "
      "arraySum(arrayMap((dd, a, f) -> if(dd >= f, a, 0), bd, bam, arrayResize([fr], length(bd), fr))) AS "
      "g_after "
      "FROM ({})",
      ChStageAt(rs, ChDay(out.start - 1), "a"), ChStageAt(rs, e, "a"), ChStageAt(rs, e, "w"), level1);
  std::string cols =
      "countIf(reached), sum(imps), sum(clicks), sumIf(g_after, reached), sumIf(n_after, reached), "
      "countIf(reached AND n_after > 0), sumIf(n_all, reached), sumIf(g_all, reached), countIf(reached AND "
      "n_all > "
      "0), countIf(NOT reached AND wa >= 1), sumIf(n_all, NOT reached AND wa >= 1), sumIf(g_all, NOT reached "
      "AND wa "
      ">= 1), countIf(NOT reached AND wa >= 1 AND n_all > 0)";
  for (int st = 2; st <= 5; ++st) cols += fmt::format(", countIf(reached AND sb < {0} AND sa >= {0})", st);
  for (int st = 1; st <= 5; ++st)
    cols += fmt::format(", countIf(reached AND sb = {0}), countIf(reached AND sa = {0})", st);
  AIPS_ASSIGN_OR_RETURN(ChRows rows, ch_->Select(fmt::format("SELECT {} FROM ({})", cols, level2)));
  if (rows.size() != 1 || rows[0].size() != 27) return Status::IOError("unexpected answer from ClickHouse");
  const auto& v = rows[0];
  out.reach = ChU64(v[0]);
  out.impressions = ChU64(v[1]);
  out.clicks = ChU64(v[2]);
  out.gmv = ChI64(v[3]);
  out.orders = ChU64(v[4]);
  out.buyers = ChU64(v[5]);
  out.seeded = BuyerGroup{out.reach, ChU64(v[8]), ChU64(v[6]), ChI64(v[7])};
  out.unseeded = BuyerGroup{ChU64(v[9]), ChU64(v[12]), ChU64(v[10]), ChI64(v[11])};
  if (scope_known) {
    out.new_I = ChU64(v[13]);
    out.new_TI = ChU64(v[14]);
    out.new_P = ChU64(v[15]);
    out.new_S = ChU64(v[16]);
    uint64_t in_b = 0, in_a = 0;
    for (size_t st = 1; st <= 5; ++st) {
      out.mix_before[st] = ChU64(v[15 + 2 * st]);
      out.mix_after[st] = ChU64(v[16 + 2 * st]);
      in_b += out.mix_before[st];
      in_a += out.mix_after[st];
    }
    out.mix_before[0] = out.reach - in_b;
    out.mix_after[0] = out.reach - in_a;
  }
  return out;
}

Result<std::vector<CampaignResult>> ClickHouseEngine::BrandCampaigns(const std::string& brand,
                                                                     std::optional<int> x) {
  AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{brand, std::nullopt}));
  std::set<std::string> names;
  for (auto& [name, ci] : catalog_.campaigns)
    if (ci.brand == brand) names.insert(name);
  AIPS_ASSIGN_OR_RETURN(
      ChRows carried,
      ch_->Select(fmt::format("SELECT campaign FROM (SELECT campaign FROM {} WHERE brand = {} AND campaign "
                              "!= '' GROUP BY campaign) GROUP BY campaign",
                              ch_->Table("events"), ChQuote(brand))));
  for (auto& r : carried)
    if (!catalog_.campaigns.count(r[0])) names.insert(r[0]);
  std::vector<CampaignResult> out;
  for (const std::string& n : names) {
    AIPS_ASSIGN_OR_RETURN(CampaignResult c, Campaign(n, x));
    if (c.brand == brand) out.push_back(std::move(c));
  }
  return out;
}

Status ClickHouseEngine::Compute(std::optional<Day>, const std::function<void(const ComputeProgress&)>&) {
  return Status::OK();
}

Result<InfoResult> ClickHouseEngine::Info() {
  InfoResult out;
  const std::string events = ch_->Table("events");
  out.data_dir = ch_->Describe();
  out.timezone = rules_.timezone;
  AIPS_ASSIGN_OR_RETURN(
      ChRows days,
      ch_->Select(fmt::format("SELECT day, sum(n) FROM (SELECT day, count() AS n FROM {} GROUP BY day) "
                              "GROUP BY day ORDER BY day",
                              events)));
  for (auto& r : days) {
    AIPS_ASSIGN_OR_RETURN(Day d, ParseDate(r[0]));
    out.days.push_back(d);
    out.events += ChU64(r[1]);
  }
  if (!out.days.empty()) {
    out.first_day = out.days.front();
    out.last_day = out.days.back();
  }
  // The numbered users (events, attributes rows, assignments: distributed/ch_user_rows.h); a database
  // loaded before user numbers existed counts the users of its events.
  AIPS_ASSIGN_OR_RETURN(
      ChRows numbered,
      ch_->Select(fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = 'user_seq'",
                              ChQuote(ch_->url().database))));
  const bool has_seq = !numbered.empty() && ChU64(numbered[0].at(0)) > 0;
  AIPS_ASSIGN_OR_RETURN(out.users,
                        ch_->SumOverShards(fmt::format("SELECT uniqExact(user) FROM {}",
                                                       has_seq ? ch_->Table("user_seq") : events)));
  AIPS_ASSIGN_OR_RETURN(
      ChRows brands,
      ch_->Select(fmt::format("SELECT brand, spu, sum(n), min(lo), max(hi) FROM (SELECT brand, spu, "
                              "count() AS n, min(day) AS lo, max(day) AS hi FROM {} GROUP BY brand, spu) "
                              "GROUP BY brand, spu ORDER BY brand, spu",
                              events)));
  std::map<std::string, BrandSummary> by_name;
  for (auto& r : brands) {
    BrandSummary& bs = by_name[r[0]];
    bs.name = r[0];
    if (!r[1].empty()) bs.spus.push_back(r[1]);
    bs.events += ChU64(r[2]);
    AIPS_ASSIGN_OR_RETURN(Day lo, ParseDate(r[3]));
    AIPS_ASSIGN_OR_RETURN(Day hi, ParseDate(r[4]));
    bs.first_day = bs.first_day == kNoDay ? lo : std::min(bs.first_day, lo);
    bs.last_day = std::max(bs.last_day, hi);
  }
  for (auto& [name, c] : catalog_.brand_category) by_name[name].name = name;
  for (auto& [name, bs] : by_name) {
    bs.category = catalog_.CategoryOf(name);
    out.brands.push_back(std::move(bs));
  }
  AIPS_ASSIGN_OR_RETURN(
      ChRows camps,
      ch_->Select(fmt::format("SELECT campaign FROM (SELECT campaign FROM {} WHERE campaign != '' GROUP BY "
                              "campaign) GROUP BY campaign",
                              events)));
  std::set<std::string> names;
  for (auto& r : camps) names.insert(r[0]);
  for (auto& [name, ci] : catalog_.campaigns) names.insert(name);
  out.campaigns.assign(names.begin(), names.end());
  for (auto& [name, x] : catalog_.decision_cycle_days) out.categories.emplace_back(name, x);
  out.rules_toml = rules_.ToToml();
  AIPS_ASSIGN_OR_RETURN(ChRows stored,
                        ch_->Select(fmt::format("SELECT count() FROM {}", ch_->Table("rules"))));
  out.rules_default = stored.empty() || stored[0][0] == "0";
  return out;
}

Result<std::string> ClickHouseEngine::CategoryOf(const std::string& brand) {
  AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{brand, std::nullopt}));
  return CategoryName(brand);
}

Result<std::vector<std::string>> ClickHouseEngine::BrandsOfCategory(const std::string& category) {
  return aips::BrandsOfCategory(catalog_, category);
}

Result<std::string> ClickHouseEngine::BrandOfCampaign(const std::string& campaign) {
  auto it = catalog_.campaigns.find(campaign);
  if (it != catalog_.campaigns.end()) return it->second.brand;
  AIPS_ASSIGN_OR_RETURN(CampaignResult c, Campaign(campaign, std::nullopt));
  return c.brand;
}

}  // namespace aips
