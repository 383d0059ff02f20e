// The query interface every engine answers (embedded today; ClickHouse later). Commands and the HTTP
// server talk only to this interface, so they print the same numbers whichever engine is behind it.
//
// Errors: NotFound for an unknown brand or SPU, InvalidArgument for a bad date range; both are the
// caller's fault (exit code 2). Dates are local days of the data's time zone.
#pragma once

#include <functional>
#include <optional>

#include "aips/status.h"
#include "engine/results.h"

namespace aips {

struct ComputeProgress {
  size_t done = 0, total = 0;
  std::string subject;
};

class QueryEngine {
 public:
  virtual ~QueryEngine() = default;

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
  // One campaign's measures; x overrides the category's decision cycle.
  virtual Result<CampaignResult> Campaign(const std::string& campaign, std::optional<int> x) = 0;
  // Every campaign of a brand (its campaigns rows and the campaigns its events carry).
  virtual Result<std::vector<CampaignResult>> BrandCampaigns(const std::string& brand,
                                                             std::optional<int> x) = 0;
  // Precomputes and stores every brand's and category's snapshots through `until` (default: the last
  // day with data).
  virtual Status Compute(std::optional<Day> until,
                         const std::function<void(const ComputeProgress&)>& progress) = 0;
};

}  // namespace aips
