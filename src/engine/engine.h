// The one interface every engine answers (the embedded engine over a data directory, embedded/; the
// ClickHouse engine, distributed/). Every CLI command and every HTTP endpoint asks its questions here;
// only the factory (front/open_engine.h) names a concrete engine.
//
// The interface is split by capability. Calls return aggregates, or take a crowd expression that the
// engine evaluates where the data lives: member sets leave an engine only in bounded form (an export of
// a crowd, the tiers of a lookalike whose sizes the caller chose).
//
// The core an engine must provide is FunnelQueries, CampaignQueries and CatalogQueries (pure virtual).
// The category, crowd and insight capabilities answer Unsupported unless an engine overrides them, so an
// engine adds them one question at a time (docs/distributed.md lists what ClickHouse answers).
//
// Errors: NotFound for an unknown brand, SPU, campaign or category, InvalidArgument for a malformed or
// impossible request (both the caller's fault: exit code 2, HTTP 404/400); Unsupported when this engine
// cannot answer the question (exit code 2, HTTP 501). Dates are local days of the data's time zone.
// Defaults (the day, the window, the period) are applied by the engine when an optional is empty.
//
// Thread safety: an engine object answers one call at a time. Servers keep a pool of engines per
// data generation (serve/engine_pool.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "aips/status.h"
#include "engine/insight_results.h"
#include "engine/messages.h"
#include "engine/results.h"
#include "store/crowds.h"

