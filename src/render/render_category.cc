#include "render/render_category.h"

#include <functional>

#include "common/json_writer.h"
#include "domain/domain.h"
#include "engine/percentile.h"
#include "fmt/format.h"
#include "render/render.h"

namespace aips {

namespace {

struct Measure {
  const char* name;
  const char* label;
  std::function<double(const BrandMeasures&)> value;
  bool rate;
  bool lower_is_better = false;  // lost and fell back: fewer is better, so they rank ascending
};

// Rank, percentile and top-n mean of one measure, in its direction: the best brand ranks 1 and scores
// 100 whether the measure is better high or low; the top-n mean is the mean of the n best values.
struct Standing {
  int rank;
  double percentile, top_mean;
};
Standing StandingOf(const Measure& m, const CompareResult& r, double mine) {
  const double sign = m.lower_is_better ? -1.0 : 1.0;
  std::vector<double> all;
  for (auto& b : r.category_brands) all.push_back(sign * m.value(b));
  return Standing{RankAmong(all, sign * mine), PercentileAmong(all, sign * mine),
                  sign * TopMean(all, r.top_n)};
}

double Rate(uint64_t n, uint64_t d) { return d ? static_cast<double>(n) / static_cast<double>(d) : 0.0; }

const std::vector<Measure>& Measures() {
  static const std::vector<Measure> kMeasures = {
      {"A", "A 认知", [](const BrandMeasures& m) { return double(m.stages[0]); }, false},
      {"I", "I 兴趣", [](const BrandMeasures& m) { return double(m.stages[1]); }, false},
      {"TI", "TI 深度兴趣", [](const BrandMeasures& m) { return double(m.stages[2]); }, false},
      {"P", "P 购买", [](const BrandMeasures& m) { return double(m.stages[3]); }, false},
      {"S", "S 分享", [](const BrandMeasures& m) { return double(m.stages[4]); }, false},
      {"total", "total 资产总量",
       [](const BrandMeasures& m) {
         return double(m.stages[0] + m.stages[1] + m.stages[2] + m.stages[3] + m.stages[4]);
       },
       false},
      {"A+_penetration", "A+ 渗透率",
       [](const BrandMeasures& m) { return Rate(m.a_plus_in_crowd, m.category_crowd); }, true},
      {"TI+_penetration", "TI+ 渗透率",
       [](const BrandMeasures& m) { return Rate(m.ti_plus_in_crowd, m.category_crowd); }, true},
      {"new", "新增 new", [](const BrandMeasures& m) { return double(m.new_); }, false},
      {"lost", "流失 lost", [](const BrandMeasures& m) { return double(m.lost); }, false, true},
      {"deepened", "加深 deepened", [](const BrandMeasures& m) { return double(m.deepened); }, false},
      {"fell_back", "回落 fell back", [](const BrandMeasures& m) { return double(m.fell_back); }, false,
       true},
  };
  return kMeasures;
}

const BrandMeasures* Find(const CompareResult& r, const std::string& b) {
  for (auto& m : r.category_brands)
    if (m.brand == b) return &m;
  return nullptr;
}

std::string Show(double v, bool rate) {
  return rate ? fmt::format("{:.1f}%", 100 * v) : Thousands(static_cast<uint64_t>(v));
}

}  // namespace

std::string ToJson(const CompareResult& r) {
  JsonWriter w;
  w.BeginObject().Key("brand").String(r.shown[0]).Key("category").String(r.category);
  w.Key("from").String(FormatDate(r.from)).Key("date").String(FormatDate(r.date)).Key("top_n").Int(r.top_n);
  w.Key("brands_in_category").Int(static_cast<int64_t>(r.category_brands.size()));
  w.Key("measures").BeginArray();
  for (const Measure& m : Measures()) {
    const Standing st = StandingOf(m, r, m.value(*Find(r, r.shown[0])));
    w.BeginObject().Key("measure").String(m.name).Key("better").String(m.lower_is_better ? "lower"
                                                                                         : "higher");
    w.Key("values").BeginObject();
    for (auto& b : r.shown) w.Key(b).Double(m.value(*Find(r, b)));
    w.EndObject();
    w.Key("rank").Int(st.rank).Key("percentile").Double(st.percentile);
    w.Key("category_top_avg").Double(st.top_mean).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

std::string ToTable(const CompareResult& r) {
  std::string o =
      fmt::format("竞品对比 {} vs. competitors · category {} ({} brands) · {} (flows from {})\n\n",
                  r.shown[0], r.category, r.category_brands.size(), FormatDate(r.date), FormatDate(r.from));
  o += fmt::format("  {:<18}", "measure");
  for (auto& b : r.shown) o += fmt::format("{:>14}", b);
  o += fmt::format("{:>8}{:>8}{:>14}\n", "rank", "pct", fmt::format("top-{} avg", r.top_n));
  for (const Measure& m : Measures()) {
    const Standing st = StandingOf(m, r, m.value(*Find(r, r.shown[0])));
    o += "  " + Pad(std::string(m.label) + (m.lower_is_better ? " ↓" : ""), 18);
    for (auto& b : r.shown) o += fmt::format("{:>14}", Show(m.value(*Find(r, b)), m.rate));
    o += fmt::format("{:>8}{:>8.0f}{:>14}\n", fmt::format("{}/{}", st.rank, r.category_brands.size()),
                     st.percentile, Show(st.top_mean, m.rate));
  }
  o += fmt::format(
      "\n  rank and percentile are {}'s among the category's brands; rank 1 is the best: the highest value, "
      "or the lowest for measures marked ↓ (lost, fell back) (docs/measures.md)\n",
      r.shown[0]);
  return o;
}

std::string ToJson(const OverlapResult& r) {
  JsonWriter w;
  w.BeginObject().Key("date").String(FormatDate(r.date)).Key("brands").BeginArray();
  for (auto& b : r.brands) w.String(b);
  w.EndArray().Key("pairs").BeginArray();
  static const char* kKeys[] = {"A", "I", "TI", "P", "S", "A+"};
  for (size_t i = 0; i < r.brands.size(); ++i) {
    for (size_t j = i + 1; j < r.brands.size(); ++j) {
      w.BeginObject().Key("a").String(r.brands[i]).Key("b").String(r.brands[j]).Key("overlap").BeginObject();
      for (size_t s = 0; s < 6; ++s) w.Key(kKeys[s]).Int(static_cast<int64_t>(r.pairs[i][j][s]));
      w.EndObject().EndObject();
    }
  }
  w.EndArray().Key("sizes").BeginObject();
  for (size_t i = 0; i < r.brands.size(); ++i) {
    w.Key(r.brands[i]).BeginObject();
    for (size_t s = 0; s < 6; ++s) w.Key(kKeys[s]).Int(static_cast<int64_t>(r.sizes[i][s]));
    w.EndObject();
  }
  w.EndObject().EndObject();
  return w.str();
}

std::string ToTable(const OverlapResult& r) {
  std::string o = fmt::format("人群重合 crowd overlap per stage · {}\n\n", FormatDate(r.date));
  o += fmt::format("  {:<30}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}\n", "pair", "A", "I", "TI", "P", "S", "A+");
  for (size_t i = 0; i < r.brands.size(); ++i) {
    for (size_t j = i + 1; j < r.brands.size(); ++j) {
      o += fmt::format("  {:<30}", r.brands[i] + " ∩ " + r.brands[j]);
      for (size_t s = 0; s < 6; ++s) o += fmt::format("{:>10}", Thousands(r.pairs[i][j][s]));
      o += "\n";
    }
  }
  return o;
}

std::string ToJson(const DefeatedResult& r) {
  JsonWriter w;
  w.BeginObject().Key("brand").String(r.brand).Key("category").String(r.category);
  w.Key("seeded_on")
      .String(FormatDate(r.seeded_on))
      .Key("date")
      .String(FormatDate(r.date))
      .Key("x_days")
      .Int(r.x_days);
  w.Key("seeded")
      .Int(static_cast<int64_t>(r.seeded))
      .Key("bought_brand")
      .Int(static_cast<int64_t>(r.bought_brand));
  w.Key("defeated").Int(static_cast<int64_t>(r.defeated));
  w.Key("defeated_rate");
  if (r.seeded) {
    w.Double(static_cast<double>(r.defeated) / static_cast<double>(r.seeded));
  } else {
    w.Null();
  }
  w.Key("by_competitor").BeginArray();
  for (auto& [b, n] : r.by_competitor)
    w.BeginObject().Key("brand").String(b).Key("users").Int(static_cast<int64_t>(n)).EndObject();
  w.EndArray().EndObject();
  return w.str();
}

std::string ToTable(const DefeatedResult& r) {
  std::string o = fmt::format(
      "战败人群 seeded by {} (TI+ on {}), then bought only from competitors by {} (x = {} days)\n\n", r.brand,
      FormatDate(r.seeded_on), FormatDate(r.date), r.x_days);
  o += fmt::format(
      "  seeded (TI+)              {:>10}\n  bought {:<18} {:>10}\n  defeated 战败            {:>10}  {}\n",
      Thousands(r.seeded), r.brand, Thousands(r.bought_brand), Thousands(r.defeated),
      Percent(r.defeated, r.seeded));
  for (auto& [b, n] : r.by_competitor) o += fmt::format("    to {:<22}{:>10}\n", b, Thousands(n));
  return o;
}

std::string ToJson(const SearchBackResult& r) {
  JsonWriter w;
  w.BeginObject()
      .Key("brand")
      .String(r.brand)
      .Key("from")
      .String(FormatDate(r.from))
      .Key("to")
      .String(FormatDate(r.to));
  w.Key("within_days").Int(r.within_days).Key("readers").Int(static_cast<int64_t>(r.readers));
  w.Key("searched").Int(static_cast<int64_t>(r.searched)).Key("rate");
  if (r.readers) {
    w.Double(static_cast<double>(r.searched) / static_cast<double>(r.readers));
  } else {
    w.Null();
  }
  w.EndObject();
  return w.str();
}

std::string ToTable(const SearchBackResult& r) {
  return fmt::format(
      "回搜率 search-back rate · brand {} · readers {} .. {}\n\n  readers (click / deep_read)   {:>10}\n"
      "  searched within {} days       {:>10}\n  rate                          {:>10}\n",
      r.brand, FormatDate(r.from), FormatDate(r.to), Thousands(r.readers), r.within_days,
      Thousands(r.searched), Percent(r.searched, r.readers));
}

std::string ToJson(const AuroraResult& r) {
  JsonWriter w;
  w.BeginObject().Key("category").String(r.category).Key("date").String(FormatDate(r.date));
  w.Key("category_crowd").Int(static_cast<int64_t>(r.category_crowd));
  // Without a category crowd on the day there is nothing to rank: the scores are null, not ties.
  const bool scored = r.category_crowd > 0;
  if (!scored) w.Key("note").String("no category crowd on this day: no scores");
  w.Key("brands").BeginArray();
  auto score = [&](double v) -> JsonWriter& { return scored ? w.Double(v) : w.Null(); };
  for (auto& b : r.brands) {
    w.BeginObject().Key("brand").String(b.brand).Key("composite");
    score(b.composite).Key("awareness");
    score(b.awareness).Key("content");
    score(b.content).Key("penetration");
    score(b.penetration).Key("word_of_mouth");
    score(b.wom);
    w.Key("raw").BeginObject().Key("a_plus_penetration").Double(b.awareness_raw);
    w.Key("notes")
        .Int(static_cast<int64_t>(b.notes))
        .Key("engagements")
        .Int(static_cast<int64_t>(b.engagements));
    w.Key("ti_plus_penetration")
        .Double(b.penetration_raw)
        .Key("s_crowd")
        .Int(static_cast<int64_t>(b.s_crowd));
    w.Key("posts")
        .Int(static_cast<int64_t>(b.posts))
        .Key("positive_posts")
        .Int(static_cast<int64_t>(b.positive_posts));
    w.EndObject().EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

std::string ToTable(const AuroraResult& r) {
  std::string o =
      fmt::format("极光指标 Aurora index · category {} · {} (scores 0-100 among the category's brands)\n\n",
                  r.category, FormatDate(r.date));
  o += fmt::format("  {:<18}{:>10}{:>11}{:>9}{:>13}{:>15}\n", "brand", "composite", "awareness", "content",
                   "penetration", "word of mouth");
  if (r.category_crowd == 0) o += "  (no category crowd on this day: no scores)\n";
  for (auto& b : r.brands) {
    if (r.category_crowd == 0) {
      o += fmt::format("  {:<18}{:>10}{:>11}{:>9}{:>13}{:>15}\n", b.brand, "—", "—", "—", "—", "—");
    } else {
      o += fmt::format("  {:<18}{:>10.1f}{:>11.1f}{:>9.1f}{:>13.1f}{:>15.1f}\n", b.brand, b.composite,
                       b.awareness, b.content, b.penetration, b.wom);
    }
  }
  o += "\n  awareness = A+ penetration · content = notes + engagements (30 days) · penetration = TI+ "
       "penetration\n"
       "  word of mouth = S crowd × positive share of posts (365 days) — docs/measures.md\n";
  return o;
}

namespace {
struct TagShares {
  const PortraitRow* row;
  std::optional<double> share, base_share, tgi;
};
std::vector<TagShares> Shares(const PortraitResult& r) {
  std::vector<TagShares> out;
  for (auto& t : r.tags) {
    TagShares s{&t, std::nullopt, std::nullopt, std::nullopt};
    if (r.crowd) s.share = static_cast<double>(t.count) / static_cast<double>(r.crowd);
    if (r.base) s.base_share = static_cast<double>(t.base_count) / static_cast<double>(r.base);
    if (s.share && s.base_share && *s.base_share > 0) s.tgi = *s.share / *s.base_share * 100.0;
    out.push_back(s);
  }
  // Highest TGI first; tags without one last, by name.
  std::stable_sort(out.begin(), out.end(), [](const TagShares& a, const TagShares& b) {
    if (a.tgi.has_value() != b.tgi.has_value()) return a.tgi.has_value();
    return a.tgi && b.tgi ? *a.tgi > *b.tgi : false;
  });
  return out;
}
}  // namespace

std::string ToJson(const PortraitResult& r) {
  JsonWriter w;
  w.BeginObject().Key("crowd").Int(static_cast<int64_t>(r.crowd));
  w.Key("base").BeginObject().Key("category").String(r.category).Key("date").String(FormatDate(r.date));
  w.Key("users").Int(static_cast<int64_t>(r.base)).EndObject();
  w.Key("tags").BeginArray();
  for (auto& s : Shares(r)) {
    w.BeginObject().Key("tag").String(s.row->tag).Key("count").Int(static_cast<int64_t>(s.row->count));
    w.Key("share").OptDouble(s.share).Key("base_count").Int(static_cast<int64_t>(s.row->base_count));
    w.Key("base_share").OptDouble(s.base_share).Key("tgi").OptDouble(s.tgi).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

std::string ToTable(const PortraitResult& r) {
  std::string o =
      fmt::format("人群画像 portrait · {} users against the category crowd of {} on {} ({} users)\n\n",
                  Thousands(r.crowd), r.category, FormatDate(r.date), Thousands(r.base));
  o += fmt::format("  {}{:>10}{:>9}{:>11}{:>9}{:>8}\n", Pad("tag", 24), "users", "share", "base", "share",
                   "TGI");
  for (auto& s : Shares(r)) {
    o += fmt::format("  {}{:>10}{:>9}{:>11}{:>9}{:>8}\n", Pad(s.row->tag, 24), Thousands(s.row->count),
                     Percent(s.row->count, r.crowd), Thousands(s.row->base_count),
                     Percent(s.row->base_count, r.base), s.tgi ? fmt::format("{:.0f}", *s.tgi) : "—");
  }
  o += "\n  TGI = share in the crowd / share in the category crowd × 100 (100 = like the category)\n";
  return o;
}

std::string ToJson(const FirstPartyResult& r) {
  JsonWriter w;
  const uint64_t all = r.matched_orders + r.unmatched_orders;
  w.BeginObject()
      .Key("brand")
      .String(r.brand)
      .Key("matched_orders")
      .Int(static_cast<int64_t>(r.matched_orders));
  w.Key("unmatched_orders").Int(static_cast<int64_t>(r.unmatched_orders)).Key("match_rate");
  if (all) {
    w.Double(static_cast<double>(r.matched_orders) / static_cast<double>(all));
  } else {
    w.Null();
  }
  w.Key("matched_gmv").Double(static_cast<double>(r.matched_gmv) / 1e6);
  w.Key("matched_buyers").Int(static_cast<int64_t>(r.matched_buyers));
  w.Key("weeks").BeginArray();
  for (const auto& wk : r.weeks) {
    const uint64_t n = wk.matched + wk.unmatched;
    w.BeginObject()
        .Key("week")
        .String(FormatDate(wk.week))
        .Key("matched")
        .Int(static_cast<int64_t>(wk.matched));
    w.Key("unmatched").Int(static_cast<int64_t>(wk.unmatched)).Key("match_rate");
    if (n) {
      w.Double(static_cast<double>(wk.matched) / static_cast<double>(n));
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("identity_entries").Int(static_cast<int64_t>(r.identity_entries)).EndObject();
  return w.str();
}

std::string ToTable(const FirstPartyResult& r) {
  const uint64_t all = r.matched_orders + r.unmatched_orders;
  std::string o = fmt::format(
      "一方数据 first-party data · brand {}\n\n  orders matched      {:>12}\n  orders unmatched    {:>12}\n"
      "  match rate          {:>12}\n  matched GMV         {:>12}\n  matched buyers      {:>12}\n"
      "  identity map        {:>12} hashed ids\n",
      r.brand, Thousands(r.matched_orders), Thousands(r.unmatched_orders), Percent(r.matched_orders, all),
      MoneyText(static_cast<double>(r.matched_gmv) / 1e6), Thousands(r.matched_buyers),
      Thousands(r.identity_entries));
  if (r.weeks.empty()) return o;
  o += "\n  match rate by week of the order (matched so far / all orders of the week)\n";
  for (const auto& wk : r.weeks) {
    o += fmt::format("  {}  {:>10} / {:<10} {:>7}\n", FormatDate(wk.week), Thousands(wk.matched),
                     Thousands(wk.matched + wk.unmatched), Percent(wk.matched, wk.matched + wk.unmatched));
  }
  return o;
}

}  // namespace aips
