// The ClickHouse engine: answers QueryEngine from an aips database on one ClickHouse server or a
// sharded cluster (docs/distributed.md). Nothing is precomputed: each answer is one SQL query over the
// events, compiled from the same rules (distributed/ch_sql.h), with the same JSON as the embedded engine.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "distributed/ch_crowd_sql.h"
#include "distributed/ch_store.h"
#include "engine/crowd_expr.h"
#include "engine/engine.h"

namespace aips {

class ClickHouseEngine : public QueryEngine {
 public:
  // NotFound when the database holds no aips tables.
  static Result<std::unique_ptr<ClickHouseEngine>> Open(const std::string& url);

  Result<InfoResult> Info() override;
  Result<StagesResult> Stages(const ScopeRef& scope, std::optional<Day> date) override;
  Result<TrendResult> Trend(const ScopeRef& scope, std::optional<Day> from, std::optional<Day> to) override;
  Result<FlowResult> Flow(const ScopeRef& scope, std::optional<Day> from, std::optional<Day> to) override;
  Result<PenetrationResult> Penetration(const ScopeRef& scope, std::optional<Day> date) override;
  Result<CampaignResult> Campaign(const std::string& campaign, std::optional<int> x) override;
  Result<std::vector<CampaignResult>> BrandCampaigns(const std::string& brand, std::optional<int> x) override;
  // Holdout lift (distributed/ch_lift.cc): per-user stage codes of the assigned users, counted in SQL.
  Result<LiftResult> Lift(const std::string& campaign, std::optional<int> x, LiftDesign design) override;
  // Nothing to precompute: succeeds at once.
  Status Compute(std::optional<Day> until,
                 const std::function<void(const ComputeProgress&)>& progress) override;

  Result<std::pair<Day, Day>> DataDays() override;
  Result<std::string> CategoryOf(const std::string& brand) override;
  Result<std::vector<std::string>> BrandsOfCategory(const std::string& category) override;
  Result<std::string> BrandOfCampaign(const std::string& campaign) override;
  Result<int> DecisionCycleOf(const std::string& brand) override;
  Result<CohortPurchases> PurchasesOfCohorts(const ScopeRef& scope, int stage, Day date,
                                             const std::vector<Day>& origins) override;

  // Crowds (distributed/ch_crowds.cc; docs/distributed.md, "Crowds"): expressions compiled to SQL
  // (distributed/ch_crowd_sql.h), evaluated on each shard over its own users.
  Result<uint64_t> CrowdCount(const CrowdQuery& crowd) override;
  Result<std::string> CrowdExport(const CrowdQuery& crowd, const std::string& salt, size_t min_size) override;
  Result<std::string> CrowdExportHoldout(const CrowdQuery& crowd, const std::string& salt, size_t min_size,
                                         const std::string& campaign, double holdout_pct) override;
  Result<PortraitResult> CrowdPortrait(const CrowdQuery& crowd, const std::string& category,
                                       std::optional<Day> date) override;
  Result<SavedCrowd> SaveCrowd(const std::string& name, const CrowdQuery& crowd) override;
  Result<std::vector<SavedCrowd>> SavedCrowds() override;
  // Lookalike tiers (distributed/ch_lookalike.cc): features counted and candidates scored in SQL.
  Result<LookalikeResult> Lookalike(const CrowdQuery& seed, std::optional<Day> date, int window_days,
                                    const std::vector<uint64_t>& tier_sizes,
                                    const std::string& save_as) override;
  Result<CorrectionResult> Correction(const std::string& campaign, const CrowdQuery& target,
                                      double threshold) override;

  // Category and first-party measures (chcategory: distributed/ch_category.cc, distributed/ch_first_party.cc;
  // compare and Aurora's ranks through engine/category_compose.h). Correction is the crowds' part.
  Result<CompareResult> Compare(const std::string& brand, const std::vector<std::string>& competitors,
                                std::optional<Day> from, std::optional<Day> date, int top_n) override;
  Result<OverlapResult> Overlap(const std::vector<std::string>& brands, std::optional<Day> date) override;
  Result<DefeatedResult> Defeated(const std::string& brand, std::optional<Day> date,
                                  std::optional<int> x) override;
  Result<SearchBackResult> SearchBack(const std::string& brand, std::optional<Day> from,
                                      std::optional<Day> to, int within_days) override;
  Result<AuroraResult> Aurora(const std::string& category, std::optional<Day> date) override;
  Result<FirstPartyResult> FirstParty(const std::string& brand) override;
  Result<SpectrumResult> Spectrum(const std::string& brand, std::optional<Day> date,
                                  std::optional<int> x) override;

