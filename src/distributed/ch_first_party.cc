// First-party measures on ClickHouse: `firstparty` (matched and waiting orders of a brand) and `spectrum`
// (一方光谱, tiers × stages), with the tier SQL of ch_first_party.h. Formulas: docs/measures.md; the embedded
// engine's versions are in measures/category_measures.cc and measures/act_measures.cc.
#include "distributed/ch_first_party.h"

#include <algorithm>
#include <map>

#include "distributed/ch_engine.h"
#include "distributed/ch_sql.h"
#include "fmt/format.h"

namespace aips {

namespace {

// A first-party order of the brand dated in [D-364, D].
std::string FirstPartyOrder(const ChTierSpec& spec) {
  return fmt::format("action = 'purchase' AND channel = 'first_party' AND day >= {} AND day <= {}",
                     ChDay(spec.date - 364), ChDay(spec.date));
}

// Waiting orders are counted per quarter hour of their timestamp: every local midnight of a zone falls on
// a quarter hour, so each bucket lies inside one local day.
constexpr int kQuarterHour = 900;

}  // namespace

Result<std::optional<int64_t>> ChHighValueCut(ChStore& ch, const ChTierSpec& spec) {
  const std::string fp = FirstPartyOrder(spec);
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch.Select(fmt::format(
          "SELECT count(), arrayElement(arraySort(groupArray(fg)), intDiv(count() * 8, 10) + 1) FROM (SELECT "
          "user, count() AS fo, sum(amount) AS fg FROM {} WHERE brand = {} AND {} GROUP BY user) WHERE fo >= "
          "2",
          spec.events, ChQuote(spec.brand), fp)));
  if (rows.size() != 1 || rows[0].size() != 2) return Status::IOError("unexpected answer from ClickHouse");
  if (rows[0][0] == "0") return std::optional<int64_t>();
  return std::optional<int64_t>(ChI64(rows[0][1]));
}

std::string ChTierRowsSql(const ChTierSpec& spec, std::optional<int64_t> cut) {
  const RuleSet& rs = *spec.rules;
  const std::string fp = FirstPartyOrder(spec);
  const Day lo = std::min(spec.date - 364, spec.date - rs.MaxWindow() + 1);
  const std::string level1 = fmt::format(
      "SELECT user, countIf({0}) AS fo, sumIf(amount, {0}) AS fg, maxIf(day, {0}) AS fl, countIf(action = "
      "'purchase' AND day > {1}) > 0 AS conv, {2} FROM {3} WHERE brand = {4} AND day >= {5} AND day <= {6} "
      "GROUP BY user",
      fp, ChDay(spec.date), ChStageArrays(rs, fmt::format("day <= {}", ChDay(spec.date)), "a"), spec.events,
      ChQuote(spec.brand), ChDay(lo), ChDay(spec.date + spec.x));
  const std::string high = cut ? fmt::format("fo >= 2 AND fg >= {}", *cut) : "0";
  return fmt::format(
      "SELECT user, multiIf(fo = 0, if(st > 0, 4, -1), fl < {}, 3, {}, 0, fo >= 2, 1, 2) AS tier, st, conv "
      "FROM (SELECT user, fo, fg, fl, conv, {} AS st FROM ({})) WHERE tier >= 0",
      ChDay(spec.date - 2 * spec.x), high, ChStageAt(rs, ChDay(spec.date), "a"), level1);
}

