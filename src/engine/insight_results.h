// Beyond the funnel (issue #9, docs/insights.md): topic insights (灵犀) over the notes table and the
// events that carry note ids, and consultation analytics (私信) over the accounts and messages tables.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"

namespace aips {

struct TopicWeek {
  Day week = kNoDay;  // the Monday starting the week
  uint64_t notes = 0, engagements = 0;
};

struct TopicRow {
  std::string topic;
  uint64_t notes = 0;             // notes of the category posted in the period with this topic
  uint64_t engagements = 0;       // engagement events in the period on the category's notes with it
  uint64_t prev_engagements = 0;  // the same in the previous period of equal length
  std::optional<double> growth;   // engagements / prev_engagements - 1; nullopt when prev was 0
  double z = 0;                   // two-proportion z of its share of the category's engagements
  bool rising = false;            // engagements >= kRisingMinEngagements and z >= kRisingZ
  uint64_t rank = 0;              // by engagements, then notes, in the period; ties share a rank
  uint64_t users = 0;             // distinct users who engaged with it in the period
  std::optional<std::array<uint64_t, 5>> reach;  // with a brand: engaged users per brand stage on `to`
  std::vector<TopicWeek> weeks;  // every week (Monday) overlapping the period, empty ones included
};

struct TopNote {
  std::string note;
  std::vector<std::string> topics;
  uint64_t users_into_ti = 0;  // users who entered the brand's TI on a day they engaged with this note
};

struct TopicsResult {
  std::string category, brand;  // brand "" = no stage reach
  Day from = kNoDay, to = kNoDay, prev_from = kNoDay, prev_to = kNoDay;
  uint64_t engagements = 0, prev_engagements = 0;  // on all of the category's notes (each event once)
  std::vector<TopicRow> topics;                    // ranked
  std::vector<TopNote> top_notes;  // with a brand: the notes that moved the most users into TI (top 20)
};

inline constexpr uint64_t kRisingMinEngagements = 20;
inline constexpr double kRisingZ = 2.33;  // one-sided p < 0.01

// First-reply time buckets: <=30 s, 31-60 s, 1-5 min, 5-30 min, 30 min-24 h, > 24 h, never.
inline constexpr int kReplyBuckets = 7;
inline constexpr std::array<const char*, kReplyBuckets> kReplyBucketNames = {
    "within_30s", "30s_to_1min", "1_to_5min", "5_to_30min", "30min_to_24h", "over_24h", "no_reply"};

struct ConsultFigures {
  std::string name;             // account, or group
  std::string group;            // the account's group ("" for a group row)
  std::string brand, campaign;  // the account's brand (its own, else its campaign's) and campaign; "" = none
  uint64_t accounts = 1;
  uint64_t conversations = 0, replied = 0, replied_within_30s = 0, replied_within_5min = 0;
  uint64_t night_conversations = 0, night_replied_within_10min = 0, leads = 0;
  std::array<uint64_t, kReplyBuckets> buckets{};
  std::optional<double> reply_30s_rate, lead_rate, night_coverage, cost_per_lead, score;
  std::optional<double> median_first_reply_s, p90_first_reply_s;
  std::optional<int64_t> spend;  // micro-units; nullopt without a campaign
};

struct ConsultResult {
  Day from = kNoDay, to = kNoDay;
  std::string account;  // one account asked for ("" = all)
  std::vector<ConsultFigures> accounts, groups;
};

}  // namespace aips
