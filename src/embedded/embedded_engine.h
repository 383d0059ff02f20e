// The embedded engine: answers QueryEngine from one data directory (store/ + model/).
//
// Snapshots are read when the manifest says they are valid for the asked day under the rules in
// force; otherwise the engine takes the directory's write lock, computes the subject (a brand with
// its SPUs, or a category crowd), stores the snapshot file and commits, so that the next process
// answers from disk.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/huge_alloc.h"
#include "embedded/day_view.h"
#include "engine/crowd_expr.h"
#include "engine/engine.h"
#include "engine/messages.h"
#include "model/snapshot.h"
#include "model/stage_engine.h"
#include "store/store.h"

namespace aips {

class EmbeddedEngine : public QueryEngine {
 public:
  // NotFound when DIR holds no store.
  static Result<std::unique_ptr<EmbeddedEngine>> Open(const std::string& dir);

  Result<InfoResult> Info() override;
  Result<StagesResult> Stages(const ScopeRef& scope, std::optional<Day> date) override;
  Result<TrendResult> Trend(const ScopeRef& scope, std::optional<Day> from, std::optional<Day> to) override;
  Result<FlowResult> Flow(const ScopeRef& scope, std::optional<Day> from, std::optional<Day> to) override;
  Result<PenetrationResult> Penetration(const ScopeRef& scope, std::optional<Day> date) override;
  Status Compute(std::optional<Day> until,
                 const std::function<void(const ComputeProgress&)>& progress) override;
  Result<CampaignResult> Campaign(const std::string& campaign, std::optional<int> x) override;
  Result<std::vector<CampaignResult>> BrandCampaigns(const std::string& brand, std::optional<int> x) override;
  // Holdout lift (measures/lift_measures.cc).
  Result<LiftResult> Lift(const std::string& campaign, std::optional<int> x, LiftDesign design) override;

  // Category and competitor measures (measures/category_measures.cc, measures/act_measures.cc).
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
  Result<CorrectionResult> Correction(const std::string& campaign, const CrowdQuery& target,
                                      double threshold) override;

  // Crowds (embedded/crowd_eval.cc, crowds/crowd_queries.cc, crowds/lookalike.cc; docs/crowds.md).
  Result<uint64_t> CrowdCount(const CrowdQuery& crowd) override;
  Result<std::string> CrowdExport(const CrowdQuery& crowd, const std::string& salt, size_t min_size) override;
  Result<std::string> CrowdExportHoldout(const CrowdQuery& crowd, const std::string& salt, size_t min_size,
                                         const std::string& campaign, double holdout_pct) override;
  Result<PortraitResult> CrowdPortrait(const CrowdQuery& crowd, const std::string& category,
                                       std::optional<Day> date) override;
  Result<LookalikeResult> Lookalike(const CrowdQuery& seed, std::optional<Day> date, int window_days,
                                    const std::vector<uint64_t>& tier_sizes,
                                    const std::string& save_as) override;
  Result<SavedCrowd> SaveCrowd(const std::string& name, const CrowdQuery& crowd) override;
  Result<std::vector<SavedCrowd>> SavedCrowds() override;

  // Topic insights (灵犀) and consultations (私信) (insights/insights.cc, docs/insights.md).
  Result<TopicsResult> Topics(const std::string& category, std::optional<Day> from, std::optional<Day> to,
                              const std::string& brand) override;
  Result<ConsultResult> Consult(const std::string& account, std::optional<Day> from, std::optional<Day> to,
                                const std::set<std::string>* allowed_brands) override;

  Result<std::pair<Day, Day>> DataDays() override;
  Result<std::string> CategoryOf(const std::string& brand) override;
  Result<std::vector<std::string>> BrandsOfCategory(const std::string& category) override;
  Result<std::string> BrandOfCampaign(const std::string& campaign) override;
  Result<int> DecisionCycleOf(const std::string& brand) override;
  Result<CohortPurchases> PurchasesOfCohorts(const ScopeRef& scope, int stage, Day date,
                                             const std::vector<Day>& origins) override;
  double ComputeSeconds() const override { return compute_seconds_; }

  // Below the interface (tests and the embedded engine's own measures).
  // The members of a crowd expression.
  Result<Roaring> EvalCrowd(const CrowdNode& expr, const std::string& tenant);
  // Lookalike tiers around an evaluated seed (crowds/lookalike.cc).
  Result<LookalikeResult> LookalikeOf(const Roaring& seed, std::optional<Day> date, int window_days,
                                      const std::vector<uint64_t>& tier_sizes);
  // Reach R(c) of a campaign (docs/definitions.md#measures).
  Result<Roaring> ReachOf(const std::string& campaign);
  // The user id of a dense user number (loads the user dictionary on first use).
  Result<std::string> UserName(uint32_t user);
  // The CSV of CrowdExport for evaluated members.
  Result<std::string> ExportMembers(const Roaring& members, const std::string& salt, size_t min_size);

