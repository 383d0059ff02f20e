// Topic insights and consultation analytics (query/insights.h, docs/insights.md).
#include "engine/insight_results.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/time/time.h"
#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "engine/consult_accounts.h"
#include "engine/insight_math.h"
#include "engine/messages.h"
#include "engine/query_dates.h"
#include "fmt/format.h"
#include "store/content.h"

namespace aips {

namespace {

bool IsEngagement(uint8_t action) {
  switch (static_cast<Action>(action)) {
    case Action::kClick:
    case Action::kLike:
    case Action::kDeepRead:
    case Action::kCollect:
    case Action::kComment:
    case Action::kShare:
      return true;
    default:
      return false;
  }
}

// An account's or a group's figures while conversations are counted, with the reply times that its
// percentiles come from.
struct Tally {
  ConsultFigures f;
  std::vector<int64_t> reply_seconds;
};

ConsultFigures Finish(Tally t) {
  std::sort(t.reply_seconds.begin(), t.reply_seconds.end());
  t.f.median_first_reply_s = NearestRank(t.reply_seconds, 0.5);
  t.f.p90_first_reply_s = NearestRank(t.reply_seconds, 0.9);
  FinishConsultFigures(&t.f);
  return t.f;
}

}  // namespace

Result<TopicsResult> EmbeddedEngine::Topics(const std::string& category, std::optional<Day> from,
                                            std::optional<Day> to, const std::string& brand) {
  const Manifest& m = store_->manifest();
  AIPS_ASSIGN_OR_RETURN(std::vector<std::string> brands, store_->BrandsOfCategory(category));
  if (brands.empty()) return Status::NotFound(UnknownCategoryMessage(category));
  TopicsResult out;
  out.category = category;
  out.brand = brand;
  AIPS_ASSIGN_OR_RETURN(out.to, DateOrLast(to, m.LastDay()));
  AIPS_ASSIGN_OR_RETURN(out.from, TrendFrom(from, out.to, kNoDay));
  const Day len = out.to - out.from + 1;
  out.prev_to = out.from - 1;
  out.prev_from = out.from - len;

  AIPS_ASSIGN_OR_RETURN(NotesTable notes, LoadNotes(store_->dir(), m.notes_generation));
  AIPS_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(store_->rules().timezone));
  DayMapper mapper(zone);
  AIPS_ASSIGN_OR_RETURN(Dictionary * note_dict, store_->dict(kDictNote));
  const std::set<std::string> in_category(brands.begin(), brands.end());
  std::map<std::string, size_t> index;
  std::vector<TopicRow> rows;
  std::vector<std::map<Day, TopicWeek>> weeks;
  std::vector<std::vector<uint32_t>> note_topics(note_dict->size());
  for (auto& [id, n] : notes.notes) {
    if (!in_category.count(n.brand)) continue;
    const Day d = mapper.LocalDay(n.ts);
    std::vector<uint32_t> idx;
    for (const std::string& t : n.topics) {
      auto [it, fresh] = index.try_emplace(t, rows.size());
      if (fresh) {
        rows.emplace_back().topic = t;
        weeks.emplace_back();
      }
      idx.push_back(static_cast<uint32_t>(it->second));
      if (d >= out.from && d <= out.to) {
        ++rows[it->second].notes;
        ++weeks[it->second][WeekOf(d)].notes;
      }
    }
    if (auto dense = note_dict->Find(id)) note_topics[*dense] = std::move(idx);
  }

  // Engagements: every brand's events of both periods that carry a note id of the category.
  std::vector<Roaring> users(rows.size());
  for (Day d = out.prev_from; d <= out.to; ++d) {
    AIPS_ASSIGN_OR_RETURN(std::vector<const Segment*> segs, store_->SegmentsOfDay(d));
    const bool current = d >= out.from;
    for (const Segment* seg : segs) {
      for (uint32_t b : seg->Brands()) {
        AIPS_ASSIGN_OR_RETURN(BrandBlock blk, seg->Block(b));
        for (size_t i = 0; i < blk.n; ++i) {
          const uint32_t note = blk.note[i];
          if (note == kNoId || note >= note_topics.size() || note_topics[note].empty()) continue;
          if (!IsEngagement(blk.action[i])) continue;
          ++(current ? out.engagements : out.prev_engagements);
          for (uint32_t t : note_topics[note]) {
            if (current) {
              ++rows[t].engagements;
              ++weeks[t][WeekOf(d)].engagements;
              users[t].add(blk.user[i]);
            } else {
              ++rows[t].prev_engagements;
            }
          }
        }
      }
    }
  }

