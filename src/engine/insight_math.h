// The arithmetic of topic insights and consultation figures (docs/insights.md) that every engine applies to
// the counts it gathered, so that the embedded and ClickHouse engines answer alike to the last digit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "engine/insight_results.h"

namespace aips {

// Nearest-rank percentile p of sorted values (nullopt when empty).
std::optional<double> NearestRank(const std::vector<int64_t>& sorted, double p);

// Fills the rates, cost per lead and score of figures whose counts, spend and percentiles are set.
void FinishConsultFigures(ConsultFigures* f);

// Fills growth, z, rising and the weeks of a topic whose counts are set, against the period and the
// category's totals in `out`; `weeks` holds the weeks with notes or engagements.
void FinishTopicRow(const TopicsResult& out, const std::map<Day, TopicWeek>& weeks, TopicRow* r);

// Sorts topics by engagements, notes (both descending), then name, and ranks them (ties share a rank).
void RankTopics(std::vector<TopicRow>* topics);

}  // namespace aips