namespace aips {

struct ComputeProgress {
  size_t done = 0, total = 0;
  std::string subject;
  size_t resumed = 0;  // subjects so far continued from their stored state instead of their first day
};

// A crowd as callers name it: an expression (docs/crowds.md; presets are expanded before they reach an
// engine, crowds/crowd_tools.h) and the tenant whose saved crowds `crowd("name")` sees ("" = the crowds
// saved from the command line).
struct CrowdQuery {
  std::string expr;
  std::string tenant;
};

// The crowd asset's stages and flows.
class FunnelQueries {
 public:
  virtual ~FunnelQueries() = default;
  virtual Result<InfoResult> Info() = 0;
  // `date` defaults to the last day with data.
  virtual Result<StagesResult> Stages(const ScopeRef& scope, std::optional<Day> date) = 0;
  // Daily stage sizes over [from, to] (defaults: the 30 days ending on the last day with data).
  virtual Result<TrendResult> Trend(const ScopeRef& scope, std::optional<Day> from,
                                    std::optional<Day> to) = 0;
  // The flow matrix between from < to (defaults: to = last day, from = to - 30).
  virtual Result<FlowResult> Flow(const ScopeRef& scope, std::optional<Day> from, std::optional<Day> to) = 0;
  // Each stage's members inside the category crowd as of date.
  virtual Result<PenetrationResult> Penetration(const ScopeRef& scope, std::optional<Day> date) = 0;
  // Precomputes and stores every brand's and category's snapshots through `until` (default: the last
  // day with data). Engines with nothing to precompute succeed at once.
  virtual Status Compute(std::optional<Day> until,
                         const std::function<void(const ComputeProgress&)>& progress) = 0;
  // The cohorts a forecast learns from (engine/results.h CohortPurchases; docs/measures.md#forecast):
  // stage 1..5, every origin before `date`, only events dated on or before `date` counted. NotFound for an
  // unknown brand or SPU.
  virtual Result<CohortPurchases> PurchasesOfCohorts(const ScopeRef& scope, int stage, Day date,
                                                     const std::vector<Day>& origins) {
    return NotAnswered("forecast");
  }
};

// Campaign measures: CPI, CPTI, GMV and ROI(T+x) (docs/measures.md).
class CampaignQueries {
 public:
  virtual ~CampaignQueries() = default;
  // One campaign's measures; x overrides the category's decision cycle.
  virtual Result<CampaignResult> Campaign(const std::string& campaign, std::optional<int> x) = 0;
  // Every campaign of a brand (its campaigns rows and the campaigns its events carry).
  virtual Result<std::vector<CampaignResult>> BrandCampaigns(const std::string& brand,
                                                             std::optional<int> x) = 0;
  // Lift per stage (docs/measures.md#lift): by the campaign's holdout (experiment assignments) or, without
  // one, by the matched design (observational); x overrides the category's decision cycle. NotFound for an
  // unknown campaign; InvalidArgument when the holdout design is asked of a campaign without assignments.
  virtual Result<LiftResult> Lift(const std::string& campaign, std::optional<int> x, LiftDesign design) {
    return NotAnswered("lift");
  }
};

// A brand inside its category, against competitors, and against its first-party customers.
class CategoryQueries {
 public:
  virtual ~CategoryQueries() = default;
  virtual Result<CompareResult> Compare(const std::string& brand, const std::vector<std::string>& competitors,
                                        std::optional<Day> from, std::optional<Day> date, int top_n) {
    return NotAnswered("compare");
  }
  virtual Result<OverlapResult> Overlap(const std::vector<std::string>& brands, std::optional<Day> date) {
    return NotAnswered("overlap");
  }
  virtual Result<DefeatedResult> Defeated(const std::string& brand, std::optional<Day> date,
                                          std::optional<int> x) {
    return NotAnswered("defeated");
  }
  virtual Result<SearchBackResult> SearchBack(const std::string& brand, std::optional<Day> from,
                                              std::optional<Day> to, int within_days) {
    return NotAnswered("searchback");
  }
  virtual Result<AuroraResult> Aurora(const std::string& category, std::optional<Day> date) {
    return NotAnswered("aurora");
  }
  virtual Result<FirstPartyResult> FirstParty(const std::string& brand) { return NotAnswered("firstparty"); }
  // 一方光谱 of a brand as of `date` (default: the last day with data minus x, so conversion is seen).
  virtual Result<SpectrumResult> Spectrum(const std::string& brand, std::optional<Day> date,
                                          std::optional<int> x) {
    return NotAnswered("spectrum");
  }
  // 人群纠偏 of a campaign against a target crowd.
  virtual Result<CorrectionResult> Correction(const std::string& campaign, const CrowdQuery& target,
                                              double threshold) {
    return NotAnswered("correction");
  }
};

// Crowd packs: counted, exported, described, widened and saved where the data lives.
class CrowdQueries {
 public:
  virtual ~CrowdQueries() = default;
  virtual Result<uint64_t> CrowdCount(const CrowdQuery& crowd) { return NotAnswered("crowd count"); }
  // CSV of the members: `id_sha256` = SHA-256(salt ":" user_id) per member, or `user_id` when salt is
  // empty (raw ids: operators only). InvalidArgument when the crowd has fewer than min_size members.
  virtual Result<std::string> CrowdExport(const CrowdQuery& crowd, const std::string& salt, size_t min_size) {
    return NotAnswered("crowd export");
  }
  // Share per user tag against the category crowd of `category` (default: the category of the first
  // brand the expression names) on `date` (default: the last day with data).
  virtual Result<PortraitResult> CrowdPortrait(const CrowdQuery& crowd, const std::string& category,
                                               std::optional<Day> date) {
    return NotAnswered("crowd portrait");
  }
  // Nested lookalike tiers of the given sizes around the seed crowd (docs/crowds.md); each tier is
  // saved as a crowd named `save_as`-<tier> when save_as is not empty.
  virtual Result<LookalikeResult> Lookalike(const CrowdQuery& seed, std::optional<Day> date, int window_days,
                                            const std::vector<uint64_t>& tier_sizes,
                                            const std::string& save_as) {
    return NotAnswered("lookalike");
  }
  // `crowd export --campaign C --holdout PCT` (engine/holdout_split.h): splits the crowd's members the
  // campaign has no assignment for into treatment and control, stores those assignments, and exports the
  // crowd's treatment members as CrowdExport does (min_size applies to them).
  virtual Result<std::string> CrowdExportHoldout(const CrowdQuery& crowd, const std::string& salt,
                                                 size_t min_size, const std::string& campaign,
                                                 double holdout_pct) {
    return NotAnswered("crowd export --holdout");
  }
  // Evaluates the crowd and stores its members as the next version of `name`, owned by crowd.tenant.
  virtual Result<SavedCrowd> SaveCrowd(const std::string& name, const CrowdQuery& crowd) {
    return NotAnswered("crowd save");
  }
  virtual Result<std::vector<SavedCrowd>> SavedCrowds() { return NotAnswered("crowd list"); }
};

// Content and conversation insights (灵犀 topics, 私信 consultations; docs/insights.md).
class InsightQueries {
 public:
  virtual ~InsightQueries() = default;
  // `brand` (optional) adds each topic's reach into its stages and its top notes.
  virtual Result<TopicsResult> Topics(const std::string& category, std::optional<Day> from,
                                      std::optional<Day> to, const std::string& brand) {
    return NotAnswered("topics");
  }
  // `allowed_brands` (non-null) shows only the accounts answering for those brands (a tenant's).
  virtual Result<ConsultResult> Consult(const std::string& account, std::optional<Day> from,
                                        std::optional<Day> to, const std::set<std::string>* allowed_brands) {
    return NotAnswered("consult");
  }
};

// Names and ownership: what the layer in front of the engine needs for defaults and tenant checks.
class CatalogQueries {
 public:
  virtual ~CatalogQueries() = default;
  // The first and last local day with an event (kNoDay both when there is none).
  virtual Result<std::pair<Day, Day>> DataDays() = 0;
  // The category of a brand ("brand:<name>" when it has none); NotFound for an unknown brand.
  virtual Result<std::string> CategoryOf(const std::string& brand) = 0;
  // Brand names (with events or a brands row) of a category.
  virtual Result<std::vector<std::string>> BrandsOfCategory(const std::string& category) = 0;
  // The brand a campaign belongs to; NotFound for an unknown campaign.
  virtual Result<std::string> BrandOfCampaign(const std::string& campaign) = 0;
  // The decision cycle x in days of a brand's category (30 when not configured).
  virtual Result<int> DecisionCycleOf(const std::string& brand) = 0;
  // Seconds spent computing snapshots since the engine opened (metrics).
  virtual double ComputeSeconds() const { return 0; }
};

class QueryEngine : public FunnelQueries,
                    public CampaignQueries,
                    public CategoryQueries,
                    public CrowdQueries,
                    public InsightQueries,
                    public CatalogQueries {};

}  // namespace aips