  // Reach into the brand's stages on `to`.
  std::vector<Roaring> stage_members;
  std::optional<Resolved> resolved;
  if (!brand.empty()) {
    AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
    resolved = r;
    AIPS_ASSIGN_OR_RETURN(stage_members, MembersOn(r, out.to));
  }
  for (size_t t = 0; t < rows.size(); ++t) {
    TopicRow& r = rows[t];
    if (r.notes == 0 && r.engagements == 0 && r.prev_engagements == 0) continue;
    r.users = users[t].cardinality();
    if (!stage_members.empty()) {
      std::array<uint64_t, 5> reach{};
      for (int s = 0; s < 5; ++s) reach[s] = users[t].and_cardinality(stage_members[s]);
      r.reach = reach;
    }
    FinishTopicRow(out, weeks[t], &r);
    out.topics.push_back(std::move(r));
  }
  RankTopics(&out.topics);

  // The notes that moved the most users into the brand's TI: users whose stage was below TI the day
  // before and TI that day, credited to every note of the brand's events they had that day.
  if (resolved && resolved->brand) {
    std::map<uint32_t, Roaring> moved;
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> before, MembersOn(*resolved, out.from - 1));
    for (Day d = out.from; d <= out.to; ++d) {
      AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> now, MembersOn(*resolved, d));
      constexpr int kTI = 2, kP = 3, kS = 4;  // MembersOn index = stage code - 1
      Roaring entrants = now[kTI] - (before[kTI] | before[kP] | before[kS]);
      if (!entrants.isEmpty()) {
        AIPS_ASSIGN_OR_RETURN(std::vector<const Segment*> segs, store_->SegmentsOfDay(d));
        for (const Segment* seg : segs) {
          AIPS_ASSIGN_OR_RETURN(BrandBlock blk, seg->Block(*resolved->brand));
          for (size_t i = 0; i < blk.n; ++i)
            if (blk.note[i] != kNoId && entrants.contains(blk.user[i])) moved[blk.note[i]].add(blk.user[i]);
        }
      }
      before = std::move(now);
    }
    for (auto& [note, who] : moved) {
      TopNote tn;
      tn.note = std::string(note_dict->Name(note));
      tn.users_into_ti = who.cardinality();
      auto it = notes.notes.find(tn.note);
      if (it != notes.notes.end()) tn.topics = it->second.topics;
      out.top_notes.push_back(std::move(tn));
    }
    std::sort(out.top_notes.begin(), out.top_notes.end(), [](const TopNote& a, const TopNote& b) {
      return a.users_into_ti != b.users_into_ti ? a.users_into_ti > b.users_into_ti : a.note < b.note;
    });
    if (out.top_notes.size() > 20) out.top_notes.resize(20);
  }
  return out;
}

