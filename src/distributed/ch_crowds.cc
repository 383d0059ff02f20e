// The ClickHouse engine's crowd capability (engine/engine.h, CrowdQueries) and 人群纠偏 (Correction): every
// call compiles the expression to SQL (ch_crowd_sql.h) and evaluates it in ClickHouse. Counts, portraits
// and saves run the crowd on each shard over that shard's own users (`user IN (<crowd over the local
// tables>)` inside a query over a Distributed table, or INSERT ... SELECT on each shard's node): only
// counts come back, and members leave ClickHouse only as an export.
#include <algorithm>
#include <ctime>
#include <map>

#include "distributed/ch_engine.h"
#include "distributed/ch_first_party.h"
#include "distributed/ch_sql.h"
#include "distributed/ch_user_rows.h"
#include "engine/holdout_split.h"
#include "engine/messages.h"
#include "fmt/format.h"

namespace aips {

Result<uint64_t> ClickHouseEngine::CountMembers(const std::string& members_local) {
  return ch_->SumOverShards(fmt::format("SELECT uniqExact(user) FROM {} WHERE user IN ({})",
                                        ch_->Table("user_seq"), members_local));
}

Status ClickHouseEngine::CheckCrowdTables() {
  if (crowd_tables_checked_) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(
      ChRows t,
      ch_->Select(fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = 'user_seq'",
                              ChQuote(ch_->url().database))));
  uint64_t numbered = 0;
  if (!t.empty() && ChU64(t[0].at(0)) > 0) {
    AIPS_ASSIGN_OR_RETURN(numbered,
                          ch_->SumOverShards(fmt::format("SELECT count() FROM {}", ch_->Table("user_seq"))));
  }
  AIPS_ASSIGN_OR_RETURN(auto days, DataDays());
  if (numbered == 0 && days.first != kNoDay) {
    return Status::InvalidArgument(fmt::format(
        "{} was loaded by an aips without crowd tables (no user is numbered): run the same 'aips ingest "
        "--engine' again (stored events are skipped, users are numbered)",
        ch_->Describe()));
  }
  crowd_tables_checked_ = true;
  return Status::OK();
}

Result<ChAtomFacts> ClickHouseEngine::ResolveAtom(const CrowdNode& n, const std::string& tenant) {
  using K = CrowdNode::Kind;
  ChAtomFacts f;
  switch (n.kind) {
    case K::kFlowed:
      if (n.from >= n.to) return Status::InvalidArgument("flowed(): from must be before to");
      [[fallthrough]];
    case K::kStage: {
      ScopeRef scope{n.brand, std::nullopt};
      if (!n.spu.empty()) scope.spu = n.spu;
      AIPS_RETURN_IF_ERROR(Resolve(scope));
      f.rules = &RulesOf(n.brand);
      return f;
    }
    case K::kReached: {
      AIPS_ASSIGN_OR_RETURN(ReachFlight fl, FlightOf(n.name));
      if (fl.carried == 0) return f;  // nobody reached: reach_brand stays empty
      f.reach_brand = fl.brand;
      f.reach_start = fl.start;
      f.reach_end = fl.end;
      return f;
    }
    case K::kCrowd: {
      AIPS_ASSIGN_OR_RETURN(
          ChRows v, ch_->Select(fmt::format("SELECT max(version) FROM {} WHERE tenant = {} AND name = {}",
                                            ch_->Table("saved_crowds"), ChQuote(tenant), ChQuote(n.name))));
      f.crowd_tenant = tenant;
      f.crowd_version = static_cast<uint32_t>(v.empty() ? 0 : ChU64(v[0].at(0)));
      if (f.crowd_version == 0)
        return Status::NotFound(
            fmt::format("unknown crowd '{}' (aips crowd list shows the saved crowds)", n.name));
      return f;
    }
    case K::kSegment: {
      AIPS_ASSIGN_OR_RETURN(
          ChRows r, ch_->Select(fmt::format("SELECT count(), countIf(has(tags, {})) FROM {}", ChQuote(n.name),
                                            ch_->Table("attributes"))));
      uint64_t rows = 0, tagged = 0;
      for (auto& row : r) {
        rows += ChU64(row.at(0));
        tagged += ChU64(row.at(1));
      }
      if (rows == 0) {
        return Status::InvalidArgument(fmt::format(
            "segment(\"{}\"): no user attributes table has been ingested into this data directory", n.name));
      }
      if (tagged == 0)
        return Status::NotFound(fmt::format("unknown segment '{}' (no user carries this tag)", n.name));
      return f;
    }
    case K::kTier: {
      // As the embedded engine: the last day with data, the tier's name, the brand; the category's cycle.
      AIPS_ASSIGN_OR_RETURN(Day last, DateOr(std::nullopt));
      AIPS_ASSIGN_OR_RETURN(const int t, TierIndex(n.name));
      AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{n.brand, std::nullopt}));
      ChTierSpec spec;
      spec.events = ch_->Table("events");  // the cut: over every shard
      spec.brand = n.brand;
      spec.date = last;
      spec.x = catalog_.DecisionCycle(CategoryName(n.brand));
      spec.rules = &RulesOf(n.brand);
      AIPS_ASSIGN_OR_RETURN(std::optional<int64_t> cut, ChHighValueCut(*ch_, spec));
      spec.events = ch_->EventsLocal();  // the users: on each shard
      f.tier_users = fmt::format("SELECT user FROM ({}) WHERE tier = {}", ChTierRowsSql(spec, cut), t);
      return f;
    }
    default:
      return Status::InvalidArgument("unknown expression node");
  }
}

