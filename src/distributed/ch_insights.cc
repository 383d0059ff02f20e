// Topic insights (灵犀) and consultations (私信) on ClickHouse: the embedded engine's answers
// (insights/insights.cc, docs/insights.md) evaluated in SQL over the events and the content tables
// (distributed/ch_content.h). Shapes (docs/distributed.md, "Topics and consultations"):
// - topics: events join the category's notes on each shard (`notes` is on every node) and are counted
//   per topic there (per-user distinct counts are exact per shard: users never span shards), then summed;
//   stage reach and the notes that moved users into TI compute each user's stage as the funnel queries do.
// - consult: each conversation's first `in`, first reply and lead on the shard that holds it (messages are
//   sharded by conversation), then figures per account and per group with nearest-rank percentiles.
#include <map>
#include <set>

#include "distributed/ch_engine.h"
#include "distributed/ch_sql.h"
#include "engine/consult_accounts.h"
#include "engine/insight_math.h"
#include "engine/messages.h"
#include "engine/query_dates.h"
#include "fmt/format.h"
#include "ingest/content_rows.h"
#include "store/content.h"

namespace aips {

namespace {

constexpr const char* kEngagement = "action IN ('click', 'like', 'deep_read', 'collect', 'comment', 'share')";

Status Unexpected(const ChRows& rows, size_t columns) {
  for (auto& r : rows)
    if (r.size() != columns) return Status::IOError("unexpected answer from ClickHouse");
  return Status::OK();
}

}  // namespace

Result<TopicsResult> ClickHouseEngine::Topics(const std::string& category, std::optional<Day> from,
                                              std::optional<Day> to, const std::string& brand) {
  const std::vector<std::string> brands = aips::BrandsOfCategory(catalog_, category);
  if (brands.empty()) return Status::NotFound(UnknownCategoryMessage(category));
  TopicsResult out;
  out.category = category;
  out.brand = brand;
  AIPS_ASSIGN_OR_RETURN(Day last, LastDay());
  AIPS_ASSIGN_OR_RETURN(out.to, DateOrLast(to, last));
  AIPS_ASSIGN_OR_RETURN(out.from, TrendFrom(from, out.to, kNoDay));
  const Day len = out.to - out.from + 1;
  out.prev_to = out.from - 1;
  out.prev_from = out.from - len;
  if (!brand.empty()) AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{brand, std::nullopt}));

  const std::string events = ch_->Table("events"), f = ChDay(out.from), t = ChDay(out.to);
  // The category's notes as they stand (the latest row of each id), and those with topics.
  const std::string notes = fmt::format(
      "SELECT note, argMax(topics, version) AS tps, argMax(brand, version) AS nb, argMax(day, version) AS nd "
      "FROM {} GROUP BY note HAVING nb IN ({})",
      ch_->Table("notes"), ChQuoteList(brands));
  const std::string with_topics = fmt::format("SELECT note, tps FROM ({}) WHERE tps != ''", notes);
  // Engagement events of days [lo, to] on the category's notes with topics, joined with their topics.
  auto engaged = [&](Day lo) {
    return fmt::format(
        "{} ALL INNER JOIN ({}) AS cn USING note WHERE note != '' AND {} AND day >= {} AND day <= {}", events,
        with_topics, kEngagement, ChDay(lo), t);
  };

  std::map<std::string, TopicRow> rows;
  std::map<std::string, std::map<Day, TopicWeek>> weeks;
  AIPS_ASSIGN_OR_RETURN(
      ChRows posted,
      ch_->Select(fmt::format("SELECT arrayJoin(splitByChar('|', tps)) AS topic, toMonday(nd) AS w, "
                              "count() FROM ({}) WHERE tps != '' AND nd >= {} AND nd <= {} GROUP BY topic, w",
                              notes, f, t)));
  AIPS_RETURN_IF_ERROR(Unexpected(posted, 3));
  for (auto& r : posted) {
    AIPS_ASSIGN_OR_RETURN(Day w, ParseDate(r[1]));
    rows[r[0]].notes += ChU64(r[2]);
    weeks[r[0]][w].notes += ChU64(r[2]);
  }
  AIPS_ASSIGN_OR_RETURN(
      ChRows counted,
      ch_->Select(fmt::format(
          "SELECT topic, sum(c), sum(p), sum(u) FROM (SELECT arrayJoin(splitByChar('|', tps)) AS topic, "
          "countIf(day >= {0}) AS c, countIf(day < {0}) AS p, uniqExactIf(user, day >= {0}) AS u FROM {1} "
          "GROUP BY topic) GROUP BY topic",
          f, engaged(out.prev_from))));
  AIPS_RETURN_IF_ERROR(Unexpected(counted, 4));
  for (auto& r : counted) {
    TopicRow& row = rows[r[0]];
    row.engagements = ChU64(r[1]);
    row.prev_engagements = ChU64(r[2]);
    row.users = ChU64(r[3]);
  }
  AIPS_ASSIGN_OR_RETURN(
      ChRows by_week,
      ch_->Select(fmt::format("SELECT topic, w, sum(c) FROM (SELECT arrayJoin(splitByChar('|', tps)) AS "
                              "topic, toMonday(day) AS w, count() AS c FROM {} GROUP BY topic, w) GROUP BY "
                              "topic, w",
                              engaged(out.from))));
  AIPS_RETURN_IF_ERROR(Unexpected(by_week, 3));
  for (auto& r : by_week) {
    AIPS_ASSIGN_OR_RETURN(Day w, ParseDate(r[1]));
    weeks[r[0]][w].engagements += ChU64(r[2]);
  }
  // The category's engagements, each event once.
  AIPS_ASSIGN_OR_RETURN(
      ChRows totals, ch_->Select(fmt::format(
                         "SELECT sum(c), sum(p) FROM (SELECT countIf(day >= {}) AS c, countIf(day < {}) AS "
                         "p FROM {} WHERE note IN (SELECT note FROM ({})) AND {} AND day >= {} AND day <= "
                         "{})",
                         f, f, events, with_topics, kEngagement, ChDay(out.prev_from), t)));
  AIPS_RETURN_IF_ERROR(Unexpected(totals, 2));
  if (!totals.empty()) {
    out.engagements = ChU64(totals[0][0]);
    out.prev_engagements = ChU64(totals[0][1]);
  }

  // With a brand: the engaged users of each topic per stage of the brand on `to`.
  std::map<std::string, std::array<uint64_t, 5>> reach;
  if (!brand.empty()) {
    const RuleSet& rs = RulesOf(brand);
    const Day lo = out.to - rs.MaxWindow() + 1;
    const std::string in_brand = fmt::format("brand = {} AND day >= {}", ChQuote(brand), ChDay(lo));
    const std::string level1 = fmt::format(
        "SELECT user, groupUniqArrayArrayIf(splitByChar('|', tps), tps != '' AND {0} AND day >= {1}) AS tp, "
        "{2} FROM {3} ALL LEFT JOIN ({4}) AS cn USING note WHERE ({5} AND day <= {6}) OR (note != '' AND {0} "
        "AND day >= {1} AND day <= {6}) GROUP BY user",
        kEngagement, f, ChStageArrays(rs, in_brand, "a"), events, with_topics, in_brand, t);
    AIPS_ASSIGN_OR_RETURN(ChRows by_stage,
                          ch_->Select(fmt::format(
                              "SELECT topic, st, count() FROM (SELECT arrayJoin(tp) AS topic, {} AS st FROM "
                              "({})) WHERE st > 0 GROUP BY topic, st",
                              ChStageAt(rs, t, "a"), level1)));
    AIPS_RETURN_IF_ERROR(Unexpected(by_stage, 3));
    for (auto& r : by_stage) {
      const uint64_t st = ChU64(r[1]);
      if (st < 1 || st > 5) return Status::IOError("unexpected answer from ClickHouse");
      reach[r[0]][st - 1] += ChU64(r[2]);
    }
  }
  for (auto& [topic, r] : rows) {
    if (r.notes == 0 && r.engagements == 0 && r.prev_engagements == 0) continue;
    r.topic = topic;
    if (!brand.empty()) r.reach = reach[topic];
    FinishTopicRow(out, weeks[topic], &r);
    out.topics.push_back(std::move(r));
  }
  RankTopics(&out.topics);
  if (!brand.empty()) AIPS_RETURN_IF_ERROR(TopNotes(&out));
  return out;
}