Result<ConsultResult> EmbeddedEngine::Consult(const std::string& account, std::optional<Day> from,
                                              std::optional<Day> to, const std::set<std::string>* allowed) {
  const Manifest& m = store_->manifest();
  AIPS_ASSIGN_OR_RETURN(ConsultData data, LoadConsult(store_->dir(), m.consult_generation));
  AIPS_ASSIGN_OR_RETURN(const Catalog* catalog, store_->catalog());
  ConsultAccounts accounts(data.accounts, *catalog, allowed);
  if (accounts.ShowsUndescribed())
    for (const Message& msg : data.messages) accounts.AddNamed(msg.account);
  if (!account.empty()) AIPS_RETURN_IF_ERROR(accounts.Check(account));
  AIPS_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(store_->rules().timezone));
  DayMapper mapper(zone);
  Day last = kNoDay;
  for (const Message& msg : data.messages) last = std::max(last, mapper.LocalDay(msg.ts));
  if (last == kNoDay) last = m.LastDay();
  ConsultResult out;
  out.account = account;
  AIPS_ASSIGN_OR_RETURN(out.to, DateOrLast(to, last));
  AIPS_ASSIGN_OR_RETURN(out.from, TrendFrom(from, out.to, kNoDay));

  // A conversation: its first `in` message (which also names its account), its first `out` at or after
  // that, and whether any of its messages left contact details.
  struct Conv {
    std::string account;
    int64_t first_in = 0;
    std::optional<int64_t> first_reply;
    bool has_in = false, lead = false;
  };
  std::map<std::string, Conv> convs;
  for (const Message& msg : data.messages) {
    Conv& c = convs[msg.conversation];
    c.lead |= msg.lead;
    if (!msg.out && (!c.has_in || msg.ts < c.first_in)) {
      c.has_in = true;
      c.first_in = msg.ts;
      c.account = msg.account;
    }
  }
  for (const Message& msg : data.messages) {
    if (!msg.out) continue;
    Conv& c = convs[msg.conversation];
    if (c.has_in && msg.ts >= c.first_in && (!c.first_reply || msg.ts < *c.first_reply))
      c.first_reply = msg.ts;
  }

  // Each conversation counts for its account and for the account's group.
  std::map<std::string, Tally> by_account, by_group;
  for (auto& [id, a] : accounts.all()) {
    if (!accounts.Shown(id, a)) continue;
    const char* group = accounts.GroupOf(id, a);
    Tally& t = by_account[id];
    t.f.name = id;
    t.f.group = group;
    t.f.brand = accounts.BrandOf(a);
    t.f.campaign = a.campaign;
    Tally& g = by_group[group];
    if (g.f.name.empty()) {
      g.f.name = group;
      g.f.accounts = 0;
    }
    ++g.f.accounts;
  }
  for (auto& [id, c] : convs) {
    if (!c.has_in) continue;  // opened by the account: not a consultation
    const Day d = mapper.LocalDay(c.first_in);
    if (d < out.from || d > out.to) continue;
    auto it = by_account.find(c.account);
    if (it == by_account.end()) continue;  // an account without an accounts row, or another tenant's
    const int hour = absl::ToCivilHour(absl::FromUnixSeconds(c.first_in), zone).hour();
    const bool night = hour >= 22 || hour < 8;
    for (Tally* t : {&it->second, &by_group[it->second.f.group]}) {
      ConsultFigures& f = t->f;
      ++f.conversations;
      f.leads += c.lead ? 1 : 0;
      f.night_conversations += night ? 1 : 0;
      int bucket = kReplyBuckets - 1;
      if (c.first_reply) {
        const int64_t s = *c.first_reply - c.first_in;
        ++f.replied;
        t->reply_seconds.push_back(s);
        f.replied_within_30s += s <= 30 ? 1 : 0;
        f.replied_within_5min += s <= 300 ? 1 : 0;
        if (night && s <= 600) ++f.night_replied_within_10min;
        bucket = s <= 30 ? 0 : s <= 60 ? 1 : s <= 300 ? 2 : s <= 1800 ? 3 : s <= 86400 ? 4 : 5;
      }
      ++f.buckets[bucket];
    }
  }
  // Spend: a campaign's spend in the period, shared equally by the accounts that name it.
  std::map<std::string, int> sharers;
  for (auto& [id, a] : accounts.all())  // an only-named account has no campaign
    if (!a.campaign.empty()) ++sharers[a.campaign];
  for (auto& [id, t] : by_account) {
    const Account& a = accounts.all().at(id);
    if (a.campaign.empty()) continue;
    int64_t total = 0;
    for (auto it = catalog->spend.lower_bound({a.campaign, out.from});
         it != catalog->spend.end() && it->first.first == a.campaign && it->first.second <= out.to; ++it)
      total += it->second;
    t.f.spend = total / sharers[a.campaign];
    std::optional<int64_t>& group_spend = by_group[t.f.group].f.spend;
    group_spend = group_spend.value_or(0) + *t.f.spend;
  }
  for (auto& [id, t] : by_account)
    if (account.empty() || id == account) out.accounts.push_back(Finish(std::move(t)));
  for (const char* g : kAccountGroupNames)
    if (auto it = by_group.find(g); it != by_group.end()) out.groups.push_back(Finish(std::move(it->second)));
  if (auto it = by_group.find("unknown"); it != by_group.end())
    out.groups.push_back(Finish(std::move(it->second)));
  return out;
}

}  // namespace aips