  Store& store() { return *store_; }

 private:
  struct Subject {
    bool is_category = false;
    uint32_t brand = kNoId;             // brand subject
    std::string category;               // category subject (and a brand's category)
    std::vector<uint32_t> brands;       // category subject: member brand ids with events
    Day first = kNoDay, last = kNoDay;  // days with events
    int max_window = 30;
    uint64_t fp = 0;
    std::string path;
  };
  struct Resolved {
    std::optional<uint32_t> brand;  // nullopt: named only by a brands row (no events)
    uint32_t scope = kBrandScope;   // SPU id or kBrandScope
  };

  Result<Resolved> Resolve(const ScopeRef& scope);
  Result<Day> DefaultDay();
  Result<Subject> BrandSubject(uint32_t brand);
  Result<Subject> CategorySubject(const std::string& category);
  // The subject's snapshot, valid at least through min(day, last + max_window); nullptr when the
  // subject has no members on that day by construction (no events yet).
  Result<const SnapshotReader*> Snapshot(const Subject& s, Day day, Day* effective_day);
  // Computes, stores and commits the snapshot of `*s` (re-resolved under the directory's lock) when the
  // stored one does not reach `eff`. IOError when the disk refuses (full, failing, read-only).
  Status StoreSnapshot(Day day, Day eff, Subject* s);
  // The day a snapshot computed for a query of `day` runs through (the data's last day when later).
  Day ThroughFor(const Subject& s, Day day) const;
  // The snapshot of `s` computed in memory only, because storing it failed (`why`, said on stderr once
  // per subject and commit); kept for later queries of this engine until the data's generation moves.
  Result<const SnapshotReader*> MemorySnapshot(const Subject& s, Day day, Day eff, const Status& why);
  const SnapshotReader* HeldInMemory(const Subject& s, Day eff) const;
  // One subject through `through`: continues after the stored days when they are current.
  Result<SubjectOutput> ComputeSubject(const EventSource& source, const Dictionary& channels,
                                       const Subject& s, Day through);
  Status ComputeAndCommit(std::vector<Subject> subjects, std::vector<Day> through,
                          const std::function<void(const ComputeProgress&)>& progress);
  Status EnsureWritable();
  static std::string StatePath(const Subject& s);
  SnapState StoredSnapState(const Subject& s) const;
  Result<StageSizes> SizesOn(const Resolved& r, Day day);
  Result<std::vector<Roaring>> MembersOn(const Resolved& r, Day day);
  // Campaign measures once the flight, brand and scope are known (query/campaign_measures.cc).
  Status FirstPartyTiers(uint32_t brand, const std::string& brand_name, Day date, int x,
                         std::array<Roaring, kNumTiers>* tiers, Roaring* converted, double* threshold);
  Status MeasureCampaign(uint32_t campaign_id, std::optional<int> x, CampaignResult* out, Roaring* reach_out);
  Result<CampaignResult> CampaignWithReach(const std::string& campaign, std::optional<int> x,
                                           Roaring* reach_out);
  // The matched design of Lift (measures/matched_lift_measures.cc).
  Result<LiftResult> MatchedLift(const std::string& campaign, const CampaignResult& c,
                                 const Roaring& reached);
  Result<Roaring> EvalNode(const CrowdNode& n, const Roaring& universe);
  // Share per user tag of `crowd` against the category crowd of `category` on `date`.
  Result<PortraitResult> Portrait(const Roaring& crowd, const std::string& category, Day date);
  // Users of a first-party tier (see Spectrum) as of `date`.
  Result<Roaring> TierMembers(const std::string& brand, const std::string& tier, Day date);
  Result<Roaring> EvalQuery(const CrowdQuery& crowd);
  // A saved crowd's members without the users erased since it was saved (their ids are tombstones:
  // forget removes them from the file too; retain leaves that to this).
  Result<Roaring> LiveMembers(const SavedCrowd& c);
  Result<Roaring> StageSet(const ScopeRef& scope, Day day, const std::vector<int>& stages,
                           const Roaring& universe);

  std::unique_ptr<Store> store_;
  void RetireReader(const std::string& path);
  std::map<std::string, std::unique_ptr<SnapshotReader>> readers_;
  std::vector<std::unique_ptr<SnapshotReader>> retired_readers_;
  struct HeldSnapshot {
    uint64_t generation = 0;  // the manifest's when computed
    std::unique_ptr<SnapshotReader> reader;
  };
  std::map<std::string, HeldSnapshot> memory_readers_;  // by snapshot path
  double compute_seconds_ = 0;
  std::atomic<size_t> resumed_{0};
  std::string crowd_tenant_;  // the tenant whose saved crowds crowd("name") sees during EvalCrowd
  std::map<std::string, std::string> event_campaign_brands_;  // BrandOfCampaign of event-only campaigns
  // Days of stored snapshots decoded once for flows and crowd expressions (embedded/day_view.h).
  DayViewCache day_views_;
};

}  // namespace aips