// The notes that moved the most users into the brand's TI: for every day d of the period, the users whose
// stage is TI on d and below TI on d - 1, credited to every note of their brand events of day d.
Status ClickHouseEngine::TopNotes(TopicsResult* out) {
  const RuleSet& rs = RulesOf(out->brand);
  std::string days;
  for (Day d = out->from; d <= out->to; ++d) days += (days.empty() ? "" : ", ") + ChDay(d);
  const std::string f = ChDay(out->from);
  const std::string level1 = fmt::format(
      "SELECT user, {0}, groupArrayIf(note, note != '' AND day >= {2}) AS nn, "
      "groupArrayIf(day, note != '' AND day >= {2}) AS nd "
      "FROM {1} WHERE brand = {3} AND day >= {4} AND day <= {5} GROUP BY user",
      ChStageArrays(rs, "1", "a"), ch_->Table("events"), f, ChQuote(out->brand),
      ChDay(out->from - 1 - rs.MaxWindow() + 1), ChDay(out->to));
  const std::string level2 = fmt::format(
      "SELECT user, arrayFilter((n, x) -> x = d, nn, nd) AS dn, {} AS s1, {} AS s0 "
      "FROM ({}) ARRAY JOIN [{}] AS d",
      ChStageAt(rs, "d", "a"), ChStageAt(rs, "(d - 1)", "a"), level1, days);
  AIPS_ASSIGN_OR_RETURN(
      ChRows moved, ch_->Select(fmt::format(
                        "SELECT note, uniqExact(user) AS u FROM ({}) ARRAY JOIN dn AS note WHERE s1 = 3 AND "
                        "s0 < 3 GROUP BY note ORDER BY u DESC, note LIMIT 20",
                        level2)));
  AIPS_RETURN_IF_ERROR(Unexpected(moved, 2));
  if (moved.empty()) return Status::OK();
  std::vector<std::string> ids;
  for (auto& r : moved) ids.push_back(r[0]);
  AIPS_ASSIGN_OR_RETURN(ChRows topics, ch_->Select(fmt::format("SELECT note, argMax(topics, version) FROM {} "
                                                               "WHERE note IN ({}) GROUP BY note",
                                                               ch_->Table("notes"), ChQuoteList(ids))));
  AIPS_RETURN_IF_ERROR(Unexpected(topics, 2));
  std::map<std::string, std::string> topics_of;
  for (auto& r : topics) topics_of[r[0]] = r[1];
  for (auto& r : moved) {
    TopNote tn;
    tn.note = r[0];
    tn.users_into_ti = ChU64(r[1]);
    tn.topics = SplitBarList(topics_of[r[0]]);
    out->top_notes.push_back(std::move(tn));
  }
  return Status::OK();
}

