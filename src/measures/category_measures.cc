// Category and competitor measures on the embedded engine: side-by-side comparison with ranks and
// percentiles, crowd overlap, 战败人群 (seeded here, bought elsewhere), 回搜率 (search-back rate) and the
// 极光指标 (Aurora index). Formulas: docs/measures.md.
#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "engine/percentile.h"
#include "fmt/format.h"
#include "store/first_party.h"

namespace aips {

Result<std::string> EmbeddedEngine::CategoryOf(const std::string& brand) {
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
  (void)r;
  return store_->CategoryOfBrand(brand);
}

Result<BrandMeasures> EmbeddedEngine::MeasureBrand(const std::string& brand, Day from, Day date) {
  BrandMeasures m;
  m.brand = brand;
  ScopeRef scope{brand, std::nullopt};
  AIPS_ASSIGN_OR_RETURN(StagesResult st, Stages(scope, date));
  m.stages = st.stages;
  AIPS_ASSIGN_OR_RETURN(PenetrationResult p, Penetration(scope, date));
  m.category_crowd = p.category_crowd;
  m.a_plus_in_crowd = p.a_plus();
  m.ti_plus_in_crowd = p.ti_plus();
  AIPS_ASSIGN_OR_RETURN(FlowResult f, Flow(scope, from, date));
  m.new_ = f.new_;
  m.lost = f.lost;
  m.deepened = f.deepened;
  m.fell_back = f.fell_back;
  return m;
}

Result<CompareResult> EmbeddedEngine::Compare(const std::string& brand,
                                              const std::vector<std::string>& competitors,
                                              std::optional<Day> from, std::optional<Day> date, int top_n) {
  CompareResult out;
  AIPS_ASSIGN_OR_RETURN(out.category, CategoryOf(brand));
  for (const std::string& c : competitors) AIPS_RETURN_IF_ERROR(Resolve(ScopeRef{c, std::nullopt}).status());
  if (date) {
    out.date = *date;
  } else {
    AIPS_ASSIGN_OR_RETURN(out.date, DefaultDay());
  }
  out.from = from.value_or(out.date - 30);
  if (out.from >= out.date) return Status::InvalidArgument("--from must be before --date");
  if (top_n < 1) return Status::InvalidArgument("--top must be at least 1");
  out.top_n = top_n;
  out.shown.push_back(brand);
  for (const std::string& c : competitors)
    if (std::find(out.shown.begin(), out.shown.end(), c) == out.shown.end()) out.shown.push_back(c);
  AIPS_ASSIGN_OR_RETURN(std::vector<std::string> members, store_->BrandsOfCategory(out.category));
  for (const std::string& s : out.shown)
    if (std::find(members.begin(), members.end(), s) == members.end()) members.push_back(s);
  std::sort(members.begin(), members.end());
  for (const std::string& b : members) {
    AIPS_ASSIGN_OR_RETURN(BrandMeasures m, MeasureBrand(b, out.from, out.date));
    out.category_brands.push_back(std::move(m));
  }
  return out;
}

Result<OverlapResult> EmbeddedEngine::Overlap(const std::vector<std::string>& brands,
                                              std::optional<Day> date) {
  if (brands.size() < 2) return Status::InvalidArgument("--brands needs at least two brands");
  OverlapResult out;
  out.brands = brands;
  if (date) {
    out.date = *date;
  } else {
    AIPS_ASSIGN_OR_RETURN(out.date, DefaultDay());
  }
  std::vector<std::vector<Roaring>> sets;
  for (const std::string& b : brands) {
    AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{b, std::nullopt}));
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> m, MembersOn(r, out.date));
    m.push_back(AtLeast(m, 1));
    std::array<uint64_t, 6> sz{};
    for (size_t s = 0; s < 6; ++s) sz[s] = m[s].cardinality();
    out.sizes.push_back(sz);
    sets.push_back(std::move(m));
  }
  out.pairs.assign(brands.size(), std::vector<std::array<uint64_t, 6>>(brands.size()));
  for (size_t i = 0; i < brands.size(); ++i) {
    for (size_t j = 0; j < brands.size(); ++j) {
      for (size_t s = 0; s < 6; ++s) out.pairs[i][j][s] = sets[i][s].and_cardinality(sets[j][s]);
    }
  }
  return out;
}