Result<std::string> ClickHouseEngine::CrowdMembersSql(const CrowdNode& expr, const std::string& tenant) {
  AIPS_RETURN_IF_ERROR(CheckCrowdTables());
  ChCrowdTables t;
  t.events = ch_->EventsLocal();
  t.user_seq = ch_->Local("user_seq");
  t.attributes = ch_->Local("attributes");
  t.crowd_members = ch_->Local("crowd_members");
  AIPS_ASSIGN_OR_RETURN(ChCrowd crowd,
                        CompileCrowd(expr, t, [&](const CrowdNode& n) { return ResolveAtom(n, tenant); }));
  return ChCrowdMembers(crowd);
}

Result<uint64_t> ClickHouseEngine::CrowdCount(const CrowdQuery& crowd) {
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(crowd.expr));
  AIPS_ASSIGN_OR_RETURN(std::string members, CrowdMembersSql(*node, crowd.tenant));
  return CountMembers(members);
}

Result<std::string> ClickHouseEngine::CrowdExport(const CrowdQuery& crowd, const std::string& salt,
                                                  size_t min_size) {
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(crowd.expr));
  AIPS_ASSIGN_OR_RETURN(std::string members, CrowdMembersSql(*node, crowd.tenant));
  AIPS_ASSIGN_OR_RETURN(uint64_t n, CountMembers(members));
  AIPS_RETURN_IF_ERROR(CheckExportSize(n, min_size));
  return ExportMembers(members, salt);
}

Result<std::string> ClickHouseEngine::CrowdExportHoldout(const CrowdQuery& crowd, const std::string& salt,
                                                         size_t min_size, const std::string& campaign,
                                                         double holdout_pct) {
  AIPS_ASSIGN_OR_RETURN(const uint32_t cut, HoldoutThreshold(holdout_pct));
  if (campaign.empty()) return Status::InvalidArgument("--holdout needs --campaign C");
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(crowd.expr));
  AIPS_ASSIGN_OR_RETURN(std::string members, CrowdMembersSql(*node, crowd.tenant));
  const std::string experiments = ch_->Local("experiments"), c = ChQuote(campaign);
  const std::string assigned = fmt::format("SELECT user FROM {} WHERE campaign = {}", experiments, c);
  const std::string treated = ChExperimentGroupSql(experiments, campaign, true);
  // engine/holdout_split.h in SQL: the first four bytes of SHA-256(salt ':' user_id), big-endian, mod 10000.
  const std::string bucket =
      fmt::format("reinterpretAsUInt32(reverse(substring(SHA256(concat({}, ':', user_id)), 1, 4))) % 10000",
                  ChQuote(HoldoutSalt(campaign)));
  // The treatment members after the split, counted first: a crowd below the minimum changes nothing.
  AIPS_ASSIGN_OR_RETURN(uint64_t n, ch_->SumOverShards(fmt::format(
                                        "SELECT uniqExact(user) FROM {} WHERE user IN ({}) AND (user IN "
                                        "({}) OR (user NOT IN ({}) AND {} >= {}))",
                                        ch_->Table("user_seq"), members, treated, assigned, bucket, cut)));
  AIPS_RETURN_IF_ERROR(CheckExportSize(n, min_size));
  AIPS_ASSIGN_OR_RETURN(auto writer, ChStore::Connect(url_, ChStore::Mode::kWrite));
  AIPS_RETURN_IF_ERROR(writer->ExecuteOnShards(fmt::format(
      "INSERT INTO {0} (campaign, user, treatment, version) SELECT {1}, user, if({2} < {3}, 0, 1), {4} FROM "
      "(SELECT "
      "user, any(user_id) AS user_id FROM {5} WHERE user IN ({6}) AND user NOT IN ({7}) GROUP BY user)",
      experiments, c, bucket, cut, ChVersion(), ch_->Local("user_seq"), members, assigned)));
  return ExportMembers(fmt::format("SELECT user FROM ({}) WHERE user IN ({})", members, treated), salt);
}

