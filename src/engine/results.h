// The answers of the core queries (docs/definitions.md#measures), independent of the engine that computed
// them and of how they are printed (query/render.h). Stage arrays are indexed A=0 .. S=4.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "roaring/roaring.hh"

namespace aips {

using StageSizes = std::array<uint64_t, 5>;

struct ScopeRef {
  std::string brand;
  std::optional<std::string> spu;
};

struct StagesResult {
  ScopeRef scope;
  Day date = kNoDay;
  StageSizes stages{};
  uint64_t total() const {
    uint64_t t = 0;
    for (auto v : stages) t += v;
    return t;
  }
};

struct TrendResult {
  ScopeRef scope;
  Day from = kNoDay, to = kNoDay;
  std::vector<StageSizes> days;  // days[i] is day from + i
};

struct FlowResult {
  ScopeRef scope;
  Day from = kNoDay, to = kNoDay;
  // matrix[a][b]: users at stage a on `from` and b on `to`; index 0 = none, 1..5 = A..S; [0][0] = 0.
  std::array<std::array<uint64_t, 6>, 6> matrix{};
  uint64_t new_ = 0, lost = 0, deepened = 0, fell_back = 0;
};

struct PenetrationResult {
  ScopeRef scope;
  Day date = kNoDay;
  std::string category;          // the target crowd's category ("brand:<name>" when the brand has none)
  bool category_listed = false;  // false: the brand has no brands row; its crowd is its own
  uint64_t category_crowd = 0;
  StageSizes in_crowd{};  // |stage set ∩ crowd|
  uint64_t a_plus() const { return in_crowd[0] + in_crowd[1] + in_crowd[2] + in_crowd[3] + in_crowd[4]; }
  uint64_t ti_plus() const { return in_crowd[2] + in_crowd[3] + in_crowd[4]; }
};

// A group of users in the seeded-vs-unseeded comparison (docs/definitions.md#measures).
struct BuyerGroup {
  uint64_t users = 0;
  uint64_t buyers = 0;  // users of the group who bought the brand in [d0, d1 + x]
  uint64_t orders = 0;
  int64_t gmv = 0;  // micro-units
};

// 预判 of a campaign whose T+x window is still open (docs/measures.md#open-campaigns), filled by the layer
// that composes it (engine/forecast.h AddCampaignForecast), never by an engine.
struct CampaignForecast {
  Day from = kNoDay, to = kNoDay;              // the days still to come: (last day with data, d1 + x]
  std::array<uint64_t, 6> reached_by_stage{};  // reached users by stage (none, A..S) on the last day
  std::optional<double> expected_buyers;       // further buying users among the reached
  std::optional<uint64_t> buyers_low80, buyers_high80;
  std::optional<double> gmv_per_buyer;                        // micro-units: the campaign's so far
  std::optional<double> expected_gmv, gmv_low80, gmv_high80;  // final GMV through d1 + x, micro-units
  std::optional<double> roi, roi_low80, roi_high80;           // final ROI(T+x)
  bool flight_running = false;  // the flight has not ended: the reach may still grow (not forecast)
  std::string reason;           // why a figure is absent
};

// One campaign's measures (docs/definitions.md#measures: reach, newly seeded people and their cost,
// ROI(T+x)).
struct CampaignResult {
  std::string campaign, brand;
  std::optional<std::string> spu;
  bool listed = false;               // false: no campaigns row; flight and brand taken from its events
  Day start = kNoDay, end = kNoDay;  // the flight [d0, d1]
  int x_days = 30;
  Day window_end = kNoDay;  // d1 + x
  Day last_data_day = kNoDay;
  bool provisional = false;  // d1 + x is later than the last day with data
  uint64_t reach = 0, impressions = 0, clicks = 0;
  int64_t spend = 0;  // micro-units, every spend row of the campaign
  uint64_t new_I = 0, new_TI = 0, new_P = 0, new_S = 0;
  int64_t gmv = 0;  // micro-units
  uint64_t buyers = 0, orders = 0;
  BuyerGroup seeded, unseeded;
  std::array<uint64_t, 6> mix_before{}, mix_after{};  // reached users by stage (none, A..S) on d0-1 and d1
  std::optional<CampaignForecast> forecast;           // provisional campaigns, when asked for
};

// How a lift is estimated (docs/measures.md#lift): auto = the holdout when the campaign has experiment
// assignments, else matched.
enum class LiftDesign { kAuto, kHoldout, kMatched };

// One stratum of the matched design (docs/measures.md#matched-lift): users alike before the flight, by
// their stage in the scope on d0 - 1, their `segment:` tag and their active days in the category in
// [d0 - 30, d0 - 1] (bucket 0: none, 1: one, 2: two or three, 3: four or more). Side 0 = reached users,
// side 1 = the comparison pool (unreached users who met the brand otherwise during the flight).
struct LiftStratum {
  int pre_stage = 0;    // 0 = none .. 5 = S
  std::string segment;  // the user's first `segment:` tag in byte order; "" when none
  int activity = 0;     // bucket 0..3
  std::array<uint64_t, 2> size{};
  std::array<std::array<uint64_t, 4>, 2> converted{};  // per stage I, TI, P, S
  std::array<std::map<int64_t, uint64_t>, 2> gmv;      // micro-units → users (0 included)
};

// Holdout lift of a campaign (docs/measures.md#lift): by assigned group, intent-to-treat. The counts every
// engine gathers; the statistics follow from them (engine/lift_math.h, render/render_lift.cc).
// The matched design (observational) fills the same fields with treatment = the users the campaign reached
// and control = the comparison pool (their unadjusted comparison is the "naive" one), plus `strata`.
struct LiftResult {
  std::string campaign, brand;
  std::optional<std::string> spu;  // the scope: the campaign's SPU, else the brand
  std::string design = "holdout";
  Day start = kNoDay, end = kNoDay;  // the flight [d0, d1]
  int x_days = 30;
  Day window_end = kNoDay;  // d1 + x
  Day last_data_day = kNoDay;
  Day measured_through = kNoDay;  // min(d1 + x, last day with data): conversions counted to this day
  bool maturing = false;          // d1 + x is after the last day with data
  uint64_t treatment_size = 0, control_size = 0;
  uint64_t treatment_reached = 0, control_reached = 0;  // control reached = contamination
  // Converted members per stage I, TI, P, S (index 0..3 = stage code 2..5), by group.
  std::array<uint64_t, 4> treatment_converted{}, control_converted{};
  // GMV (micro-units) of the brand in [d0, measured_through] per member: value → members (0 included).
  std::map<int64_t, uint64_t> treatment_gmv, control_gmv;
  int64_t spend = 0;                // micro-units
  std::vector<LiftStratum> strata;  // matched design: ordered by (pre_stage, segment, activity)
};

// What a forecast learns from (docs/measures.md#forecast), gathered by an engine from events dated on or
// before `date` only: the users at `stage` in the scope on `date`, and for each asked origin day d < date
// the users at `stage` on d and the delay, in days, to their first purchase of the brand after d, where it
// came by `date` (delays 1 .. date - d; a member without one is censored at date - d).
struct CohortPurchases {
  ScopeRef scope;
  int stage = 3;  // 1 = A .. 5 = S
  Day date = kNoDay;
  uint64_t members = 0;
  struct Origin {
    Day day = kNoDay;
    uint64_t size = 0;
    std::map<int, uint64_t> first_purchase;  // delay → users
  };
  std::vector<Origin> origins;  // in the order asked
  uint64_t distinct_users = 0;  // users in at least one origin's cohort
};

// One brand's headline measures in its category (competitor comparison, docs/definitions.md#compare).
struct BrandMeasures {
  std::string brand;
  StageSizes stages{};
  uint64_t category_crowd = 0, a_plus_in_crowd = 0, ti_plus_in_crowd = 0;
  uint64_t new_ = 0, lost = 0, deepened = 0, fell_back = 0;  // flow from..date
};

struct CompareResult {
  std::string category;
  Day from = kNoDay, date = kNoDay;
  std::vector<std::string> shown;              // the brand, then the named competitors
  std::vector<BrandMeasures> category_brands;  // every brand of the category
  int top_n = 3;
};

// Crowd overlap between brands per stage on a day.
struct OverlapResult {
  Day date = kNoDay;
  std::vector<std::string> brands;
  // pairs[i][j][s]: users at stage s (0..4; 5 = A+) for both brands i and j.
  std::vector<std::vector<std::array<uint64_t, 6>>> pairs;
  std::vector<std::array<uint64_t, 6>> sizes;
};

// 战败人群: seeded (TI+) by the brand on `seeded_on`, then buying only from competitors within x days.
struct DefeatedResult {
  std::string brand, category;
  Day seeded_on = kNoDay, date = kNoDay;
  int x_days = 30;
  uint64_t seeded = 0, defeated = 0, bought_brand = 0;
  std::vector<std::pair<std::string, uint64_t>> by_competitor;
};

// 回搜率: readers who searched the brand within `within_days` after reading.
struct SearchBackResult {
  std::string brand;
  Day from = kNoDay, to = kNoDay;
  int within_days = 7;
  uint64_t readers = 0, searched = 0;
};

// 极光指标 per brand: four sub-scores and the composite, each 0-100 among the category's brands.
struct AuroraRow {
  std::string brand;
  double awareness_raw = 0, content_raw = 0, penetration_raw = 0, wom_raw = 0;
  uint64_t notes = 0, engagements = 0, s_crowd = 0, posts = 0, positive_posts = 0;
  double awareness = 0, content = 0, penetration = 0, wom = 0, composite = 0;
};

struct AuroraResult {
  std::string category;
  Day date = kNoDay;
  uint64_t category_crowd = 0;
  std::vector<AuroraRow> brands;  // sorted by composite, highest first
};

// First-party data of a brand (docs/first-party.md).
struct FirstPartyResult {
  std::string brand;
  uint64_t matched_orders = 0;  // purchases with channel first_party
  int64_t matched_gmv = 0;      // micro-units
  uint64_t matched_buyers = 0;
  uint64_t unmatched_orders = 0;  // kept until the identity map names their id
  uint64_t identity_entries = 0;  // the platform's identity map, all brands
  // Match rate over time: per week (its Monday) of the orders' local days, the orders matched so far and
  // those still waiting for an identity.
  struct Week {
    Day week = kNoDay;
    uint64_t matched = 0, unmatched = 0;
  };
  std::vector<Week> weeks;
};

// A crowd's portrait: its share per tag against a base crowd (the category crowd), TGI = share / base
// share × 100.
struct PortraitRow {
  std::string tag;
  uint64_t count = 0, base_count = 0;
};
struct PortraitResult {
  std::string category;
  Day date = kNoDay;
  uint64_t crowd = 0, base = 0;
  std::vector<PortraitRow> tags;
};

// 一方光谱: the brand's first-party customer tiers crossed with AIPS stages (docs/measures.md).
inline constexpr const char* kTierNames[] = {"high_value", "repeat", "one_time", "lapsed", "prospect"};
inline constexpr int kNumTiers = 5;
struct SpectrumCell {
  uint64_t users = 0, converted = 0;  // converted: bought the brand (any channel) in (date, date + x]
};
struct SpectrumResult {
  std::string brand;
  Day date = kNoDay;
  int x_days = 30;
  bool provisional = false;   // date + x is after the last day with data
  double high_value_gmv = 0;  // the GMV threshold of high_value (80th percentile of repeat buyers)
  std::array<std::array<SpectrumCell, 6>, kNumTiers> cells{};  // [tier][stage: none, A..S]
};

// 人群纠偏: a campaign's reached crowd against its target, per day of the flight.
struct CorrectionDay {
  Day day = kNoDay;
  uint64_t reached = 0, on_target = 0;
  std::array<uint64_t, 6> reached_mix{}, target_mix{};   // by stage (none, A..S) on that day, brand scope
  std::vector<std::pair<std::string, double>> drifting;  // segments whose index fell below the threshold
};
struct CorrectionResult {
  std::string campaign, brand, target;
  uint64_t target_size = 0;
  double threshold = 0.8;
  std::vector<CorrectionDay> days;
  std::vector<std::tuple<std::string, double, double>>
      segments;           // tag, share in reach, share in target (last day)
  std::string exclusion;  // suggested exclusion crowd expression
  uint64_t exclusion_size = 0;
};

// Lookalike tiers (人群反漏斗 core → high-potential → broad) ranked by similarity to a seed crowd.
struct LookalikeTier {
  std::string name;
  uint64_t size = 0;
  double min_score = 0;
  Roaring members;
};
struct LookalikeResult {
  Day date = kNoDay;
  int window_days = 90;
  uint64_t seed = 0, candidates = 0;
  std::vector<LookalikeTier> tiers;                          // nested, smallest first
  std::vector<std::pair<std::string, double>> top_features;  // highest weights
};

struct BrandSummary {
  std::string name;
  std::optional<std::string> category;
  std::vector<std::string> spus;
  uint64_t events = 0;
  Day first_day = kNoDay, last_day = kNoDay;
  Day computed_through = kNoDay;
};

struct InfoResult {
  std::string data_dir;
  std::string timezone;
  uint64_t events = 0, users = 0;  // stored events (matched first-party orders included), distinct users
  bool users_hidden = false;       // the HTTP API hides the platform's user count from tenant keys
  bool events_of_tenant = false;   // ... and counts only the events of the tenant's brands
  Day first_day = kNoDay, last_day = kNoDay;
  std::vector<Day> days;  // days that have events
  std::vector<BrandSummary> brands;
  std::vector<std::string> campaigns;
  std::vector<std::pair<std::string, int>> categories;  // name, decision cycle
  std::string rules_toml;
  bool rules_default = true;
};

}  // namespace aips
