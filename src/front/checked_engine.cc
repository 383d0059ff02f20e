#include "front/checked_engine.h"

#include "engine/query_dates.h"

namespace aips {

namespace {

class CheckedEngine : public QueryEngine {
 public:
  explicit CheckedEngine(std::unique_ptr<QueryEngine> inner) : e_(std::move(inner)) {}

  Result<InfoResult> Info() override { return e_->Info(); }
  Result<StagesResult> Stages(const ScopeRef& scope, std::optional<Day> date) override {
    AIPS_RETURN_IF_ERROR(Check("date", date));
    return e_->Stages(scope, date);
  }
  Result<TrendResult> Trend(const ScopeRef& scope, std::optional<Day> from, std::optional<Day> to) override {
    AIPS_RETURN_IF_ERROR(Check("from", from, "to", to));
    return e_->Trend(scope, from, to);
  }
  Result<FlowResult> Flow(const ScopeRef& scope, std::optional<Day> from, std::optional<Day> to) override {
    AIPS_RETURN_IF_ERROR(Check("from", from, "to", to));
    return e_->Flow(scope, from, to);
  }
  Result<PenetrationResult> Penetration(const ScopeRef& scope, std::optional<Day> date) override {
    AIPS_RETURN_IF_ERROR(Check("date", date));
    return e_->Penetration(scope, date);
  }
  Status Compute(std::optional<Day> until,
                 const std::function<void(const ComputeProgress&)>& progress) override {
    return e_->Compute(until, progress);  // computing ahead of the data is allowed (windows run past it)
  }
  Result<CampaignResult> Campaign(const std::string& campaign, std::optional<int> x) override {
    return e_->Campaign(campaign, x);
  }
  Result<LiftResult> Lift(const std::string& campaign, std::optional<int> x, LiftDesign design) override {
    return e_->Lift(campaign, x, design);
  }
  Result<std::vector<CampaignResult>> BrandCampaigns(const std::string& brand,
                                                     std::optional<int> x) override {
    return e_->BrandCampaigns(brand, x);
  }
  Result<CompareResult> Compare(const std::string& brand, const std::vector<std::string>& competitors,
                                std::optional<Day> from, std::optional<Day> date, int top_n) override {
    AIPS_RETURN_IF_ERROR(Check("from", from, "date", date));
    return e_->Compare(brand, competitors, from, date, top_n);
  }
  Result<OverlapResult> Overlap(const std::vector<std::string>& brands, std::optional<Day> date) override {
    AIPS_RETURN_IF_ERROR(Check("date", date));
    return e_->Overlap(brands, date);
  }
  Result<DefeatedResult> Defeated(const std::string& brand, std::optional<Day> date,
                                  std::optional<int> x) override {
    AIPS_RETURN_IF_ERROR(Check("date", date));
    return e_->Defeated(brand, date, x);
  }
  Result<SearchBackResult> SearchBack(const std::string& brand, std::optional<Day> from,
                                      std::optional<Day> to, int within_days) override {
    AIPS_RETURN_IF_ERROR(Check("from", from, "to", to));
    return e_->SearchBack(brand, from, to, within_days);
  }
  Result<AuroraResult> Aurora(const std::string& category, std::optional<Day> date) override {
    AIPS_RETURN_IF_ERROR(Check("date", date));
    return e_->Aurora(category, date);
  }
  Result<FirstPartyResult> FirstParty(const std::string& brand) override { return e_->FirstParty(brand); }
  Result<SpectrumResult> Spectrum(const std::string& brand, std::optional<Day> date,
                                  std::optional<int> x) override {
    AIPS_RETURN_IF_ERROR(Check("date", date));
    return e_->Spectrum(brand, date, x);
  }
  Result<CorrectionResult> Correction(const std::string& campaign, const CrowdQuery& target,
                                      double threshold) override {
    return e_->Correction(campaign, target, threshold);
  }
  Result<uint64_t> CrowdCount(const CrowdQuery& crowd) override { return e_->CrowdCount(crowd); }
  Result<std::string> CrowdExport(const CrowdQuery& crowd, const std::string& salt,
                                  size_t min_size) override {
    return e_->CrowdExport(crowd, salt, min_size);
  }
  Result<std::string> CrowdExportHoldout(const CrowdQuery& crowd, const std::string& salt, size_t min_size,
                                         const std::string& campaign, double holdout_pct) override {
    return e_->CrowdExportHoldout(crowd, salt, min_size, campaign, holdout_pct);
  }
  Result<PortraitResult> CrowdPortrait(const CrowdQuery& crowd, const std::string& category,
                                       std::optional<Day> date) override {
    AIPS_RETURN_IF_ERROR(Check("date", date));
    return e_->CrowdPortrait(crowd, category, date);
  }
  Result<LookalikeResult> Lookalike(const CrowdQuery& seed, std::optional<Day> date, int window_days,
                                    const std::vector<uint64_t>& tier_sizes,
                                    const std::string& save_as) override {
    AIPS_RETURN_IF_ERROR(Check("date", date));
    return e_->Lookalike(seed, date, window_days, tier_sizes, save_as);
  }
  Result<SavedCrowd> SaveCrowd(const std::string& name, const CrowdQuery& crowd) override {
    return e_->SaveCrowd(name, crowd);
  }
  Result<std::vector<SavedCrowd>> SavedCrowds() override { return e_->SavedCrowds(); }
  // Notes and messages have days of their own (a message may come after the last event), so their
  // periods are the insight's own business (docs/insights.md), not checked against the events' days.
  Result<TopicsResult> Topics(const std::string& category, std::optional<Day> from, std::optional<Day> to,
                              const std::string& brand) override {
    return e_->Topics(category, from, to, brand);
  }
  Result<ConsultResult> Consult(const std::string& account, std::optional<Day> from, std::optional<Day> to,
                                const std::set<std::string>* allowed_brands) override {
    return e_->Consult(account, from, to, allowed_brands);
  }
  // Not cached: the engine's own view moves when it stores snapshots (and it is an in-memory read).
  Result<std::pair<Day, Day>> DataDays() override { return e_->DataDays(); }
  Result<std::string> CategoryOf(const std::string& brand) override { return e_->CategoryOf(brand); }
  Result<std::vector<std::string>> BrandsOfCategory(const std::string& category) override {
    return e_->BrandsOfCategory(category);
  }
  Result<std::string> BrandOfCampaign(const std::string& campaign) override {
    return e_->BrandOfCampaign(campaign);
  }
  Result<int> DecisionCycleOf(const std::string& brand) override { return e_->DecisionCycleOf(brand); }
  // The forecast's dates are checked where it is composed (engine/forecast.cc): its origins and the
  // backtest's later dates are the engine's own business.
  Result<CohortPurchases> PurchasesOfCohorts(const ScopeRef& scope, int stage, Day date,
                                             const std::vector<Day>& origins) override {
    return e_->PurchasesOfCohorts(scope, stage, date, origins);
  }
  double ComputeSeconds() const override { return e_->ComputeSeconds(); }

 private:
  Status Check(const char* name, std::optional<Day> day) {
    if (!day) return Status::OK();
    AIPS_ASSIGN_OR_RETURN(auto days, DataDays());
    return CheckInData(name, day, days);
  }
  Status Check(const char* a, std::optional<Day> da, const char* b, std::optional<Day> db) {
    AIPS_RETURN_IF_ERROR(Check(a, da));
    return Check(b, db);
  }

  std::unique_ptr<QueryEngine> e_;
};

}  // namespace

std::unique_ptr<QueryEngine> CheckDates(std::unique_ptr<QueryEngine> inner) {
  return std::make_unique<CheckedEngine>(std::move(inner));
}

}  // namespace aips
