// Category and competitor measures on the embedded engine: side-by-side comparison with ranks and
// percentiles, crowd overlap, 战败人群 (seeded here, bought elsewhere), 回搜率 (search-back rate) and the
// 极光指标 (Aurora index). Formulas: docs/measures.md.
#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/hash_tables.h"
#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "engine/category_compose.h"
#include "fmt/format.h"
#include "store/first_party.h"

namespace aips {

Result<std::string> EmbeddedEngine::CategoryOf(const std::string& brand) {
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(ScopeRef{brand, std::nullopt}));
  (void)r;
  return store_->CategoryOfBrand(brand);
}

Result<CompareResult> EmbeddedEngine::Compare(const std::string& brand,
                                              const std::vector<std::string>& competitors,
                                              std::optional<Day> from, std::optional<Day> date, int top_n) {
  return CompareBrands(*this, brand, competitors, from, date, top_n);
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
  KeyedLists<Day> reads, searches;  // by user (common/hash_tables.h)
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
  reads.ForEach([&](uint32_t u, const std::vector<Day>& days) {
    const std::vector<Day>* searched = searches.Find(u);
    if (searched == nullptr) return;
    bool hit = false;
    for (Day rd : days)
      for (Day sd : *searched) hit |= sd >= rd && sd <= rd + within_days;
    out.searched += hit;
  });
  return out;
}

Result<AuroraResult> EmbeddedEngine::Aurora(const std::string& category, std::optional<Day> date) {
  // Content counts from one pass over each brand's day segments of [D-364, D].
  auto content = [&](const std::vector<std::string>& names,
                     Day day) -> Result<std::map<std::string, AuroraContent>> {
    std::map<std::string, AuroraContent> out;
    AIPS_ASSIGN_OR_RETURN(Dictionary * dict, store_->dict(kDictBrand));
    AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, day - 364, day));
    for (const std::string& b : names) {
      auto id = dict->Find(b);
      if (!id) continue;
      AuroraContent& row = out[b];
      absl::flat_hash_set<uint32_t> notes;
      AIPS_RETURN_IF_ERROR(src->ForEachBlock(*id, day - 364, day, [&](Day d, const BrandBlock& blk) {
        for (size_t i = 0; i < blk.n; ++i) {
          const auto a = static_cast<Action>(blk.action[i]);
          if (a == Action::kPost) {
            ++row.posts;
            row.positive_posts += blk.sentiment[i] == static_cast<uint8_t>(Sentiment::kPositive);
          }
          if (d < day - 29 || blk.note[i] == kNoId) continue;
          notes.insert(blk.note[i]);
          row.engagements +=
              a == Action::kLike || a == Action::kCollect || a == Action::kComment || a == Action::kShare;
        }
      }));
      row.notes = notes.size();
    }
    return out;
  };
  return AuroraOfCategory(*this, category, date, content);
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
