// Lookalike tiers (docs/crowds.md, "Lookalike"): every user is a set of binary behaviour features over a
// window — the brands, the categories and the actions they had events on. A feature's weight is the
// log-lift of its frequency in the seed over its frequency in the population (with +0.5 smoothing);
// a candidate's score is the sum of the weights of its features. Tiers are the top-k candidates.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "fmt/format.h"

namespace aips {

Result<LookalikeResult> EmbeddedEngine::LookalikeOf(const Roaring& seed, std::optional<Day> date,
                                                    int window_days,
                                                    const std::vector<uint64_t>& tier_sizes) {
  LookalikeResult out;
  if (window_days < 1 || window_days > 3650)
    return Status::InvalidArgument("--window must be in [1, 3650] days");
  if (tier_sizes.empty()) return Status::InvalidArgument("give at least one tier size");
  for (size_t i = 1; i < tier_sizes.size(); ++i)
    if (tier_sizes[i] < tier_sizes[i - 1])
      return Status::InvalidArgument("tier sizes must grow (core, high-potential, broad)");
  if (date) {
    out.date = *date;
  } else {
    AIPS_ASSIGN_OR_RETURN(out.date, DefaultDay());
  }
  out.window_days = window_days;
  out.seed = seed.cardinality();
  if (out.seed == 0) return Status::InvalidArgument("the seed crowd is empty");
  const Manifest& m = store_->manifest();
  const uint32_t n_users = m.dicts[kDictUser].count;
  const uint32_t n_brands = static_cast<uint32_t>(m.brands.size());
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, store_->dict(kDictBrand));
  // Features: brands, then categories, then actions.
  std::vector<std::string> names;
  std::vector<uint32_t> brand_cat(n_brands);
  std::map<std::string, uint32_t> cats;
  for (uint32_t b = 0; b < n_brands; ++b) names.push_back("brand:" + std::string(brands->Name(b)));
  for (uint32_t b = 0; b < n_brands; ++b) {
    AIPS_ASSIGN_OR_RETURN(std::string c, store_->CategoryOfBrand(std::string(brands->Name(b))));
    auto [it, fresh] = cats.try_emplace(c, static_cast<uint32_t>(cats.size()));
    if (fresh) names.push_back("category:" + c);
    brand_cat[b] = n_brands + it->second;
  }
  const uint32_t action_base = static_cast<uint32_t>(names.size());
  for (int a = 0; a < kNumActions; ++a)
    names.push_back("action:" + std::string(kActionNames[static_cast<size_t>(a)]));
  const size_t words = (names.size() + 63) / 64;
  std::vector<uint64_t> bits(size_t{n_users} * words, 0);
  auto set = [&](uint32_t u, uint32_t f) { bits[size_t{u} * words + f / 64] |= uint64_t{1} << (f % 64); };
  const Day from = out.date - window_days + 1;
  AIPS_ASSIGN_OR_RETURN(auto src, StoreEventSource::Open(*store_, from, out.date));
  for (uint32_t b = 0; b < n_brands; ++b) {
    AIPS_RETURN_IF_ERROR(src->ForEachBlock(b, from, out.date, [&](Day, const BrandBlock& blk) {
      for (size_t i = 0; i < blk.n; ++i) {
        set(blk.user[i], b);
        set(blk.user[i], brand_cat[b]);
        set(blk.user[i], action_base + blk.action[i]);
      }
    }));
  }
  // Feature frequencies in the seed and in the population (users with any feature).
  std::vector<double> seed_n(names.size(), 0), pop_n(names.size(), 0);
  double n_seed = 0, n_pop = 0;
  for (uint32_t u = 0; u < n_users; ++u) {
    const uint64_t* w = &bits[size_t{u} * words];
    bool any = false;
    for (size_t k = 0; k < words; ++k) any |= w[k] != 0;
    if (!any) continue;
    const bool in_seed = seed.contains(u);
    n_pop += 1;
    n_seed += in_seed;
    for (size_t k = 0; k < words; ++k) {
      for (uint64_t x = w[k]; x; x &= x - 1) {
        const size_t f = k * 64 + static_cast<size_t>(__builtin_ctzll(x));
        pop_n[f] += 1;
        if (in_seed) seed_n[f] += 1;
      }
    }
  }
  std::vector<double> weight(names.size());
  for (size_t f = 0; f < names.size(); ++f) {
    weight[f] = std::log((seed_n[f] + 0.5) / (n_seed + 1)) - std::log((pop_n[f] + 0.5) / (n_pop + 1));
  }
  // Score the candidates.
  std::vector<std::pair<double, uint32_t>> scored;
  for (uint32_t u = 0; u < n_users; ++u) {
    if (seed.contains(u)) continue;
    const uint64_t* w = &bits[size_t{u} * words];
    double s = 0;
    bool any = false;
    for (size_t k = 0; k < words; ++k) {
      for (uint64_t x = w[k]; x; x &= x - 1) {
        s += weight[k * 64 + static_cast<size_t>(__builtin_ctzll(x))];
        any = true;
      }
    }
    if (any) scored.emplace_back(s, u);
  }
  out.candidates = scored.size();
  const size_t top = std::min<size_t>(scored.size(), tier_sizes.back());
  std::partial_sort(
      scored.begin(), scored.begin() + static_cast<ptrdiff_t>(top), scored.end(),
      [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  static const char* kFunnel[] = {"core", "high_potential", "broad"};
  for (size_t t = 0; t < tier_sizes.size(); ++t) {
    LookalikeTier tier;
    tier.name = t < 3 && tier_sizes.size() <= 3 ? kFunnel[t] : fmt::format("tier{}", t + 1);
    const size_t k = std::min<size_t>(tier_sizes[t], scored.size());
    for (size_t i = 0; i < k; ++i) tier.members.add(scored[i].second);
    tier.size = k;
    tier.min_score = k ? scored[k - 1].first : 0;
    out.tiers.push_back(std::move(tier));
  }
  std::vector<size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return weight[a] > weight[b]; });
  for (size_t i = 0; i < std::min<size_t>(10, order.size()); ++i) {
    if (pop_n[order[i]] == 0) continue;
    out.top_features.emplace_back(names[order[i]], weight[order[i]]);
  }
  return out;
}

}  // namespace aips