// Long on purpose: the consultation figures of docs/insights.md in the order the embedded engine computes
// them (accounts and their tenants, the period, conversations per account and per group, spend).
Result<ConsultResult> ClickHouseEngine::Consult(const std::string& account, std::optional<Day> from,
                                                std::optional<Day> to, const std::set<std::string>* allowed) {
  // The accounts as they stand (the latest row of each).
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch_->Select(fmt::format("SELECT account, argMax(`group`, version), argMax(campaign, version), "
                              "argMax(brand, version) FROM {} GROUP BY account",
                              ch_->Table("accounts"))));
  AIPS_RETURN_IF_ERROR(Unexpected(rows, 4));
  std::map<std::string, Account> described;
  for (auto& r : rows) {
    const uint64_t g = ChU64(r[1]);
    if (g > 2)
      return Status::Corruption(fmt::format("{}: account '{}' of group {}", ch_->Describe(), r[0], g));
    described[r[0]] = Account{static_cast<AccountGroup>(g), r[2], r[3]};
  }
  ConsultAccounts accounts(std::move(described), catalog_, allowed);
  const std::string messages = ch_->Table("messages");
  if (accounts.ShowsUndescribed()) {
    AIPS_ASSIGN_OR_RETURN(ChRows named, ch_->Select(fmt::format("SELECT account FROM {} GROUP BY account",
                                                                messages)));  // one row per shard and account
    for (auto& r : named)
      if (!r.empty()) accounts.AddNamed(r[0]);
  }
  if (!account.empty()) AIPS_RETURN_IF_ERROR(accounts.Check(account));
  AIPS_ASSIGN_OR_RETURN(
      ChRows last_rows,
      ch_->Select(fmt::format("SELECT max(d), sum(n) FROM (SELECT max(day) AS d, count() AS n "
                              "FROM {})",
                              messages)));
  Day last = kNoDay;
  if (!last_rows.empty() && last_rows[0].size() == 2 && last_rows[0][1] != "0") {
    AIPS_ASSIGN_OR_RETURN(last, ParseDate(last_rows[0][0]));
  }
  if (last == kNoDay) {
    AIPS_ASSIGN_OR_RETURN(last, LastDay());
  }
  ConsultResult out;
  out.account = account;
  AIPS_ASSIGN_OR_RETURN(out.to, DateOrLast(to, last));
  AIPS_ASSIGN_OR_RETURN(out.from, TrendFrom(from, out.to, kNoDay));

  // The visible accounts, their groups, and every group's account count.
  std::map<std::string, ConsultFigures> by_account, by_group;
  std::vector<std::string> ids, groups;
  for (auto& [id, a] : accounts.all()) {
    if (!accounts.Shown(id, a)) continue;
    const std::string group = accounts.GroupOf(id, a);
    ConsultFigures& fig = by_account[id];
    fig.name = id;
    fig.group = group;
    fig.brand = accounts.BrandOf(a);
    fig.campaign = a.campaign;
    ConsultFigures& g = by_group[group];
    if (g.name.empty()) {
      g.name = group;
      g.accounts = 0;
    }
    ++g.accounts;
    ids.push_back(id);
    groups.push_back(group);
  }
  if (!ids.empty()) {
    // Level 1 (each conversation, on its shard): the first `in` message (its time, day, hour and account;
    // ties in arrival order), any lead, the times of the `out` messages. Level 2: the first reply at or
    // after the first `in`. Level 3: the figures.
    const std::string level1 = fmt::format(
        "SELECT conversation, countIf(out = 0) > 0 AS has_in, argMinIf(account, (ts, run, seq), out = 0) AS "
        "acc, "
        "minIf(ts, out = 0) AS fi, argMinIf(day, ts, out = 0) AS fd, argMinIf(hour, ts, out = 0) AS fh, "
        "max(lead) AS ld, groupArrayIf(ts, out = 1) AS outs FROM {} GROUP BY conversation",
        messages);
    const std::string level2 = fmt::format(
        "SELECT acc, transform(acc, [{0}], [{1}], '') AS grp, ld = 1 AS lead, fh >= 22 OR fh < 8 AS night, "
        "arrayFilter((x, f) -> x >= f, outs, arrayResize([fi], length(outs), fi)) AS rp, length(rp) > 0 AS "
        "replied, if(replied, arrayReduce('min', rp) - fi, 0) AS rs FROM ({2}) WHERE has_in AND fd >= {3} "
        "AND "
        "fd <= {4} AND acc IN ({0})",
        ChQuoteList(ids), ChQuoteList(groups), level1, ChDay(out.from), ChDay(out.to));
    const std::string figures =
        "count(), countIf(replied), countIf(replied AND rs <= 30), countIf(replied AND rs <= 300), "
        "countIf(night), countIf(night AND replied AND rs <= 600), countIf(lead), countIf(replied AND rs > "
        "30 "
        "AND rs <= 60), countIf(replied AND rs > 60 AND rs <= 300), countIf(replied AND rs > 300 AND rs <= "
        "1800), countIf(replied AND rs > 1800 AND rs <= 86400), countIf(replied AND rs > 86400), "
        "arraySort(groupArrayIf(rs, replied)) AS srt, srt[greatest(1, least(length(srt), toUInt64(ceil(0.5 * "
        "length(srt)))))], srt[greatest(1, least(length(srt), toUInt64(ceil(0.9 * length(srt)))))]";
    for (const char* key : {"acc", "grp"}) {
      AIPS_ASSIGN_OR_RETURN(ChRows got, ch_->Select(fmt::format("SELECT {0}, {1} FROM ({2}) GROUP BY {0}",
                                                                key, figures, level2)));
      AIPS_RETURN_IF_ERROR(Unexpected(got, 16));
      for (auto& r : got) {
        auto& target = std::string(key) == "acc" ? by_account : by_group;
        auto it = target.find(r[0]);
        if (it == target.end()) return Status::IOError("unexpected answer from ClickHouse");
        ConsultFigures& fig = it->second;
        fig.conversations = ChU64(r[1]);
        fig.replied = ChU64(r[2]);
        fig.replied_within_30s = ChU64(r[3]);
        fig.replied_within_5min = ChU64(r[4]);
        fig.night_conversations = ChU64(r[5]);
        fig.night_replied_within_10min = ChU64(r[6]);
        fig.leads = ChU64(r[7]);
        fig.buckets = {fig.replied_within_30s,
                       ChU64(r[8]),
                       ChU64(r[9]),
                       ChU64(r[10]),
                       ChU64(r[11]),
                       ChU64(r[12]),
                       fig.conversations - fig.replied};
        if (fig.replied > 0) {
          fig.median_first_reply_s = static_cast<double>(ChI64(r[14]));
          fig.p90_first_reply_s = static_cast<double>(ChI64(r[15]));
        }
      }
    }
  }
  // Spend: a campaign's spend in the period, shared equally by the accounts that name it.
  std::map<std::string, int> sharers;
  for (auto& [id, a] : accounts.all())  // an only-named account has no campaign
    if (!a.campaign.empty()) ++sharers[a.campaign];
  for (auto& [id, fig] : by_account) {
    const Account& a = accounts.all().at(id);
    if (a.campaign.empty()) continue;
    int64_t total = 0;
    for (auto it = catalog_.spend.lower_bound({a.campaign, out.from});
         it != catalog_.spend.end() && it->first.first == a.campaign && it->first.second <= out.to; ++it)
      total += it->second;
    fig.spend = total / sharers[a.campaign];
    std::optional<int64_t>& group_spend = by_group[fig.group].spend;
    group_spend = group_spend.value_or(0) + *fig.spend;
  }
  for (auto& [id, fig] : by_account) {
    if (!account.empty() && id != account) continue;
    FinishConsultFigures(&fig);
    out.accounts.push_back(std::move(fig));
  }
  for (const char* g : kAccountGroupNames) {
    if (auto it = by_group.find(g); it != by_group.end()) {
      FinishConsultFigures(&it->second);
      out.groups.push_back(std::move(it->second));
    }
  }
  if (auto it = by_group.find("unknown"); it != by_group.end()) {
    FinishConsultFigures(&it->second);
    out.groups.push_back(std::move(it->second));
  }
  return out;
}

}  // namespace aips