Result<DefeatedResult> EmbeddedEngine::Defeated(const std::string& brand, std::optional<Day> date,
                                                std::optional<int> x) {
  DefeatedResult out;
  out.brand = brand;
  AIPS_ASSIGN_OR_RETURN(out.category, CategoryOf(brand));
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, store_->catalog());
  out.x_days = x.value_or(cat->DecisionCycle(out.category));
  if (out.x_days < 1) return Status::InvalidArgument("--x must be at least 1");
  if (date) {
    out.date = *date;
  } else {
    AIPS_ASSIGN_OR_RETURN(out.date, DefaultDay());
  }
  out.seeded_on = out.date - out.x_days;
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
  AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> m, MembersOn(r, out.seeded_on));
  const Roaring seeded = AtLeast(m, 3);
  out.seeded = seeded.cardinality();
  AIPS_ASSIGN_OR_RETURN(std::vector<std::string> names, store_->BrandsOfCategory(out.category));
  AIPS_ASSIGN_OR_RETURN(Dictionary * dict, store_->dict(kDictBrand));
  AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, out.seeded_on + 1, out.date));
  // Purchases in (seeded_on, date] by seeded users: of the brand, and per competitor.
  absl::flat_hash_set<uint32_t> bought_here;
  std::map<std::string, absl::flat_hash_set<uint32_t>> bought_there;
  for (const std::string& b : names) {
    auto id = dict->Find(b);
    if (!id) continue;
    const bool self = b == brand;
    AIPS_RETURN_IF_ERROR(src->ForEachBlock(*id, out.seeded_on + 1, out.date, [&](Day, const BrandBlock& blk) {
      for (size_t i = 0; i < blk.n; ++i) {
        if (static_cast<Action>(blk.action[i]) != Action::kPurchase || !seeded.contains(blk.user[i]))
          continue;
        (self ? bought_here : bought_there[b]).insert(blk.user[i]);
      }
    }));
  }
  out.bought_brand = bought_here.size();
  absl::flat_hash_set<uint32_t> defeated;
  for (auto& [b, users] : bought_there) {
    uint64_t n = 0;
    for (uint32_t u : users) {
      if (bought_here.contains(u)) continue;
      defeated.insert(u);
      ++n;
    }
    if (n) out.by_competitor.emplace_back(b, n);
  }
  std::sort(out.by_competitor.begin(), out.by_competitor.end(),
            [](auto& a, auto& b) { return a.second > b.second; });
  out.defeated = defeated.size();
  return out;
}

Result<SearchBackResult> EmbeddedEngine::SearchBack(const std::string& brand, std::optional<Day> from,
                                                    std::optional<Day> to, int within_days) {
  SearchBackResult out;
  out.brand = brand;
  if (within_days < 0) return Status::InvalidArgument("--within must be at least 0");
  out.within_days = within_days;
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
  if (to) {
    out.to = *to;
  } else {
    AIPS_ASSIGN_OR_RETURN(out.to, DefaultDay());
  }
  out.from = from.value_or(out.to - 29);
  if (out.from > out.to) return Status::InvalidArgument("--from is after --to");
  if (!r.brand) return out;
  AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, out.from, out.to + within_days));
  absl::flat_hash_map<uint32_t, std::vector<Day>> reads, searches;
  AIPS_RETURN_IF_ERROR(
      src->ForEachBlock(*r.brand, out.from, out.to + within_days, [&](Day day, const BrandBlock& b) {
        for (size_t i = 0; i < b.n; ++i) {
          const auto a = static_cast<Action>(b.action[i]);
          if ((a == Action::kClick || a == Action::kDeepRead) && day <= out.to)
            reads[b.user[i]].push_back(day);
          if (a == Action::kSearch) searches[b.user[i]].push_back(day);
        }
      }));
  out.readers = reads.size();
  for (auto& [u, days] : reads) {
    auto it = searches.find(u);
    if (it == searches.end()) continue;
    bool hit = false;
    for (Day rd : days)
      for (Day sd : it->second) hit |= sd >= rd && sd <= rd + within_days;
    out.searched += hit;
  }
  return out;
}

