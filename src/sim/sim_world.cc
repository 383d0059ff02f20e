#include "sim/sim_world.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"

namespace aips::sim {

namespace {

// Segment preferences by (category, brand rank): who over-indexes where (a TGI far from 100).
struct PlantedPreference {
  int category, rank, segment;
  double weight;
};
constexpr PlantedPreference kPreferences[] = {
    {0, 1, kNewWhite, 3.0},   {0, 1, kGenZ, 0.3},       {0, 3, kGenZ, 4.0},
    {1, 2, kUrbanWhite, 4.0}, {2, 1, kSmallTown, 0.4},  {2, 2, kGenZ, 4.0},
    {3, 2, kSmallTown, 4.0},  {4, 1, kUrbanWhite, 2.5}, {4, 3, kSmallTown, 4.0},
};

// Content habits of the three most popular brands of each category, so that Aurora's sub-scores rank
// them differently (the leader is the least talked about); further brands draw theirs.
struct Habits {
  double like_share, engagement, post_chance, positive;
};
constexpr Habits kHabitsByRank[] = {{0.15, 0.5, 0.08, 0.5}, {0.6, 2.5, 0.15, 0.7}, {0.35, 1.0, 0.35, 0.9}};

// lo + k × step for a random k in [0, steps), in hundredths (so that 1.45 is written 1.45).
double Step(Rng& r, double lo, double step, int steps) {
  const int64_t k = static_cast<int64_t>(r.Below(static_cast<uint64_t>(steps)));
  return static_cast<double>(std::llround(lo * 100) + k * std::llround(step * 100)) / 100.0;
}

// A campaign's effect: none (30 %), on interest, on deep interest or on purchase; `must` never none.
Effect DrawEffect(Rng& r, bool must) {
  const uint64_t kind = must ? 3 + r.Below(7) : r.Below(10);
  const double main = Step(r, 1.3, 0.05, 7), side = Step(r, 1.0, 0.05, 5);
  if (kind < 3) return {};
  if (kind < 5) return {main, 1.0, 1.0};
  if (kind < 8) return {side, main, 1.0};
  return {1.0, side, main};
}

}  // namespace

int PickWith(double u, const double* w, int n) {
  double total = 0;
  for (int i = 0; i < n; ++i) total += w[i];
  u *= total;
  for (int i = 0; i < n; ++i) {
    if (u < w[i]) return i;
    u -= w[i];
  }
  return n - 1;
}

int PickBrand(Rng& rng, const World& w, int category, int segment) {
  const auto& list = w.brands_of_category[static_cast<size_t>(category)];
  const auto& wt = w.pick_weights[static_cast<size_t>(segment * kNumCategories + category)];
  return list[static_cast<size_t>(PickWeighted(rng, wt.data(), static_cast<int>(wt.size())))];
}

World BuildWorld(const SimOptions& opt, int n_brands) {
  World w;
  w.days = opt.days;
  Rng rng(opt.seed ^ 0xB5AD4ECEDA1CE2A9ull);
  w.brands_of_category.resize(kNumCategories);
  std::vector<int> per_cat(kNumCategories, 0);
  for (int i = 0; i < n_brands; ++i) {
    Brand b;
    b.category = i % kNumCategories;
    const CategoryDef& cat = kCategories[static_cast<size_t>(b.category)];
    b.rank = ++per_cat[static_cast<size_t>(b.category)];
    b.name = fmt::format("{}-{:02d}", cat.short_name, b.rank);
    b.index = w.brands.size();
    const int n_spus = 3 + static_cast<int>(rng.Below(4));
    for (int s = 0; s < n_spus; ++s) {
      b.spus.push_back(fmt::format("{}-s{}", b.name, s + 1));
      b.prices.push_back(cat.price_lo +
                         static_cast<int>(rng.Below(static_cast<uint64_t>(cat.price_hi - cat.price_lo))));
    }
    b.popularity = 1.0 / std::pow(b.rank, 0.8);
    w.brands_of_category[static_cast<size_t>(b.category)].push_back(i);
    w.brands.push_back(std::move(b));
  }
  for (Brand& b : w.brands) {
    double total = 0;
    for (int o : w.brands_of_category[static_cast<size_t>(b.category)])
      total += w.brands[static_cast<size_t>(o)].popularity;
    b.share = b.popularity / total;
  }
  w.live.assign(w.brands.size(), std::vector<int>(static_cast<size_t>(opt.days), -1));
  w.holdouts_of_category.resize(kNumCategories);
  Rng effects(opt.seed ^ 0xEFFEC75EEDull);
  for (size_t bi = 0; bi < w.brands.size(); ++bi) {
    const int n = 2 + static_cast<int>(rng.Below(2));
    for (int c = 0; c < n; ++c) {
      Campaign cp;
      cp.brand = static_cast<int>(bi);
      cp.name = fmt::format("{}-c{}", w.brands[bi].name, c + 1);
      cp.spu = rng.Chance(0.5) ? static_cast<int>(rng.Below(w.brands[bi].spus.size())) : -1;
      // The first flight opens the period (so that even a 70-day decision cycle closes inside a 90-day
      // history); the others fall anywhere.
      const int len = c == 0 ? 7 + static_cast<int>(rng.Below(8)) : 7 + static_cast<int>(rng.Below(15));
      cp.start =
          c == 0
              ? static_cast<int>(rng.Below(static_cast<uint64_t>(std::max(1, std::min(6, opt.days - len)))))
              : static_cast<int>(rng.Below(static_cast<uint64_t>(std::max(1, opt.days - len))));
      cp.end = std::min(opt.days - 1, cp.start + len - 1);
      // Every other brand of a category (the 1st, 3rd, ...) runs its first campaign with a holdout; the
      // leader's first campaign always has an effect, so that the demo's lift shows one.
      const bool leader = w.brands[bi].rank == 1;
      cp.holdout = c == 0 && w.brands[bi].rank % 2 == 1;
      cp.effect = DrawEffect(effects, c == 0 && leader);
      if (!opt.effects) cp.effect = Effect{};
      const int idx = static_cast<int>(w.campaigns.size());
      for (int d = cp.start; d <= cp.end; ++d) {
        if (w.live[bi][static_cast<size_t>(d)] < 0) w.live[bi][static_cast<size_t>(d)] = idx;
      }
      w.brands[bi].campaigns.push_back(idx);
      if (cp.holdout) w.holdouts_of_category[static_cast<size_t>(w.brands[bi].category)].push_back(idx);
      w.campaigns.push_back(cp);
    }
  }
  // Content habits and segment preferences.
  Rng habits(opt.seed ^ 0x4AB175ull);
  for (Brand& b : w.brands) {
    if (b.rank <= 3) {
      const Habits& h = kHabitsByRank[b.rank - 1];
      b.like_share = h.like_share;
      b.engagement = h.engagement;
      b.post_chance = h.post_chance;
      b.positive = h.positive;
    } else {
      b.like_share = Step(habits, 0.15, 0.05, 10);
      b.engagement = Step(habits, 0.5, 0.25, 9);
      b.post_chance = Step(habits, 0.08, 0.03, 10);
      b.positive = Step(habits, 0.5, 0.05, 9);
    }
  }
  w.preference.assign(static_cast<size_t>(kNumSegments) * w.brands.size(), 1.0);
  for (const PlantedPreference& p : kPreferences) {
    const auto& list = w.brands_of_category[static_cast<size_t>(p.category)];
    if (p.rank > static_cast<int>(list.size())) continue;
    const int b = list[static_cast<size_t>(p.rank - 1)];
    w.preferences.push_back({p.segment, b, p.weight});
    w.preference[static_cast<size_t>(p.segment) * w.brands.size() + static_cast<size_t>(b)] = p.weight;
  }
  for (int s = 0; s < kNumSegments; ++s) {
    for (int c = 0; c < kNumCategories; ++c) {
      std::vector<double> wt;
      for (int b : w.brands_of_category[static_cast<size_t>(c)])
        wt.push_back(w.brands[static_cast<size_t>(b)].popularity * w.Preference(s, b));
      w.pick_weights.push_back(std::move(wt));
    }
  }
  return w;
}

}  // namespace aips::sim
