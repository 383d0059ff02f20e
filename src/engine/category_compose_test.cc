// compare and Aurora composed from the funnel queries: which brands are measured, in which order, with
// which days, and how Aurora scores; over a fake engine whose answers are made up per brand.
#include "engine/category_compose.h"

#include <gtest/gtest.h>

#include <map>

namespace aips {
namespace {

// Brands a (category c, 3 members in A), b (c, 1 in S), z (category d); the category crowd has 10 users.
class FakeEngine : public QueryEngine {
 public:
  std::vector<std::string> calls;  // "stages a 100", "flow a 70 100", ...

  Result<InfoResult> Info() override { return InfoResult{}; }
  Result<StagesResult> Stages(const ScopeRef& scope, std::optional<Day> date) override {
    calls.push_back("stages " + scope.brand + " " + std::to_string(*date));
    StagesResult r;
    if (scope.brand == "a") r.stages[0] = 3;
    if (scope.brand == "b") r.stages[4] = 1;
    return r;
  }
  Result<TrendResult> Trend(const ScopeRef&, std::optional<Day>, std::optional<Day>) override {
    return TrendResult{};
  }
  Result<FlowResult> Flow(const ScopeRef& scope, std::optional<Day> from, std::optional<Day> to) override {
    calls.push_back("flow " + scope.brand + " " + std::to_string(*from) + " " + std::to_string(*to));
    FlowResult f;
    f.new_ = scope.brand == "a" ? 2 : 0;
    return f;
  }
  Result<PenetrationResult> Penetration(const ScopeRef& scope, std::optional<Day> date) override {
    PenetrationResult p;
    p.category_crowd = crowd;
    if (scope.brand == "a") p.in_crowd[0] = 3;
    if (scope.brand == "b") p.in_crowd[4] = 1;
    return p;
  }
  Status Compute(std::optional<Day>, const std::function<void(const ComputeProgress&)>&) override {
    return Status::OK();
  }
  Result<CampaignResult> Campaign(const std::string&, std::optional<int>) override {
    return Status::NotFound("none");
  }
  Result<std::vector<CampaignResult>> BrandCampaigns(const std::string&, std::optional<int>) override {
    return std::vector<CampaignResult>{};
  }
  Result<std::pair<Day, Day>> DataDays() override { return std::make_pair(Day{1}, Day{100}); }
  Result<std::string> CategoryOf(const std::string& brand) override {
    if (brand == "a" || brand == "b") return std::string("c");
    if (brand == "z") return std::string("d");
    return Status::NotFound("unknown brand '" + brand + "'");
  }
  Result<std::vector<std::string>> BrandsOfCategory(const std::string& category) override {
    if (category == "c") return std::vector<std::string>{"b", "a"};
    if (category == "d") return std::vector<std::string>{"z"};
    return std::vector<std::string>{};
  }
  Result<std::string> BrandOfCampaign(const std::string&) override { return Status::NotFound("none"); }
  Result<int> DecisionCycleOf(const std::string&) override { return 30; }

  uint64_t crowd = 10;
};

TEST(CategoryCompose, CompareMeasuresTheCategoryAndTheCompetitorsByName) {
  FakeEngine e;
  auto r = CompareBrands(e, "b", {"z", "a", "z"}, std::nullopt, std::nullopt, 3);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->category, "c");
  EXPECT_EQ(r->date, 100);  // the last day with data
  EXPECT_EQ(r->from, 70);   // 30 days before
  EXPECT_EQ(r->shown, (std::vector<std::string>{"b", "z", "a"}));
  ASSERT_EQ(r->category_brands.size(), 3u);  // the category's a and b, and the named z, sorted
  EXPECT_EQ(r->category_brands[0].brand, "a");
  EXPECT_EQ(r->category_brands[0].stages[0], 3u);
  EXPECT_EQ(r->category_brands[0].a_plus_in_crowd, 3u);
  EXPECT_EQ(r->category_brands[0].new_, 2u);
  EXPECT_EQ(r->category_brands[1].brand, "b");
  EXPECT_EQ(r->category_brands[1].ti_plus_in_crowd, 1u);
  EXPECT_EQ(r->category_brands[2].brand, "z");
  EXPECT_EQ(e.calls.front(), "stages a 100");
  EXPECT_EQ(e.calls[1], "flow a 70 100");
}

TEST(CategoryCompose, CompareRefusals) {
  FakeEngine e;
  EXPECT_TRUE(CompareBrands(e, "x", {}, std::nullopt, std::nullopt, 3).status().IsNotFound());
  EXPECT_TRUE(CompareBrands(e, "a", {"x"}, std::nullopt, std::nullopt, 3).status().IsNotFound());
  EXPECT_TRUE(CompareBrands(e, "a", {}, Day{50}, Day{50}, 3).status().IsInvalidArgument());
  EXPECT_TRUE(CompareBrands(e, "a", {}, std::nullopt, std::nullopt, 0).status().IsInvalidArgument());
  EXPECT_TRUE(e.calls.empty());  // nothing measured before the request is known to be good
}

TEST(CategoryCompose, AuroraScoresEachBrandAmongItsCategory) {
  FakeEngine e;
  std::vector<std::string> asked;
  auto content = [&](const std::vector<std::string>& names,
                     Day day) -> Result<std::map<std::string, AuroraContent>> {
    asked = names;
    EXPECT_EQ(day, 90);
    std::map<std::string, AuroraContent> m;
    m["b"] = AuroraContent{4, 6, 2, 1};  // a has no content at all
    return m;
  };
  auto r = AuroraOfCategory(e, "c", Day{90}, content);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(asked, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r->category_crowd, 10u);
  ASSERT_EQ(r->brands.size(), 2u);
  // b: content 10 > 0, word of mouth 1 × 1/2 > 0, TI+ 0.1 > 0; a: awareness 0.3 > 0.1.
  EXPECT_EQ(r->brands[0].brand, "b");
  EXPECT_DOUBLE_EQ(r->brands[0].composite, 75.0);
  EXPECT_DOUBLE_EQ(r->brands[0].content_raw, 10.0);
  EXPECT_DOUBLE_EQ(r->brands[0].wom_raw, 0.5);
  EXPECT_EQ(r->brands[1].brand, "a");
  EXPECT_DOUBLE_EQ(r->brands[1].awareness, 100.0);
  EXPECT_DOUBLE_EQ(r->brands[1].composite, 25.0);
  EXPECT_EQ(r->brands[1].notes, 0u);
}

TEST(CategoryCompose, AuroraOfAnUnknownCategoryIsNotFound) {
  FakeEngine e;
  auto none = [](const std::vector<std::string>&, Day) -> Result<std::map<std::string, AuroraContent>> {
    return std::map<std::string, AuroraContent>{};
  };
  EXPECT_TRUE(AuroraOfCategory(e, "nope", std::nullopt, none).status().IsNotFound());
}

}  // namespace
}  // namespace aips