Result<AuroraResult> EmbeddedEngine::Aurora(const std::string& category, std::optional<Day> date) {
  AuroraResult out;
  out.category = category;
  if (date) {
    out.date = *date;
  } else {
    AIPS_ASSIGN_OR_RETURN(out.date, DefaultDay());
  }
  AIPS_ASSIGN_OR_RETURN(std::vector<std::string> names, store_->BrandsOfCategory(category));
  if (names.empty())
    return Status::NotFound(fmt::format("unknown category '{}' (no brands row names it)", category));
  std::sort(names.begin(), names.end());
  AIPS_ASSIGN_OR_RETURN(Dictionary * dict, store_->dict(kDictBrand));
  AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, out.date - 364, out.date));
  for (const std::string& b : names) {
    AuroraRow row;
    row.brand = b;
    AIPS_ASSIGN_OR_RETURN(PenetrationResult p, Penetration(ScopeRef{b, std::nullopt}, out.date));
    out.category_crowd = p.category_crowd;
    AIPS_ASSIGN_OR_RETURN(StagesResult st, Stages(ScopeRef{b, std::nullopt}, out.date));
    row.s_crowd = st.stages[4];
    if (p.category_crowd) {
      row.awareness_raw = static_cast<double>(p.a_plus()) / static_cast<double>(p.category_crowd);
      row.penetration_raw = static_cast<double>(p.ti_plus()) / static_cast<double>(p.category_crowd);
    }
    if (auto id = dict->Find(b)) {
      absl::flat_hash_set<uint32_t> notes;
      AIPS_RETURN_IF_ERROR(
          src->ForEachBlock(*id, out.date - 364, out.date, [&](Day day, const BrandBlock& blk) {
            for (size_t i = 0; i < blk.n; ++i) {
              const auto a = static_cast<Action>(blk.action[i]);
              if (a == Action::kPost) {
                ++row.posts;
                row.positive_posts += blk.sentiment[i] == static_cast<uint8_t>(Sentiment::kPositive);
              }
              if (day < out.date - 29 || blk.note[i] == kNoId) continue;
              notes.insert(blk.note[i]);
              row.engagements +=
                  a == Action::kLike || a == Action::kCollect || a == Action::kComment || a == Action::kShare;
            }
          }));
      row.notes = notes.size();
    }
    row.content_raw = static_cast<double>(row.notes + row.engagements);
    row.wom_raw = row.posts ? static_cast<double>(row.s_crowd) * static_cast<double>(row.positive_posts) /
                                  static_cast<double>(row.posts)
                            : 0.0;
    out.brands.push_back(std::move(row));
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

Result<FirstPartyResult> EmbeddedEngine::FirstParty(const std::string& brand) {
  FirstPartyResult out;
  out.brand = brand;
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
  AIPS_ASSIGN_OR_RETURN(FirstPartyData fp,
                        LoadFirstParty(store_->dir(), store_->manifest().firstparty_generation));
  out.identity_entries = fp.identity.size();
  std::map<Day, FirstPartyResult::Week> weeks;
  AIPS_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(store_->rules().timezone));
  DayMapper mapper(zone);
  for (auto& [id, o] : fp.unmatched) {
    if (o.brand != brand) continue;
    ++out.unmatched_orders;
    ++weeks[WeekOf(mapper.LocalDay(o.ts))].unmatched;
  }
  AIPS_ASSIGN_OR_RETURN(Dictionary * channels, store_->dict(kDictChannel));
  auto fp_channel = channels->Find("first_party");
  absl::flat_hash_set<uint32_t> buyers;
  if (r.brand && fp_channel) {
    const BrandInfo& bi = store_->manifest().brands[*r.brand];
    AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, bi.first_day, bi.last_day));
    AIPS_RETURN_IF_ERROR(
        src->ForEachBlock(*r.brand, bi.first_day, bi.last_day, [&](Day day, const BrandBlock& b) {
          for (size_t i = 0; i < b.n; ++i) {
            if (b.channel[i] != *fp_channel || static_cast<Action>(b.action[i]) != Action::kPurchase)
              continue;
            ++out.matched_orders;
            ++weeks[WeekOf(day)].matched;
            out.matched_gmv += b.amount[i];
            buyers.insert(b.user[i]);
          }
        }));
  }
  out.matched_buyers = buyers.size();
  for (auto& [w, wk] : weeks) {
    wk.week = w;
    out.weeks.push_back(wk);
  }
  return out;
}

}  // namespace aips
