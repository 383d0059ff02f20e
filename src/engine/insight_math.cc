#include "engine/insight_math.h"

#include <algorithm>
#include <cmath>

namespace aips {

namespace {

std::optional<double> Ratio(uint64_t a, uint64_t b) {
  if (b == 0) return std::nullopt;
  return static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace

std::optional<double> NearestRank(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]);
}

void FinishConsultFigures(ConsultFigures* fig) {
  ConsultFigures& f = *fig;
  f.reply_30s_rate = Ratio(f.replied_within_30s, f.conversations);
  f.lead_rate = Ratio(f.leads, f.conversations);
  f.night_coverage = Ratio(f.night_replied_within_10min, f.night_conversations);
  if (f.spend && f.leads > 0)
    f.cost_per_lead = static_cast<double>(*f.spend) / 1e6 / static_cast<double>(f.leads);
  if (f.conversations > 0) {
    const double r30 = *f.reply_30s_rate;
    const double r5 = static_cast<double>(f.replied_within_5min) / static_cast<double>(f.conversations);
    const double night = f.night_coverage.value_or(r5);
    const double lead = std::min(1.0, *f.lead_rate / 0.2);
    f.score = std::round(1000.0 * (0.4 * r30 + 0.2 * r5 + 0.2 * night + 0.2 * lead)) / 10.0;
  }
}

void FinishTopicRow(const TopicsResult& out, const std::map<Day, TopicWeek>& weeks, TopicRow* row) {
  TopicRow& r = *row;
  if (r.prev_engagements > 0)
    r.growth = static_cast<double>(r.engagements) / static_cast<double>(r.prev_engagements) - 1.0;
  // Two-proportion z-test of the topic's share of the category's engagements, this period against the
  // previous one: a topic rises when it takes a larger share, not merely because the category grew.
  const double x = static_cast<double>(r.engagements), y = static_cast<double>(r.prev_engagements);
  const double big_x = static_cast<double>(out.engagements),
               big_y = static_cast<double>(out.prev_engagements);
  r.z = 0;
  if (big_x > 0 && big_y > 0) {
    const double pooled = (x + y) / (big_x + big_y);
    const double se = std::sqrt(pooled * (1 - pooled) * (1 / big_x + 1 / big_y));
    if (se > 0) r.z = (x / big_x - y / big_y) / se;
  }
  r.rising = r.engagements >= kRisingMinEngagements && r.z >= kRisingZ;
  for (Day w = WeekOf(out.from); w <= out.to; w += 7) {  // every week of the period, empty ones too
    auto it = weeks.find(w);
    TopicWeek tw = it == weeks.end() ? TopicWeek{} : it->second;
    tw.week = w;
    r.weeks.push_back(tw);
  }
}

void RankTopics(std::vector<TopicRow>* topics) {
  std::sort(topics->begin(), topics->end(), [](const TopicRow& a, const TopicRow& b) {
    if (a.engagements != b.engagements) return a.engagements > b.engagements;
    if (a.notes != b.notes) return a.notes > b.notes;
    return a.topic < b.topic;
  });
  // Competition ranking: topics tied on engagements and notes share a rank ("1, 1, 3").
  for (size_t i = 0; i < topics->size(); ++i) {
    TopicRow& a = (*topics)[i];
    const bool tie =
        i > 0 && a.engagements == (*topics)[i - 1].engagements && a.notes == (*topics)[i - 1].notes;
    a.rank = tie ? (*topics)[i - 1].rank : i + 1;
  }
}

}  // namespace aips