  // The capabilities not overridden here answer Unsupported (engine/engine.h, docs/distributed.md).

  // Insights: topics and consultations (distributed/ch_insights.cc).
  Result<TopicsResult> Topics(const std::string& category, std::optional<Day> from, std::optional<Day> to,
                              const std::string& brand) override;
  Result<ConsultResult> Consult(const std::string& account, std::optional<Day> from, std::optional<Day> to,
                                const std::set<std::string>* allowed_brands) override;

 private:
  // NotFound for an unknown brand or SPU (the embedded engine's messages).
  Status Resolve(const ScopeRef& scope);
  // The last day with data, asked once per engine; `date` or that day.
  Result<Day> LastDay();
  Result<Day> DateOr(std::optional<Day> date);
  std::string CategoryName(const std::string& brand) const;
  const RuleSet& RulesOf(const std::string& brand) const;
  // Stage codes per user on each of `days` in the scope, counted: out[i][s] = users at stage s on days[i].
  Result<std::vector<std::array<uint64_t, 6>>> StageCounts(const ScopeRef& scope,
                                                           const std::vector<Day>& days);

  // Insights: the top notes of a topics answer with a brand (distributed/ch_insights.cc).
  Status TopNotes(TopicsResult* out);
  // Crowds (distributed/ch_crowds.cc).
  struct ReachFlight {
    std::string brand;  // the campaigns row's, else the brand with most of the campaign's events
    Day start = kNoDay, end = kNoDay;
    uint64_t carried = 0;  // events carrying the campaign (0: nobody reached)
  };
  // The brand and flight the campaign measures use for reach, as Campaign derives them (NotFound for an
  // unknown campaign).
  Result<ReachFlight> FlightOf(const std::string& campaign);
  // A campaign's name, brand, SPU, flight, spend, x and measuring window, as Campaign reports them.
  Result<CampaignResult> CampaignHeader(const std::string& campaign, std::optional<int> x,
                                        ReachFlight* flight);
  // The matched design of Lift (distributed/ch_matched_lift.cc).
  Result<LiftResult> MatchedLift(const std::string& campaign, const CampaignResult& c);
  // Resolves one atom of a crowd expression as the embedded engine evaluates it (same errors).
  Result<ChAtomFacts> ResolveAtom(const CrowdNode& n, const std::string& tenant);
  // The members of a crowd as SQL over each shard's own (local) tables (ch_crowd_sql.h), for `user IN`.
  Result<std::string> CrowdMembersSql(const CrowdNode& expr, const std::string& tenant);
  // The export CSV of a crowd's members (SQL over per-shard tables), in the order aips first saw them.
  Result<std::string> ExportMembers(const std::string& members_local, const std::string& salt);
  // The number of members of a crowd's SQL (per-shard tables), counted on each shard.
  Result<uint64_t> CountMembers(const std::string& members_local);
  // Stores the users of `members_local` (a SELECT of user over each shard's tables) as the next version of
  // the tenant's crowd `name`, each on its shard's node; the latest version when it already holds the same
  // definition and members (a save run again after a failure ends as one save).
  Result<SavedCrowd> SaveMembers(const std::string& name, const std::string& tenant,
                                 const std::string& definition, const std::string& members_local);
  // InvalidArgument when the database holds events but no numbered users (loaded before crowd tables).
  Status CheckCrowdTables();
  bool crowd_tables_checked_ = false;
  std::string url_;  // as opened: saving a crowd writes to every shard's node

  std::unique_ptr<ChStore> ch_;
  Rules rules_;
  Catalog catalog_;
  std::optional<std::pair<Day, Day>> days_;
};

}  // namespace aips
