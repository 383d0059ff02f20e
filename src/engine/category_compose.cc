#include "engine/category_compose.h"

#include <algorithm>

#include "engine/messages.h"
#include "engine/percentile.h"
#include "engine/query_dates.h"

namespace aips {

namespace {

Result<Day> DefaultDay(CatalogQueries& catalog, std::optional<Day> date) {
  if (date) return *date;
  AIPS_ASSIGN_OR_RETURN(auto days, catalog.DataDays());
  return DateOrLast(std::nullopt, days.second);
}

Result<BrandMeasures> MeasureBrand(FunnelQueries& funnel, const std::string& brand, Day from, Day date) {
  BrandMeasures m;
  m.brand = brand;
  const ScopeRef scope{brand, std::nullopt};
  AIPS_ASSIGN_OR_RETURN(StagesResult st, funnel.Stages(scope, date));
  m.stages = st.stages;
  AIPS_ASSIGN_OR_RETURN(PenetrationResult p, funnel.Penetration(scope, date));
  m.category_crowd = p.category_crowd;
  m.a_plus_in_crowd = p.a_plus();
  m.ti_plus_in_crowd = p.ti_plus();
  AIPS_ASSIGN_OR_RETURN(FlowResult f, funnel.Flow(scope, from, date));
  m.new_ = f.new_;
  m.lost = f.lost;
  m.deepened = f.deepened;
  m.fell_back = f.fell_back;
  return m;
}

}  // namespace

Result<CompareResult> CompareBrands(QueryEngine& engine, const std::string& brand,
                                    const std::vector<std::string>& competitors, std::optional<Day> from,
                                    std::optional<Day> date, int top_n) {
  CompareResult out;
  AIPS_ASSIGN_OR_RETURN(out.category, engine.CategoryOf(brand));
  for (const std::string& c : competitors) AIPS_RETURN_IF_ERROR(engine.CategoryOf(c).status());
  AIPS_ASSIGN_OR_RETURN(out.date, DefaultDay(engine, date));
  out.from = from.value_or(out.date - 30);
  if (out.from >= out.date) return Status::InvalidArgument("--from must be before --date");
  if (top_n < 1) return Status::InvalidArgument("--top must be at least 1");
  out.top_n = top_n;
  out.shown.push_back(brand);
  for (const std::string& c : competitors)
    if (std::find(out.shown.begin(), out.shown.end(), c) == out.shown.end()) out.shown.push_back(c);
  AIPS_ASSIGN_OR_RETURN(std::vector<std::string> members, engine.BrandsOfCategory(out.category));
  for (const std::string& s : out.shown)
    if (std::find(members.begin(), members.end(), s) == members.end()) members.push_back(s);
  std::sort(members.begin(), members.end());
  for (const std::string& b : members) {
    AIPS_ASSIGN_OR_RETURN(BrandMeasures m, MeasureBrand(engine, b, out.from, out.date));
    out.category_brands.push_back(std::move(m));
  }
  return out;
}

Result<AuroraResult> AuroraOfCategory(QueryEngine& engine, const std::string& category,
                                      std::optional<Day> date, const AuroraContentFn& content) {
  AuroraResult out;
  out.category = category;
  AIPS_ASSIGN_OR_RETURN(out.date, DefaultDay(engine, date));
  AIPS_ASSIGN_OR_RETURN(std::vector<std::string> names, engine.BrandsOfCategory(category));
  if (names.empty()) return Status::NotFound(UnknownCategoryMessage(category));
  std::sort(names.begin(), names.end());
  for (const std::string& b : names) {
    AuroraRow row;
    row.brand = b;
    AIPS_ASSIGN_OR_RETURN(PenetrationResult p, engine.Penetration(ScopeRef{b, std::nullopt}, out.date));
    out.category_crowd = p.category_crowd;
    AIPS_ASSIGN_OR_RETURN(StagesResult st, engine.Stages(ScopeRef{b, std::nullopt}, out.date));
    row.s_crowd = st.stages[4];
    if (p.category_crowd) {
      row.awareness_raw = static_cast<double>(p.a_plus()) / static_cast<double>(p.category_crowd);
      row.penetration_raw = static_cast<double>(p.ti_plus()) / static_cast<double>(p.category_crowd);
    }
    out.brands.push_back(std::move(row));
  }
  AIPS_ASSIGN_OR_RETURN(auto counts, content(names, out.date));
  for (AuroraRow& row : out.brands) {
    auto it = counts.find(row.brand);
    if (it != counts.end()) {
      row.notes = it->second.notes;
      row.engagements = it->second.engagements;
      row.posts = it->second.posts;
      row.positive_posts = it->second.positive_posts;
    }
    row.content_raw = static_cast<double>(row.notes + row.engagements);
    row.wom_raw = row.posts ? static_cast<double>(row.s_crowd) * static_cast<double>(row.positive_posts) /
                                  static_cast<double>(row.posts)
                            : 0.0;
  }
  auto score = [&](double AuroraRow::*raw, double AuroraRow::*pct) {
    std::vector<double> values;
    for (auto& r : out.brands) values.push_back(r.*raw);
    for (auto& r : out.brands) r.*pct = PercentileAmong(values, r.*raw);
  };
  score(&AuroraRow::awareness_raw, &AuroraRow::awareness);
  score(&AuroraRow::content_raw, &AuroraRow::content);
  score(&AuroraRow::penetration_raw, &AuroraRow::penetration);
  score(&AuroraRow::wom_raw, &AuroraRow::wom);
  for (auto& r : out.brands) r.composite = (r.awareness + r.content + r.penetration + r.wom) / 4.0;
  std::stable_sort(out.brands.begin(), out.brands.end(),
                   [](auto& a, auto& b) { return a.composite > b.composite; });
  return out;
}

}  // namespace aips
