#include "sim/sim_users.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/crypto.h"
#include "fmt/format.h"
#include "sim/journey.h"
#include "sim/outcome.h"

namespace aips::sim {

namespace {

struct Tags {
  bool female = false;
  int age = 0, city = 0, segment = 0;
};

// Gender, age band, city tier and a consumer segment, drawn with odds that depend on the user's main
// category, so that crowds have portraits worth reading.
Tags DrawTags(uint64_t seed, uint64_t u, int main_cat) {
  Rng r(seed * 7919 + u * 31 + 17);
  const bool beauty = main_cat == 0 || main_cat == 2 || main_cat == 3;  // serum, lipstick, sunscreen
  const bool baby = main_cat == 1;
  Tags t;
  t.female = r.Chance(beauty ? 0.82 : baby ? 0.75 : 0.5);
  const double age_w[4] = {main_cat == 2 ? 0.45 : 0.2, baby ? 0.6 : 0.4, 0.25, 0.1};
  const double city_w[4] = {main_cat == 4 ? 0.45 : 0.25, 0.3, 0.25, 0.15};
  t.age = PickWeighted(r, age_w, 4);
  t.city = PickWeighted(r, city_w, 4);
  t.segment = baby                             ? (r.Chance(0.7) ? kMama : kUrbanWhite)
              : t.age == 0                     ? kGenZ
              : t.city >= 2                    ? kSmallTown
              : main_cat == 4 || r.Chance(0.5) ? kUrbanWhite
                                               : kNewWhite;
  return t;
}

void AppendTags(const std::string& user, const Tags& t, std::string* out) {
  static const char* kAges[] = {"age:18-24", "age:25-34", "age:35-44", "age:45+"};
  static const char* kCities[] = {"city:tier1", "city:tier2", "city:tier3", "city:tier4"};
  *out += fmt::format("{},{}|{}|{}|{}\n", user, t.female ? "gender:female" : "gender:male", kAges[t.age],
                      kCities[t.city], kSegmentTags[static_cast<size_t>(t.segment)]);
}

// A brand's first-party customer: orders in its own stores keyed by a hashed phone number, dated before
// the category's last decision cycle; the platform's identity map knows kIdentityShare of the phones.
// Customers who order often (and not long ago) progress faster on the platform too.
struct FirstParty {
  int brand = -1;
  int orders = 0;
  double loyalty = 1.0;
  std::vector<SimEvent> events;  // the orders the identity map matches: purchases on channel first_party
};

FirstParty DrawFirstParty(uint64_t seed, uint64_t u, const std::string& user, const World& w, int brand,
                          Day start, UsersOut* out) {
  FirstParty fp;
  Rng r(seed * 104729 + u * 13 + 5);
  if (!r.Chance(kFirstPartyShare)) return fp;
  fp.brand = brand;
  const Brand& b = w.brands[static_cast<size_t>(brand)];
  const int x = kCategories[static_cast<size_t>(b.category)].cycle;
  const std::string hash = Sha256Hex(fmt::format("86138{:08d}", u % 100000000));
  const bool matched = r.Chance(kIdentityShare);
  if (matched) out->identity += fmt::format("phone_sha256,{},{}\n", hash, user);
  const int history = std::max(1, w.days - x);
  const int wanted = r.Chance(kRepeatShare) ? 2 + static_cast<int>(r.Below(3)) : 1;
  int day = static_cast<int>(r.Below(static_cast<uint64_t>(history)));
  int orders = 0, last = day;
  for (int i = 0; i < wanted && day < history; ++i) {
    const int s = static_cast<int>(r.Below(b.spus.size()));
    const int price = b.prices[static_cast<size_t>(s)];
    std::string ts;
    AppendDate(start + day, &ts);
    out->orders += fmt::format("fp-{}-{},phone_sha256,{},{}T15:00:00+08:00,{},{},{}.00\n", u, i, hash, ts,
                               b.name, b.spus[static_cast<size_t>(s)], price);
    if (matched) fp.events.push_back({day, Action::kPurchase, s, -1, int64_t{price} * 100, kFirstParty, 0});
    ++orders;
    last = day;
    day += 5 + r.Delay(x / 2.0);
  }
  const bool lapsed = last < w.days - 1 - 3 * x;
  fp.orders = orders;
  fp.loyalty = lapsed ? 1.0 : 1.0 + kLoyaltyPerOrder * (orders - 1);
  ++out->plants.fp_customers;
  if (matched) ++out->plants.fp_matched;
  ++out->plants.fp_by_orders[static_cast<size_t>(std::min(orders, 4))];
  return fp;
}

// A uniform number in [0, 1) fixed by the seed, the user, the campaign and a purpose.
double UnitHash(uint64_t seed, uint64_t u, int campaign, uint64_t purpose) {
  Rng r(u, seed * 0x9E3779B97F4A7C15ull ^ (static_cast<uint64_t>(campaign) + 1) * 0xC2B2AE3D27D4EB4Full ^
               purpose * 0x165667B19E3779F9ull);
  return r.Uniform();
}
constexpr uint64_t kControlHash = 1, kOutsiderHash = 2;

bool Contains(const std::vector<int>& sorted, int v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

void SortUnique(std::vector<int>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// One user while being simulated; the vectors are buffers reused from user to user.
struct User {
  uint64_t u = 0;
  std::string id;  // "u1", "u2", ...
  bool dormant = false;
  int n_cats = 1;
  int cats[2] = {-1, -1};
  Tags tags;
  Traits traits;
  FirstParty fp;
  std::vector<JourneyRef> journeys;
  std::vector<SimEvent> planned;                 // every journey's events as written, journey after journey
  std::vector<size_t> ends;                      // per journey: end of its events in `planned`
  std::vector<int> brands;                       // brands with an event (sorted)
  std::vector<int> assigned, controls, reached;  // campaigns (sorted)
  std::vector<int> evaluate, suppressed;
  std::vector<SimEvent> with, without;
  std::map<int, int> last_engaged;  // PlanAll: per brand, the last day of engagement so far
};

void PlanAll(const World& w, User& s) {
  s.planned.clear();
  s.ends.clear();
  s.last_engaged.clear();
  for (const JourneyRef& j : s.journeys) {
    auto [it, fresh] = s.last_engaged.try_emplace(j.brand, kNoDayYet);
    PlanJourney(w, j, s.traits, s.controls, &s.planned, &it->second);
    s.ends.push_back(s.planned.size());
  }
}

// The user's events of `brand` with the campaigns in `suppressed` never shown, first-party purchases
// included, ordered by day.
void BrandEvents(const World& w, const User& s, int brand, const std::vector<int>& suppressed,
                 std::vector<SimEvent>* out) {
  out->clear();
  int last_engaged = kNoDayYet;
  for (const JourneyRef& j : s.journeys)
    if (j.brand == brand) PlanJourney(w, j, s.traits, suppressed, out, &last_engaged);
  if (s.fp.brand == brand) out->insert(out->end(), s.fp.events.begin(), s.fp.events.end());
  SortByDay(out);
}

// Who the user is: categories, tags, intent, first-party orders (written to `out`) and journeys.
void DrawUser(const SimOptions& opt, const World& w, Day start, Rng& rng, Rng& traits, User& s,
              UsersOut* out) {
  double cat_w[kNumCategories];
  for (int c = 0; c < kNumCategories; ++c) cat_w[c] = kCategories[static_cast<size_t>(c)].weight;
  s.dormant = traits.Chance(kDormantShare);
  s.traits = Traits{};
  s.fp = FirstParty{};
  s.cats[1] = -1;
  s.journeys.clear();
  s.n_cats = 1 + (rng.Chance(0.35) ? 1 : 0);
  for (int k = 0; k < s.n_cats; ++k) {
    const int cat = PickWeighted(rng, cat_w, kNumCategories);
    s.cats[k] = cat;
    if (k == 0) {
      s.tags = DrawTags(opt.seed, s.u, cat);
      AppendTags(s.id, s.tags, &out->tags);
      const double z = traits.Normal();
      s.traits.segment = s.tags.segment;
      s.traits.intent = kSegmentIntent[static_cast<size_t>(s.tags.segment)] *
                        std::exp(kIntentSigma * z - kIntentSigma * kIntentSigma / 2);
      const int fp_brand = PickBrand(rng, w, cat, s.tags.segment);
      if (!s.dormant) s.fp = DrawFirstParty(opt.seed, s.u, s.id, w, fp_brand, start, out);
    }
    const int n_brands = 1 + static_cast<int>(rng.Below(3));
    for (int j = 0; j < n_brands; ++j) {
      const int b = PickBrand(rng, w, cat, s.tags.segment);
      const int t0 = static_cast<int>(rng.Below(static_cast<uint64_t>(w.days)));
      s.journeys.push_back({b, t0, rng.Next()});
      // A second journey 20-60 days later, more often for users who mean to buy.
      if (rng.Chance(std::clamp(0.3 * s.traits.intent, 0.1, 0.6)))
        s.journeys.push_back({b, t0 + 20 + static_cast<int>(rng.Below(40)), rng.Next()});
    }
  }
  for (int i = 0; i < s.fp.orders; ++i)  // customers come to the brand on the platform too
    s.journeys.push_back(
        {s.fp.brand, static_cast<int>(rng.Below(static_cast<uint64_t>(w.days))), rng.Next()});
  if (s.dormant) {
    s.journeys.clear();
    ++out->plants.dormant;
  }
  s.traits.loyal_brand = s.fp.brand;
  s.traits.loyalty = s.fp.loyalty;
  // Recent activity in the category, as targeting sees it.
  for (JourneyRef& j : s.journeys) {
    const int cat = w.brands[static_cast<size_t>(j.brand)].category;
    j.recent = static_cast<int>(std::count_if(s.journeys.begin(), s.journeys.end(), [&](const JourneyRef& o) {
      return &o != &j && w.brands[static_cast<size_t>(o.brand)].category == cat && o.t0 >= j.t0 - 30 &&
             o.t0 < j.t0;
    }));
  }
}

// The holdouts that target the user and the user's group in each, then the user's events as written
// (control users are not shown their campaigns).
void AssignAndPlan(const SimOptions& opt, const World& w, User& s) {
  // Planned without holdouts first: the impression days decide which holdouts target the user.
  s.controls.clear();
  PlanAll(w, s);
  s.assigned.clear();
  s.brands.clear();
  for (size_t j = 0, at = 0; j < s.journeys.size(); at = s.ends[j], ++j) {
    const int b = s.journeys[j].brand;
    if (s.ends[j] > at) s.brands.push_back(b);
    for (size_t i = at; i < s.ends[j]; ++i) {
      if (s.planned[i].action != Action::kImpression) continue;
      const int c = w.Live(b, s.planned[i].day);
      if (c >= 0 && w.campaigns[static_cast<size_t>(c)].holdout) s.assigned.push_back(c);
    }
  }
  if (!s.fp.events.empty()) s.brands.push_back(s.fp.brand);
  SortUnique(&s.brands);
  // Targeted users without events of the brand: dormant users, and a few others of the category.
  for (int k = 0; k < s.n_cats; ++k) {
    if (k == 1 && s.cats[1] == s.cats[0]) break;
    for (int c : w.holdouts_of_category[static_cast<size_t>(s.cats[k])]) {
      const int b = w.campaigns[static_cast<size_t>(c)].brand;
      if (Contains(s.brands, b)) continue;
      const double chance =
          (s.dormant ? kDormantAssigned : kOutsiderAssigned) * w.brands[static_cast<size_t>(b)].share;
      if (UnitHash(opt.seed, s.u, c, kOutsiderHash) < chance) s.assigned.push_back(c);
    }
  }
  SortUnique(&s.assigned);
  for (int c : s.assigned)
    if (UnitHash(opt.seed, s.u, c, kControlHash) < opt.holdout_share) s.controls.push_back(c);
  if (!s.controls.empty()) PlanAll(w, s);
  s.reached.clear();
  for (const SimEvent& e : s.planned)
    if (e.campaign >= 0) s.reached.push_back(e.campaign);
  SortUnique(&s.reached);
}

// What each campaign that assigned or reached the user caused: the outcome with the campaign (as a
// treatment member would be shown it) against the outcome without it, from the same random numbers.
void TallyTruth(const World& w, const OutcomeJudge& judge, User& s, UsersOut* out) {
  s.evaluate = s.assigned;
  s.evaluate.insert(s.evaluate.end(), s.reached.begin(), s.reached.end());
  SortUnique(&s.evaluate);
  for (int c : s.evaluate) {
    const Campaign& cp = w.campaigns[static_cast<size_t>(c)];
    const int x = kCategories[static_cast<size_t>(w.brands[static_cast<size_t>(cp.brand)].category)].cycle;
    s.suppressed = s.controls;
    s.suppressed.erase(std::remove(s.suppressed.begin(), s.suppressed.end(), c), s.suppressed.end());
    BrandEvents(w, s, cp.brand, s.suppressed, &s.with);
    s.suppressed.push_back(c);
    BrandEvents(w, s, cp.brand, s.suppressed, &s.without);
    const int end = std::min(cp.end + x, w.days - 1);
    const Outcome a = judge.Judge(s.with, cp.spu, cp.start, end);
    const Outcome b = judge.Judge(s.without, cp.spu, cp.start, end);
    CampaignTally& tally = out->campaigns[static_cast<size_t>(c)];
    auto add = [&](std::array<int64_t, kTruthStages>& sums, int64_t& gmv) {
      for (int k = 0; k < kTruthStages; ++k)
        sums[static_cast<size_t>(k)] += ((a.converted >> k) & 1) - ((b.converted >> k) & 1);
      gmv += a.gmv_cents - b.gmv_cents;
    };
    if (Contains(s.assigned, c)) {
      ++(Contains(s.controls, c) ? tally.control : tally.treatment);
      if (!Contains(s.brands, cp.brand)) ++tally.assigned_without_events;
      add(tally.itt, tally.itt_gmv_cents);
    }
    if (Contains(s.reached, c)) {
      ++tally.reached;
      add(tally.matched, tally.matched_gmv_cents);
    }
  }
}

}  // namespace

void InitUsersOut(const World& w, UsersOut* out) {
  out->campaigns.assign(w.campaigns.size(), CampaignTally{});
  out->plants.Init(w);
}

void SimulateUsers(const SimOptions& opt, const World& w, Day start, uint64_t u_begin, uint64_t u_end,
                   EventWriter& events, UsersOut* out) {
  const OutcomeJudge judge;
  User s;
  for (uint64_t u = u_begin; u < u_end; ++u) {
    Rng rng(opt.seed * 1000003 + u);                               // categories, brands, journeys
    Rng traits(u, opt.seed * 0xD1B54A32D192ED03ull + 0x7A175ull);  // dormant, intent
    Rng emit(u, opt.seed * 0xD6E8FEB86659FD93ull + 0xE1ull);       // times of day, notes, retries
    s.u = u;
    s.id = fmt::format("u{}", u + 1);
    DrawUser(opt, w, start, rng, traits, s, out);
    AssignAndPlan(opt, w, s);
    for (size_t j = 0, at = 0; j < s.journeys.size(); at = s.ends[j], ++j)
      for (size_t i = at; i < s.ends[j]; ++i) events.Emit(emit, s.id, w, s.journeys[j].brand, s.planned[i]);
    for (int c : s.assigned) {
      out->experiments += fmt::format("{},{},{}\n", w.campaigns[static_cast<size_t>(c)].name, s.id,
                                      Contains(s.controls, c) ? "control" : "treatment");
      ++out->assignments;
    }
    TallyTruth(w, judge, s, out);
    // Realised segment mix of each brand's and category's users (truth.json's TGI hints).
    bool seen[kNumCategories] = {};
    for (int b : s.brands) {
      ++out->plants
            .brand_users[static_cast<size_t>(s.tags.segment) * w.brands.size() + static_cast<size_t>(b)];
      seen[w.brands[static_cast<size_t>(b)].category] = true;
    }
    for (int c = 0; c < kNumCategories; ++c)
      if (seen[c]) ++out->plants.category_users[static_cast<size_t>(s.tags.segment * kNumCategories + c)];
    if (opt.bad_rows && rng.Below(opt.users) < opt.bad_rows)
      events.Bad(rng, s.id, w.brands[rng.Below(w.brands.size())],
                 static_cast<int>(rng.Below(static_cast<uint64_t>(w.days))));
  }
}

}  // namespace aips::sim