Result<std::string> ClickHouseEngine::ExportMembers(const std::string& members, const std::string& salt) {
  // In the order aips first saw each user (the embedded engine's user numbers).
  const std::string id =
      salt.empty() ? "uid" : fmt::format("lower(hex(SHA256(concat({}, ':', uid))))", ChQuote(salt));
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch_->Select(fmt::format("SELECT {} FROM (SELECT user, min(seq) AS s, any(user_id) AS uid FROM {} WHERE "
                              "user IN ({}) GROUP BY user) ORDER BY s",
                              id, ch_->Table("user_seq"), members)));
  std::string out = ExportHeader(salt);
  for (auto& r : rows) {
    out += r.at(0);
    out += '\n';
  }
  return out;
}

Result<PortraitResult> ClickHouseEngine::CrowdPortrait(const CrowdQuery& crowd, const std::string& category,
                                                       std::optional<Day> date) {
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(crowd.expr));
  AIPS_ASSIGN_OR_RETURN(std::string cat, PortraitCategory(*node, category, [this](const std::string& b) {
                          return CategoryOf(b);
                        }));
  AIPS_ASSIGN_OR_RETURN(std::string members, CrowdMembersSql(*node, crowd.tenant));
  PortraitResult out;
  out.category = cat;
  AIPS_ASSIGN_OR_RETURN(out.date, LastDay());
  if (date) out.date = *date;
  AIPS_ASSIGN_OR_RETURN(out.crowd, CountMembers(members));
  AIPS_ASSIGN_OR_RETURN(uint64_t attribute_rows,
                        ch_->SumOverShards(fmt::format("SELECT count() FROM {}", ch_->Table("attributes"))));
  if (attribute_rows == 0)
    return Status::InvalidArgument(
        "no user attributes table has been ingested: a portrait needs one (docs/crowds.md)");
  // The base: the category crowd on the date (as Penetration computes it).
  std::string brands = ChQuoteList(aips::BrandsOfCategory(catalog_, cat));
  if (brands.empty()) brands = "''";
  const RuleSet& rs = rules_.ForCategory(cat);
  const std::string base_filter =
      fmt::format("brand IN ({}) AND day >= {} AND day <= {} AND {}", brands,
                  ChDay(out.date - rs.crowd_window_days + 1), ChDay(out.date), ChAnyStageCondition(rs));
  AIPS_ASSIGN_OR_RETURN(out.base, ch_->SumOverShards(fmt::format("SELECT uniqExact(user) FROM {} WHERE {}",
                                                                 ch_->Table("events"), base_filter)));
  const std::string base_local =
      fmt::format("SELECT user FROM {} WHERE {} GROUP BY user", ch_->EventsLocal(), base_filter);
  // Per shard, the latest tags of the crowd's (then the base's) users; counted per tag. (An IN subquery
  // in the SELECT list of this query makes 18.16 resolve the subquery's columns against the outer table,
  // so each set gets its own query, filtered in WHERE.)
  std::map<std::string, PortraitRow> by_tag;
  for (const std::string* set : {static_cast<const std::string*>(&members), &base_local}) {
    AIPS_ASSIGN_OR_RETURN(
        ChRows rows, ch_->Select(fmt::format(
                         "SELECT tag, count() FROM (SELECT user, argMax(tags, version) AS tg FROM {} WHERE "
                         "user IN ({}) GROUP BY user) ARRAY JOIN tg AS tag GROUP BY tag",
                         ch_->Table("attributes"), *set)));
    for (auto& r : rows) {
      PortraitRow& row = by_tag[r.at(0)];
      row.tag = r[0];
      (set == &members ? row.count : row.base_count) += ChU64(r.at(1));
    }
  }
  for (auto& [tag, row] : by_tag)
    if (row.count || row.base_count) out.tags.push_back(row);
  return out;
}