Result<FirstPartyResult> ClickHouseEngine::FirstParty(const std::string& brand) {
  FirstPartyResult out;
  out.brand = brand;
  AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{brand, std::nullopt}));
  // The identity map and the orders are on every node: the entry node answers.
  AIPS_ASSIGN_OR_RETURN(ChRows ids, ch_->Select(fmt::format("SELECT count() FROM (SELECT id_type, id_hash "
                                                            "FROM {} GROUP BY id_type, id_hash)",
                                                            ch_->Table("identity"))));
  if (!ids.empty()) out.identity_entries = ChU64(ids[0][0]);
  std::map<Day, FirstPartyResult::Week> weeks;
  // Orders no identity matches and that were not matched to a user since forgotten (an order id once), per
  // quarter hour, mapped to local days with the rules' time zone as the embedded engine maps them.
  // (A database written by an older aips may have no forgotten_orders table yet: none was forgotten.)
  AIPS_ASSIGN_OR_RETURN(
      ChRows settled,
      ch_->Select(fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = "
                              "'forgotten_orders'",
                              ChQuote(ch_->url().database))));
  const std::string not_settled =
      !settled.empty() && settled[0][0] != "0"
          ? fmt::format(" AND order_id NOT IN (SELECT order_id FROM {})", ch_->Table("forgotten_orders"))
          : "";
  AIPS_ASSIGN_OR_RETURN(ChRows waiting,
                        ch_->Select(fmt::format("SELECT intDiv(t0, {0}) AS q, count() FROM (SELECT order_id, "
                                                "any(id_type) AS it, any(id_hash) AS ih, "
                                                "any(ts) AS t0 FROM {1} WHERE brand = {2} GROUP BY order_id) "
                                                "WHERE (it, ih) NOT IN (SELECT id_type, "
                                                "id_hash FROM {3}){4} GROUP BY q",
                                                kQuarterHour, ch_->Table("orders"), ChQuote(brand),
                                                ch_->Table("identity"), not_settled)));
  AIPS_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(rules_.timezone));
  DayMapper mapper(zone);
  for (auto& r : waiting) {
    const uint64_t n = ChU64(r[1]);
    out.unmatched_orders += n;
    weeks[WeekOf(mapper.LocalDay(ChI64(r[0]) * kQuarterHour))].unmatched += n;
  }
  // Matched orders are the brand's purchase events with channel first_party.
  const std::string matched =
      fmt::format("brand = {} AND channel = 'first_party' AND action = 'purchase'", ChQuote(brand));
  AIPS_ASSIGN_OR_RETURN(
      ChRows by_week,
      ch_->Select(fmt::format("SELECT w, sum(n), sum(g) FROM (SELECT toMonday(day) AS w, count() AS n, "
                              "sum(amount) AS g FROM {} WHERE {} GROUP BY w) GROUP BY w",
                              ch_->Table("events"), matched)));
  for (auto& r : by_week) {
    AIPS_ASSIGN_OR_RETURN(Day w, ParseDate(r[0]));
    out.matched_orders += ChU64(r[1]);
    out.matched_gmv += ChI64(r[2]);
    weeks[w].matched += ChU64(r[1]);
  }
  AIPS_ASSIGN_OR_RETURN(ChRows buyers, ch_->Select(fmt::format("SELECT sum(u) FROM (SELECT uniqExact(user) "
                                                               "AS u FROM {} WHERE {})",
                                                               ch_->Table("events"), matched)));
  if (!buyers.empty()) out.matched_buyers = ChU64(buyers[0][0]);
  for (auto& [w, wk] : weeks) {
    wk.week = w;
    out.weeks.push_back(wk);
  }
  return out;
}

Result<SpectrumResult> ClickHouseEngine::Spectrum(const std::string& brand, std::optional<Day> date,
                                                  std::optional<int> x) {
  SpectrumResult out;
  out.brand = brand;
  AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{brand, std::nullopt}));
  out.x_days = x.value_or(catalog_.DecisionCycle(CategoryName(brand)));
  if (out.x_days < 1) return Status::InvalidArgument("--x must be at least 1");
  AIPS_ASSIGN_OR_RETURN(auto days, DataDays());
  AIPS_ASSIGN_OR_RETURN(Day last, DateOr(std::nullopt));
  out.date = date.value_or(std::max(days.first, last - out.x_days));
  out.provisional = out.date + out.x_days > last;
  const ChTierSpec spec{ch_->Table("events"), brand, out.date, out.x_days, &RulesOf(brand)};
  AIPS_ASSIGN_OR_RETURN(std::optional<int64_t> cut, ChHighValueCut(*ch_, spec));
  out.high_value_gmv = cut ? static_cast<double>(*cut) / 1e6 : 0;
  AIPS_ASSIGN_OR_RETURN(ChRows rows, ch_->Select(fmt::format("SELECT tier, st, count(), sum(conv) FROM ({}) "
                                                             "GROUP BY tier, st",
                                                             ChTierRowsSql(spec, cut))));
  for (auto& r : rows) {
    const int64_t t = ChI64(r[0]), s = ChI64(r[1]);
    if (t < 0 || t >= kNumTiers || s < 0 || s > kNumStages)
      return Status::IOError("unexpected answer from ClickHouse");
    SpectrumCell& cell = out.cells[static_cast<size_t>(t)][static_cast<size_t>(s)];
    cell.users += ChU64(r[2]);
    cell.converted += ChU64(r[3]);
  }
  return out;
}

}  // namespace aips
