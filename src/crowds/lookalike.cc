// Lookalike tiers on the embedded engine (docs/crowds.md, "Lookalike tiers"; the model is
// engine/lookalike_model.h): each user's features as a bit set over the window, counted, weighed and
// scored in one pass each; tiers are the top-k candidates.
#include <algorithm>
#include <map>

#include "domain/domain.h"
#include "embedded/embedded_engine.h"
#include "embedded/store_event_source.h"
#include "engine/lookalike_model.h"

namespace aips {

Result<LookalikeResult> EmbeddedEngine::LookalikeOf(const Roaring& seed, std::optional<Day> date,
                                                    int window_days,
                                                    const std::vector<uint64_t>& tier_sizes) {
  LookalikeResult out;
  AIPS_RETURN_IF_ERROR(CheckLookalikeRequest(window_days, tier_sizes));
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
  LookalikeCounts counts;
  std::vector<std::string>& names = counts.names;
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
  // Calls f(feature) for each feature of user u; false when the user has none.
  auto features_of = [&](uint32_t u, auto&& f) {
    const uint64_t* w = &bits[size_t{u} * words];
    bool any = false;
    for (size_t k = 0; k < words; ++k) {
      for (uint64_t x = w[k]; x; x &= x - 1) {
        f(k * 64 + static_cast<size_t>(__builtin_ctzll(x)));
        any = true;
      }
    }
    return any;
  };
  // Feature frequencies in the seed and in the population (users with any feature).
  counts.pop_n.assign(names.size(), 0);
  counts.seed_n.assign(names.size(), 0);
  for (uint32_t u = 0; u < n_users; ++u) {
    const bool in_seed = seed.contains(u);
    const bool any = features_of(u, [&](size_t f) {
      ++counts.pop_n[f];
      if (in_seed) ++counts.seed_n[f];
    });
    counts.pop += any;
    counts.seed += any && in_seed;
  }
  const std::vector<double> weight = LookalikeWeights(counts);
  std::vector<int64_t> fixed(weight.size());
  for (size_t f = 0; f < weight.size(); ++f) fixed[f] = FixedWeight(weight[f]);
  // Score the candidates; rank by score, then user number.
  std::vector<std::pair<int64_t, uint32_t>> scored;
  for (uint32_t u = 0; u < n_users; ++u) {
    if (seed.contains(u)) continue;
    int64_t s = 0;
    if (features_of(u, [&](size_t f) { s += fixed[f]; })) scored.emplace_back(s, u);
  }
  out.candidates = scored.size();
  const size_t top = std::min<size_t>(scored.size(), tier_sizes.back());
  std::partial_sort(
      scored.begin(), scored.begin() + static_cast<ptrdiff_t>(top), scored.end(),
      [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (size_t t = 0; t < tier_sizes.size(); ++t) {
    LookalikeTier tier;
    tier.name = TierName(t, tier_sizes.size());
    const size_t k = std::min<size_t>(tier_sizes[t], scored.size());
    for (size_t i = 0; i < k; ++i) tier.members.add(scored[i].second);
    tier.size = k;
    tier.min_score = k ? FixedScore(scored[k - 1].first) : 0;
    out.tiers.push_back(std::move(tier));
  }
  out.top_features = TopFeatures(counts, weight);
  return out;
}

}  // namespace aips