Result<SavedCrowd> ClickHouseEngine::SaveCrowd(const std::string& name, const CrowdQuery& crowd) {
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(crowd.expr));
  AIPS_ASSIGN_OR_RETURN(std::string members, CrowdMembersSql(*node, crowd.tenant));
  return SaveMembers(name, crowd.tenant, crowd.expr, members);
}

Result<SavedCrowd> ClickHouseEngine::SaveMembers(const std::string& name, const std::string& tenant,
                                                 const std::string& definition,
                                                 const std::string& members_local) {
  // As the embedded engine: the same definition and members as the latest version keep that version.
  AIPS_ASSIGN_OR_RETURN(
      ChRows latest,
      ch_->Select(fmt::format("SELECT version, definition, saved_at FROM {} WHERE tenant = {} AND name = {} "
                              "ORDER BY version DESC LIMIT 1",
                              ch_->Table("saved_crowds"), ChQuote(tenant), ChQuote(name))));
  if (!latest.empty() && latest[0].at(1) == definition) {
    const uint64_t version = ChU64(latest[0].at(0));
    const std::string old =
        fmt::format("SELECT user FROM {} WHERE tenant = {} AND name = {} AND version = {}",
                    ch_->Local("crowd_members"), ChQuote(tenant), ChQuote(name), version);
    AIPS_ASSIGN_OR_RETURN(
        uint64_t differ,
        ch_->SumOverShards(fmt::format("SELECT uniqExactIf(user, (user IN ({})) != (user IN ({}))) FROM {}",
                                       members_local, old, ch_->Table("user_seq"))));
    if (differ == 0) {
      SavedCrowd sc;
      sc.name = name;
      sc.tenant = tenant;
      sc.definition = definition;
      sc.version = static_cast<uint32_t>(version);
      sc.saved_at = ChI64(latest[0].at(2));
      AIPS_ASSIGN_OR_RETURN(sc.size, CountMembers(old));
      return sc;
    }
  }
  AIPS_ASSIGN_OR_RETURN(ChRows v,
                        ch_->Select(fmt::format("SELECT max(version) FROM {} WHERE tenant = {} AND name = {}",
                                                ch_->Table("saved_crowds"), ChQuote(tenant), ChQuote(name))));
  SavedCrowd sc;
  sc.name = name;
  sc.tenant = tenant;
  sc.definition = definition;
  sc.version = static_cast<uint32_t>((v.empty() ? 0 : ChU64(v[0].at(0))) + 1);
  sc.saved_at = std::time(nullptr);
  // Each shard's node stores its own members: they never leave ClickHouse.
  AIPS_ASSIGN_OR_RETURN(auto writer, ChStore::Connect(url_, ChStore::Mode::kWrite));
  AIPS_RETURN_IF_ERROR(writer->ExecuteOnShards(fmt::format(
      "INSERT INTO {} (tenant, name, version, user) SELECT {}, {}, {}, user FROM ({})",
      ch_->Local("crowd_members"), ChQuote(sc.tenant), ChQuote(name), sc.version, members_local)));
  AIPS_ASSIGN_OR_RETURN(
      sc.size, ch_->SumOverShards(
                   fmt::format("SELECT count() FROM {} WHERE tenant = {} AND name = {} AND version = {}",
                               ch_->Table("crowd_members"), ChQuote(sc.tenant), ChQuote(name), sc.version)));
  AIPS_RETURN_IF_ERROR(writer->InsertEverywhere("saved_crowds",
                                                "tenant, name, version, saved_at, definition, size, saved_us",
                                                ChSavedCrowdRow(sc, ChVersion())));
  return sc;
}

