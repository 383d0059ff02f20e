#include "render/render_insights.h"

#include "render/render.h"

#include "common/json_writer.h"
#include "domain/domain.h"
#include "fmt/format.h"

namespace aips {

namespace {

std::string Pct(const std::optional<double>& x) { return x ? fmt::format("{:.1f}%", 100 * *x) : "—"; }

void FiguresJson(JsonWriter& w, const ConsultFigures& f, bool is_group) {
  if (is_group) {
    w.Key("group").String(f.name).Key("accounts").Int(static_cast<int64_t>(f.accounts));
  } else {
    w.Key("account").String(f.name).Key("group").String(f.group);
    w.Key("brand").OptString(f.brand.empty() ? std::nullopt : std::optional(f.brand));
    w.Key("campaign").OptString(f.campaign.empty() ? std::nullopt : std::optional(f.campaign));
  }
  w.Key("conversations").Int(static_cast<int64_t>(f.conversations));
  w.Key("replied").Int(static_cast<int64_t>(f.replied));
  w.Key("replied_within_30s").Int(static_cast<int64_t>(f.replied_within_30s));
  w.Key("reply_30s_rate").OptDouble(f.reply_30s_rate);
  w.Key("replied_within_5min").Int(static_cast<int64_t>(f.replied_within_5min));
  w.Key("first_reply_seconds").BeginObject();
  w.Key("median").OptDouble(f.median_first_reply_s).Key("p90").OptDouble(f.p90_first_reply_s).EndObject();
  w.Key("first_reply_distribution").BeginObject();
  for (int b = 0; b < kReplyBuckets; ++b) w.Key(kReplyBucketNames[b]).Int(static_cast<int64_t>(f.buckets[b]));
  w.EndObject();
  w.Key("night_conversations").Int(static_cast<int64_t>(f.night_conversations));
  w.Key("night_replied_within_10min").Int(static_cast<int64_t>(f.night_replied_within_10min));
  w.Key("night_coverage").OptDouble(f.night_coverage);
  w.Key("leads").Int(static_cast<int64_t>(f.leads));
  w.Key("lead_rate").OptDouble(f.lead_rate);
  w.Key("spend");
  if (f.spend)
    w.Double(static_cast<double>(*f.spend) / 1e6);
  else
    w.Null();
  w.Key("cost_per_lead").OptDouble(f.cost_per_lead);
  w.Key("score").OptDouble(f.score);
}

}  // namespace

std::string ToJson(const TopicsResult& r) {
  JsonWriter w;
  w.BeginObject().Key("category").String(r.category);
  w.Key("brand");
  if (r.brand.empty())
    w.Null();
  else
    w.String(r.brand);
  w.Key("from").String(FormatDate(r.from)).Key("to").String(FormatDate(r.to));
  w.Key("previous")
      .BeginObject()
      .Key("from")
      .String(FormatDate(r.prev_from))
      .Key("to")
      .String(FormatDate(r.prev_to));
  w.EndObject();
  w.Key("engagements").Int(static_cast<int64_t>(r.engagements));
  w.Key("previous_engagements").Int(static_cast<int64_t>(r.prev_engagements));
  w.Key("topics").BeginArray();
  for (const TopicRow& t : r.topics) {
    w.BeginObject().Key("topic").String(t.topic).Key("notes").Int(static_cast<int64_t>(t.notes));
    w.Key("engagements").Int(static_cast<int64_t>(t.engagements)).Key("growth").OptDouble(t.growth);
    w.Key("previous_engagements").Int(static_cast<int64_t>(t.prev_engagements));
    w.Key("rank").Int(static_cast<int64_t>(t.rank)).Key("rising").Bool(t.rising).Key("z").Double(t.z);
    w.Key("users").Int(static_cast<int64_t>(t.users));
    if (t.reach) {
      w.Key("reach").BeginObject();
      for (int s = 0; s < 5; ++s)
        w.Key(std::string(kStageCodes[s + 1])).Int(static_cast<int64_t>((*t.reach)[s]));
      w.EndObject();
    }
    w.Key("weeks").BeginArray();
    for (const TopicWeek& wk : t.weeks) {
      w.BeginObject()
          .Key("week")
          .String(FormatDate(wk.week))
          .Key("notes")
          .Int(static_cast<int64_t>(wk.notes));
      w.Key("engagements").Int(static_cast<int64_t>(wk.engagements)).EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.Key("top_notes").BeginArray();
  for (const TopNote& n : r.top_notes) {
    w.BeginObject()
        .Key("note")
        .String(n.note)
        .Key("users_into_ti")
        .Int(static_cast<int64_t>(n.users_into_ti));
    w.Key("topics").BeginArray();
    for (auto& t : n.topics) w.String(t);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return w.str() + "\n";
}

std::string ToTable(const TopicsResult& r) {
  std::string o =
      fmt::format("灵犀 topic insights · category {} · {} – {} (previous period {} – {})\n\n", r.category,
                  FormatDate(r.from), FormatDate(r.to), FormatDate(r.prev_from), FormatDate(r.prev_to));
  if (r.topics.empty()) return o + "  no notes with topics in this category\n";
  o += fmt::format("  {:>4}  {:<22}{:>7}{:>13}{:>10}{:>9}", "rank", "topic", "notes", "engagements", "growth",
                   "rising");
  if (!r.brand.empty()) o += fmt::format("{:>8}{:>8}{:>8}", "I", "TI", "P+S");
  o += "\n";
  for (const TopicRow& t : r.topics) {
    o += fmt::format("  {:>4}  {:<22}{:>7}{:>13}{:>10}{:>9}", t.rank, t.topic, t.notes, t.engagements,
                     t.growth ? fmt::format("{:+.0f}%", 100 * *t.growth) : "new", t.rising ? "▲ yes" : "");
    if (t.reach)
      o += fmt::format("{:>8}{:>8}{:>8}", (*t.reach)[1], (*t.reach)[2], (*t.reach)[3] + (*t.reach)[4]);
    o += "\n";
  }
  if (!r.brand.empty()) {
    o += fmt::format(
        "\n  I / TI / P+S: users who engaged with the topic and stand at that stage of {} on {}\n", r.brand,
        FormatDate(r.to));
    o += fmt::format("\n  notes that moved the most users into {}'s TI (深度种草):\n", r.brand);
    if (r.top_notes.empty()) o += "    none in this period\n";
    for (const TopNote& n : r.top_notes) {
      std::string topics;
      for (auto& t : n.topics) topics += (topics.empty() ? "" : " | ") + t;
      o += fmt::format("    {:<16}{:>6} users   {}\n", n.note, n.users_into_ti, topics);
    }
  }
  o += fmt::format(
      "\n  category engagements {} (previous period {}); rising: >= 20 engagements and a share of them\n"
      "  significantly above the previous period's (two-proportion z >= 2.33; docs/insights.md)\n",
      r.engagements, r.prev_engagements);
  return o;
}

std::string ToJson(const ConsultResult& r) {
  JsonWriter w;
  if (!r.account.empty() && !r.accounts.empty()) {
    w.BeginObject();
    FiguresJson(w, r.accounts.front(), false);
    w.Key("from").String(FormatDate(r.from)).Key("to").String(FormatDate(r.to)).EndObject();
    return w.str() + "\n";
  }
  w.BeginObject().Key("from").String(FormatDate(r.from)).Key("to").String(FormatDate(r.to));
  w.Key("accounts").BeginArray();
  for (auto& f : r.accounts) {
    w.BeginObject();
    FiguresJson(w, f, false);
    w.EndObject();
  }
  w.EndArray().Key("groups").BeginArray();
  for (auto& f : r.groups) {
    w.BeginObject();
    FiguresJson(w, f, true);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.str() + "\n";
}

std::string ToTable(const ConsultResult& r) {
  std::string o = fmt::format("私信咨询 consultations · {} – {}\n\n", FormatDate(r.from), FormatDate(r.to));
  auto header = [&](const char* first) {
    o += fmt::format("  {:<20}{:<14}{:>7}{:>9}{:>9}{:>10}{:>8}{:>9}{:>10}{:>7}\n", first, "group", "convs",
                     "30s rate", "median s", "night cov", "leads", "lead %", "cost/lead", "score");
  };
  auto line = [&](const ConsultFigures& f, const std::string& group) {
    o += fmt::format(
        "  {:<20}{:<14}{:>7}{:>9}{:>9}{:>10}{:>8}{:>9}{:>10}{:>7}\n", f.name, group, f.conversations,
        Pct(f.reply_30s_rate), f.median_first_reply_s ? fmt::format("{:.0f}", *f.median_first_reply_s) : "—",
        Pct(f.night_coverage), f.leads, Pct(f.lead_rate), f.cost_per_lead ? MoneyText(*f.cost_per_lead) : "—",
        f.score ? fmt::format("{:.1f}", *f.score) : "—");
  };
  header("account");
  for (auto& f : r.accounts) line(f, f.group);
  if (r.account.empty() && !r.groups.empty()) {
    o += "\n";
    header("group");
    for (auto& f : r.groups) line(f, fmt::format("{} accts", f.accounts));
  }
  o += "\n  30s rate: first reply within 30 s · night cov: night (22:00-08:00) conversations answered within "
       "10 "
       "min\n  score (咨询分) = 40·30s rate + 20·5-min rate + 20·night coverage + 20·min(1, lead rate / 20%) "
       "(docs/insights.md)\n";
  return o;
}

}  // namespace aips