Result<std::vector<SavedCrowd>> ClickHouseEngine::SavedCrowds() {
  AIPS_RETURN_IF_ERROR(CheckCrowdTables());
  AIPS_ASSIGN_OR_RETURN(ChRows reg, ch_->Select(fmt::format(
                                        "SELECT tenant, name, version, saved_at, definition FROM {} ORDER BY "
                                        "saved_us, tenant, name, version",
                                        ch_->Table("saved_crowds"))));
  // Sizes as the members are now (aips forget removes erased users from saved crowds).
  AIPS_ASSIGN_OR_RETURN(ChRows sizes, ch_->Select(fmt::format("SELECT tenant, name, version, count() FROM {} "
                                                              "GROUP BY tenant, name, version",
                                                              ch_->Table("crowd_members"))));
  std::map<std::tuple<std::string, std::string, uint64_t>, uint64_t> size;
  for (auto& r : sizes) size[{r.at(0), r.at(1), ChU64(r.at(2))}] += ChU64(r.at(3));
  std::vector<SavedCrowd> out;
  for (auto& r : reg) {
    SavedCrowd c;
    c.tenant = r.at(0);
    c.name = r.at(1);
    c.version = static_cast<uint32_t>(ChU64(r.at(2)));
    c.saved_at = ChI64(r.at(3));
    c.definition = r.at(4);
    c.size = size[{c.tenant, c.name, c.version}];
    out.push_back(std::move(c));
  }
  return out;
}

// Long on purpose: the steps of the embedded Correction, in its order, so the two read side by side.
// 人群纠偏 as the embedded engine computes it (measures/act_measures.cc): per day of the flight, the
// users reached so far against the target crowd, by stage and by tag. One row per reached or target user
// is merged on the URL's node from three sources (the brand's events: first reach day and stage codes on
// every day of the flight; the target's members, evaluated on each shard; their tags), then counted.
Result<CorrectionResult> ClickHouseEngine::Correction(const std::string& campaign, const CrowdQuery& target,
                                                      double threshold) {
  CorrectionResult out;
  out.campaign = campaign;
  out.target = target.expr;
  out.threshold = threshold;
  if (threshold <= 0 || threshold > 1) return Status::InvalidArgument("--threshold must be in (0, 1]");
  AIPS_ASSIGN_OR_RETURN(ReachFlight c, FlightOf(campaign));  // brand and flight only, not the measures
  out.brand = c.brand;
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(target.expr));
  AIPS_ASSIGN_OR_RETURN(std::string members, CrowdMembersSql(*node, target.tenant));
  AIPS_ASSIGN_OR_RETURN(out.target_size, CountMembers(members));
  out.exclusion = fmt::format("reached(campaign: \"{}\") and not ({})", campaign, target.expr);
  const std::string events = ch_->Table("events");
  const uint64_t carried = c.carried;
  AIPS_ASSIGN_OR_RETURN(
      uint64_t brand_events,
      ch_->SumOverShards(fmt::format("SELECT count() FROM {} WHERE brand = {}", events, ChQuote(c.brand))));
  if (!carried || !brand_events || c.start == kNoDay) return out;
  const RuleSet& rs = RulesOf(c.brand);
  const std::string reach =
      fmt::format("campaign = {} AND day >= {} AND day <= {} AND action IN ('impression', 'click')",
                  ChQuote(campaign), ChDay(c.start), ChDay(c.end));
  std::vector<Day> days;
  for (Day d = c.start; d <= c.end; ++d) days.push_back(d);
  ChPerUser rows;
  const std::string t = rows.AddColumn("toUInt8(0)"), r = rows.AddColumn("toUInt8(0)"),
                    fr = rows.AddColumn("toUInt32(0)"),
                    tg = rows.AddColumn("emptyArrayString()", "groupArrayArray");
  std::map<std::string, std::string> from_events{{r, "toUInt8(rn > 0)"}, {fr, "toUInt32(fr)"}};
  std::vector<std::string> code(days.size());
  for (size_t i = 0; i < days.size(); ++i) {
    code[i] = rows.AddColumn("toUInt8(0)");
    from_events[code[i]] = fmt::format("toUInt8({})", ChStageAt(rs, ChDay(days[i]), "z"));
  }
  rows.AddSource(
      fmt::format("SELECT user, minIf(day, {0}) AS fr, countIf({0}) AS rn, {1} FROM {2} WHERE brand = {3} "
                  "AND day >= {4} AND day <= {5} GROUP BY user",
                  reach, ChStageArrays(rs, "1", "z"), events, ChQuote(c.brand),
                  ChDay(c.start - rs.MaxWindow() + 1), ChDay(c.end)),
      from_events);
  rows.AddSource(fmt::format("SELECT user FROM {} WHERE user IN ({})", ch_->Table("user_seq"), members),
                 {{t, "toUInt8(1)"}});
  const std::string reach_local =
      fmt::format("SELECT user FROM {} WHERE brand = {} AND {}", ch_->EventsLocal(), ChQuote(c.brand), reach);
  rows.AddSource(
      fmt::format("SELECT user, argMax(tags, version) AS tg FROM {} WHERE user IN (SELECT user FROM ({} "
                  "UNION ALL {})) GROUP BY user",
                  ch_->Table("attributes"), members, reach_local),
      {{tg, "tg"}});
  const std::string users = fmt::format("SELECT * FROM ({}) WHERE {} = 1 OR {} = 1", rows.Sql(), t, r);
  // Per day: reached so far, on target, and both crowds' stage mix.
  std::string cols;
  for (size_t i = 0; i < days.size(); ++i) {
    const std::string so_far = fmt::format("{} = 1 AND {} <= {}", r, fr, days[i]);
    cols += fmt::format("{}countIf({}), countIf({} AND {} = 1)", i ? ", " : "", so_far, so_far, t);
    for (int s = 1; s <= kNumStages; ++s)
      cols +=
          fmt::format(", countIf({0} AND {1} = {2}), countIf({3} = 1 AND {1} = {2})", so_far, code[i], s, t);
  }
  cols += fmt::format(", countIf({} = 1 AND {} = 0)", r, t);  // the exclusion: reached, off target
  AIPS_ASSIGN_OR_RETURN(ChRows mix, ch_->Select(fmt::format("SELECT {} FROM ({})", cols, users)));
  if (mix.size() != 1 || mix[0].size() != days.size() * (2 + 2 * kNumStages) + 1)
    return Status::IOError("unexpected answer from ClickHouse");
  // Per tag: reached so far on each day, and in the target; every tag ever carried is listed.
  std::string tag_cols;
  for (size_t i = 0; i < days.size(); ++i)
    tag_cols += fmt::format("countIf({} = 1 AND {} <= {}), ", r, fr, days[i]);
  AIPS_ASSIGN_OR_RETURN(
      ChRows tag_rows,
      ch_->Select(fmt::format("SELECT tag, {}countIf({} = 1) FROM ({}) ARRAY JOIN {} AS tag GROUP BY tag",
                              tag_cols, t, users, tg)));
  AIPS_ASSIGN_OR_RETURN(
      ChRows all_tags,
      ch_->Select(fmt::format("SELECT tag FROM (SELECT arrayJoin(tags) AS tag FROM {}) GROUP BY tag",
                              ch_->Table("attributes"))));
  std::map<std::string, std::vector<uint64_t>> by_tag;  // [reached on day i..., in target]
  for (auto& row : all_tags) by_tag[row.at(0)].assign(days.size() + 1, 0);
  for (auto& row : tag_rows) {
    if (row.size() != days.size() + 2) return Status::IOError("unexpected answer from ClickHouse");
    auto& v = by_tag[row[0]];
    v.assign(days.size() + 1, 0);
    for (size_t i = 0; i <= days.size(); ++i) v[i] = ChU64(row[i + 1]);
  }
  const auto& m = mix[0];
  for (size_t i = 0; i < days.size(); ++i) {
    const size_t base = i * (2 + 2 * kNumStages);
    CorrectionDay day;
    day.day = days[i];
    day.reached = ChU64(m[base]);
    day.on_target = ChU64(m[base + 1]);
    uint64_t rsum = 0, tsum = 0;
    for (size_t s = 1; s <= kNumStages; ++s) {
      day.reached_mix[s] = ChU64(m[base + 2 * s]);
      day.target_mix[s] = ChU64(m[base + 2 * s + 1]);
      rsum += day.reached_mix[s];
      tsum += day.target_mix[s];
    }
    day.reached_mix[0] = day.reached - rsum;
    day.target_mix[0] = out.target_size - tsum;
    for (auto& [tag, v] : by_tag) {
      if (!day.reached || !out.target_size) break;
      const double share_r = static_cast<double>(v[i]) / static_cast<double>(day.reached);
      const double share_t = static_cast<double>(v[days.size()]) / static_cast<double>(out.target_size);
      if (share_t > 0 && share_r / share_t < threshold) day.drifting.emplace_back(tag, share_r / share_t);
      if (days[i] == c.end) out.segments.emplace_back(tag, share_r, share_t);
    }
    out.days.push_back(std::move(day));
  }
  out.exclusion_size = ChU64(m.back());
  return out;
}

}  // namespace aips
