#include "sim/simulator.h"

#include "sim/rng.h"
#include "sim/sim_content.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/file_util.h"
#include "domain/domain.h"
#include "fmt/format.h"

namespace aips {

namespace {

using sim::Rng;

struct CategoryDef {
  const char* name;
  const char* short_name;
  int cycle;
  double weight;  // share of users interested
  int price_lo, price_hi;
};

// Data, not logic: the demo world's categories, brands and their parameters.
constexpr CategoryDef kCategories[] = {
    {"face_serum", "serum", 29, 0.40, 129, 899}, {"baby_food", "babyfood", 70, 0.20, 39, 199},
    {"lipstick", "lipstick", 14, 0.25, 89, 399}, {"sunscreen", "sunscreen", 21, 0.25, 59, 259},
    {"coffee", "coffee", 30, 0.20, 19, 129},
};
constexpr int kNumCategories = 5;

struct Campaign {
  std::string name;
  int brand;
  int spu;         // -1: brand level
  int start, end;  // day offsets, inclusive
};

struct Brand {
  std::string name;
  uint64_t index = 0;  // position in World::brands
  int category;
  std::vector<std::string> spus;
  std::vector<int> prices;
  std::vector<int> campaigns;
  double popularity;
};

struct World {
  std::vector<Brand> brands;
  std::vector<std::vector<int>> brands_of_category;
  std::vector<Campaign> campaigns;
  std::vector<std::vector<int>> live;  // per brand: day -> campaign index live (or -1); flattened
  int days;
};

constexpr std::array<Action, 10> kDeepActions = {
    Action::kDeepRead,   Action::kCollect, Action::kComment,      Action::kShare,     Action::kFollow,
    Action::kScreenshot, Action::kSearch,  Action::kProductClick, Action::kAddToCart, Action::kStoreVisit};
constexpr double kDeepWeights[10] = {0.30, 0.20, 0.08, 0.05, 0.05, 0.03, 0.12, 0.09, 0.06, 0.02};

class EventWriter {
 public:
  EventWriter(FILE* f, Day start, const SimOptions& opt, uint64_t id_base)
      : f_(f), start_(start), opt_(opt), next_id_(id_base) {
    buf_.reserve(1 << 22);
  }
  ~EventWriter() { Flush(); }

  void Emit(Rng& rng, const std::string& user, const Brand& b, int spu, Action a, int day, int campaign,
            const World& w, int64_t amount_cents, int sentiment) {
    const int secs = static_cast<int>(rng.Below(86400));
    std::string line;
    line.reserve(160);
    char id[24];
    snprintf(id, sizeof id, "e%011llx", static_cast<unsigned long long>(next_id_++));
    line += id;
    line += ',';
    // Local time in UTC+08:00 (the default zone); written with its offset.
    std::string ts;
    AppendDate(start_ + day, &ts);
    char tbuf[32];
    snprintf(tbuf, sizeof tbuf, "T%02d:%02d:%02d+08:00", secs / 3600, secs / 60 % 60, secs % 60);
    line += ts;
    line += tbuf;
    line += ',';
    line += user;
    line += ',';
    line += b.name;
    line += ',';
    if (spu >= 0) line += b.spus[static_cast<size_t>(spu)];
    line += ',';
    line += ActionName(a);
    line += ',';
    if (campaign >= 0) line += w.campaigns[static_cast<size_t>(campaign)].name;
    line += ',';
    if (a != Action::kSearch && a != Action::kPurchase && a != Action::kStoreVisit) {
      // A note of this brand (notes.csv, sim/content.cc): later in the period more engagement goes to the
      // brand's trending notes, so that their topics rise.
      const uint64_t per_brand = NotesPerBrand(opt_.users);
      const bool trending = rng.Chance(kTrendShare * day / std::max(1, w.days));
      const uint64_t k = trending ? rng.Below(per_brand / 10) : rng.Below(per_brand);
      char note[24];
      snprintf(note, sizeof note, "n%llu", static_cast<unsigned long long>(b.index * per_brand + k));
      line += note;
    }
    line += ',';
    if (a == Action::kPurchase) {
      char amt[32];
      snprintf(amt, sizeof amt, "%lld.%02lld", static_cast<long long>(amount_cents / 100),
               static_cast<long long>(amount_cents % 100));
      line += amt;
    }
    line += ',';
    if (a == Action::kPurchase) {
      double u = rng.Uniform();
      line += u < 0.6 ? "onsite" : u < 0.8 ? "taobao" : u < 0.95 ? "jd" : "tmall";
    }
    line += ',';
    if (a == Action::kPost) line += kSentimentNames[static_cast<size_t>(sentiment)];
    line += '\n';
    buf_ += line;
    ++events_;
    if (rng.Chance(opt_.duplicate_rate)) {  // a retried delivery: the same row again
      buf_ += line;
      ++events_;
      ++duplicates_;
    }
    if (buf_.size() > (1 << 22)) Flush();
  }

  void Bad(Rng& rng, const std::string& user, const Brand& b, int day) {
    std::string d;
    AppendDate(start_ + day, &d);
    char id[24];
    snprintf(id, sizeof id, "e%011llx", static_cast<unsigned long long>(next_id_++));
    switch (rng.Below(6)) {
      case 0:
        buf_ += fmt::format("{},{}T10:00:00+08:00,,{},,click,,,,,\n", id, d, b.name);
        break;
      case 1:
        buf_ += fmt::format("{},{}T10:00:00+08:00,{},{},,view,,,,,\n", id, d, user, b.name);
        break;
      case 2:
        buf_ += fmt::format("{},{}T10:00:00,{},{},,click,,,,,\n", id, d, user, b.name);
        break;
      case 3:
        buf_ += fmt::format("{},{}T10:00:00+08:00,{},{},,purchase,,,-5.00,onsite,\n", id, d, user, b.name);
        break;
      case 4:
        buf_ += fmt::format("{},{}T10:00:00+08:00,{},{},,post,,n1,,,\n", id, d, user, b.name);
        break;
      default:
        buf_ += fmt::format("{},yesterday,{},{},,like,,,,,\n", id, user, b.name);
        break;
    }
    ++events_;
    ++bad_;
  }

  void Flush() {
    if (!buf_.empty()) fwrite(buf_.data(), 1, buf_.size(), f_);
    buf_.clear();
  }
  uint64_t events_ = 0, duplicates_ = 0, bad_ = 0;

 private:
  FILE* f_;
  Day start_;
  const SimOptions& opt_;
  uint64_t next_id_;
  std::string buf_;
};

int PickWeighted(Rng& rng, const double* w, int n) {
  double total = 0;
  for (int i = 0; i < n; ++i) total += w[i];
  double u = rng.Uniform() * total;
  for (int i = 0; i < n; ++i) {
    if (u < w[i]) return i;
    u -= w[i];
  }
  return n - 1;
}

int PickBrand(Rng& rng, const World& w, int category) {
  const auto& list = w.brands_of_category[static_cast<size_t>(category)];
  std::vector<double> wt;
  for (int b : list) wt.push_back(w.brands[static_cast<size_t>(b)].popularity);
  return list[static_cast<size_t>(PickWeighted(rng, wt.data(), static_cast<int>(wt.size())))];
}

// One user's relationship with one brand: exposure, maybe interest, deep interest, purchase, a post.
void Journey(Rng& rng, EventWriter& out, const World& w, const std::string& user, int bi, int t0) {
  const Brand& b = w.brands[static_cast<size_t>(bi)];
  const CategoryDef& cat = kCategories[b.category];
  const double x = cat.cycle;
  const int spu = rng.Chance(0.85) ? static_cast<int>(rng.Below(b.spus.size())) : -1;
  auto live = [&](int day) {
    return day >= 0 && day < w.days ? w.live[static_cast<size_t>(bi)][static_cast<size_t>(day)] : -1;
  };
  auto emit = [&](Action a, int day, int campaign, int64_t cents = 0, int sentiment = 0, int which_spu = -2) {
    if (day < 0 || day >= w.days) return;
    out.Emit(rng, user, b, which_spu == -2 ? spu : which_spu, a, day, campaign, w, cents, sentiment);
  };
  // Exposure: a few impressions over a few days; paid when a campaign of the brand is live.
  const int impressions = 1 + static_cast<int>(rng.Below(4));
  int day = t0;
  bool paid = false;
  int reach_campaign = -1;
  for (int i = 0; i < impressions; ++i) {
    int c = live(day);
    if (c >= 0 && rng.Chance(0.7)) {
      paid = true;
      reach_campaign = c;
    } else {
      c = -1;
    }
    emit(Action::kImpression, day, c);
    day += rng.Delay(2.0);
  }
  const double lift = paid ? 1.3 : 1.0;
  if (!rng.Chance(0.38 * lift)) return;
  day += rng.Delay(1.5);
  emit(rng.Chance(0.7) ? Action::kClick : Action::kLike, day,
       reach_campaign >= 0 && rng.Chance(0.6) ? reach_campaign : -1);
  if (!rng.Chance(0.45 * lift)) return;
  day += rng.Delay(x / 5);
  const int n_deep = 1 + static_cast<int>(rng.Below(3));
  for (int i = 0; i < n_deep; ++i) {
    Action a = kDeepActions[static_cast<size_t>(PickWeighted(rng, kDeepWeights, 10))];
    emit(a, day, -1, 0, 0, a == Action::kSearch && rng.Chance(0.5) ? -1 : -2);
    day += rng.Delay(2.0);
  }
  if (!rng.Chance(0.32)) return;
  day += rng.Delay(x / 2);
  const int s = spu >= 0 ? spu : static_cast<int>(rng.Below(b.spus.size()));
  const int64_t cents = int64_t{b.prices[static_cast<size_t>(s)]} * 100 * (rng.Chance(0.2) ? 2 : 1) -
                        (rng.Chance(0.3) ? 100 : 0);
  emit(Action::kPurchase, day, -1, std::max<int64_t>(cents, 0), 0, s);
  if (rng.Chance(0.25)) emit(Action::kPurchase, day + rng.Delay(x), -1, cents, 0, s);  // a repeat order
  if (!rng.Chance(0.15)) return;
  day += 2 + rng.Delay(5);
  double u = rng.Uniform();
  emit(Action::kPost, day, -1, 0, u < 0.7 ? 1 : u < 0.9 ? 2 : 3, s);
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
    const CategoryDef& cat = kCategories[b.category];
    b.name = fmt::format("{}-{:02d}", cat.short_name, ++per_cat[static_cast<size_t>(b.category)]);
    b.index = w.brands.size();
    const int n_spus = 3 + static_cast<int>(rng.Below(4));
    for (int s = 0; s < n_spus; ++s) {
      b.spus.push_back(fmt::format("{}-s{}", b.name, s + 1));
      b.prices.push_back(cat.price_lo +
                         static_cast<int>(rng.Below(static_cast<uint64_t>(cat.price_hi - cat.price_lo))));
    }
    b.popularity = 1.0 / std::pow(per_cat[static_cast<size_t>(b.category)], 0.8);
    w.brands_of_category[static_cast<size_t>(b.category)].push_back(i);
    w.brands.push_back(std::move(b));
  }
  w.live.assign(w.brands.size(), std::vector<int>(static_cast<size_t>(opt.days), -1));
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
      const int idx = static_cast<int>(w.campaigns.size());
      for (int d = cp.start; d <= cp.end; ++d) {
        if (w.live[bi][static_cast<size_t>(d)] < 0) w.live[bi][static_cast<size_t>(d)] = idx;
      }
      w.brands[bi].campaigns.push_back(idx);
      w.campaigns.push_back(cp);
    }
  }
  return w;
}

// A user's tags (user attributes table): gender, age band, city tier and a consumer segment, drawn with
// odds that depend on the user's main category, so that crowds have portraits worth reading.
void AppendTags(uint64_t seed, uint64_t u, const std::string& user, int main_cat, std::string* out) {
  Rng r(seed * 7919 + u * 31 + 17);
  const bool beauty = main_cat == 0 || main_cat == 2 || main_cat == 3;  // serum, lipstick, sunscreen
  const bool baby = main_cat == 1;
  const char* gender = r.Chance(beauty ? 0.82 : baby ? 0.75 : 0.5) ? "gender:female" : "gender:male";
  static const char* kAges[] = {"age:18-24", "age:25-34", "age:35-44", "age:45+"};
  const double age_w[4] = {main_cat == 2 ? 0.45 : 0.2, baby ? 0.6 : 0.4, 0.25, 0.1};
  static const char* kCities[] = {"city:tier1", "city:tier2", "city:tier3", "city:tier4"};
  const double city_w[4] = {main_cat == 4 ? 0.45 : 0.25, 0.3, 0.25, 0.15};
  const int age = PickWeighted(r, age_w, 4), city = PickWeighted(r, city_w, 4);
  const char* segment = baby        ? (r.Chance(0.7) ? "segment:精致妈妈" : "segment:都市白领")
                        : age == 0  ? "segment:Z世代"
                        : city >= 2 ? "segment:小镇青年"
                        : main_cat == 4 || r.Chance(0.5) ? "segment:都市白领"
                                                         : "segment:新锐白领";
  *out += fmt::format("{},{}|{}|{}|{}\n", user, gender, kAges[age], kCities[city], segment);
}

// First-party data: some users are also customers of a brand's own stores (orders keyed by a hashed
// phone number); the platform's identity map knows about 70 % of those phones.
struct FirstPartyOut {
  std::string orders, identity;
};
void AppendFirstParty(uint64_t seed, uint64_t u, const std::string& user, const World& w, int brand,
                      Day start, FirstPartyOut* out) {
  Rng r(seed * 104729 + u * 13 + 5);
  if (!r.Chance(0.08)) return;
  const Brand& b = w.brands[static_cast<size_t>(brand)];
  const std::string phone = fmt::format("86138{:08d}", u % 100000000);
  const std::string hash = Sha256Hex(phone);
  if (r.Chance(0.7)) out->identity += fmt::format("phone_sha256,{},{}\n", hash, user);
  const int orders = 1 + static_cast<int>(r.Below(4));
  int day = static_cast<int>(r.Below(static_cast<uint64_t>(w.days)));
  for (int i = 0; i < orders && day < w.days; ++i) {
    const int s = static_cast<int>(r.Below(b.spus.size()));
    std::string ts;
    AppendDate(start + day, &ts);
    out->orders += fmt::format("fp-{}-{},phone_sha256,{},{}T15:00:00+08:00,{},{},{}.00\n", u, i, hash, ts,
                               b.name, b.spus[static_cast<size_t>(s)], b.prices[static_cast<size_t>(s)]);
    day += 5 + r.Delay(kCategories[b.category].cycle);
  }
}

void SimulateUsers(const SimOptions& opt, const World& w, uint64_t u_begin, uint64_t u_end, EventWriter& out,
                   std::string* tags, FirstPartyOut* fp, Day start) {
  double cat_w[kNumCategories];
  for (int c = 0; c < kNumCategories; ++c) cat_w[c] = kCategories[c].weight;
  for (uint64_t u = u_begin; u < u_end; ++u) {
    Rng rng(opt.seed * 1000003 + u);
    const std::string user = fmt::format("u{}", u + 1);
    const int n_cats = 1 + (rng.Chance(0.35) ? 1 : 0);
    for (int k = 0; k < n_cats; ++k) {
      const int cat = PickWeighted(rng, cat_w, kNumCategories);
      if (k == 0) {
        AppendTags(opt.seed, u, user, cat, tags);
        AppendFirstParty(opt.seed, u, user, w, PickBrand(rng, w, cat), start, fp);
      }
      const int n_brands = 1 + static_cast<int>(rng.Below(3));
      for (int j = 0; j < n_brands; ++j) {
        const int b = PickBrand(rng, w, cat);
        const int t0 = static_cast<int>(rng.Below(static_cast<uint64_t>(w.days)));
        Journey(rng, out, w, user, b, t0);
        if (rng.Chance(0.3)) Journey(rng, out, w, user, b, t0 + 20 + static_cast<int>(rng.Below(40)));
      }
    }
    if (opt.bad_rows && rng.Below(opt.users) < opt.bad_rows)
      out.Bad(rng, user, w.brands[rng.Below(w.brands.size())],
              static_cast<int>(rng.Below(static_cast<uint64_t>(w.days))));
  }
}

Status WriteText(const std::string& path, const std::string& text) {
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) return Status::IOError(fmt::format("cannot create '{}'", path));
  size_t n = fwrite(text.data(), 1, text.size(), f);
  if (fclose(f) != 0 || n != text.size()) return Status::IOError(fmt::format("cannot write '{}'", path));
  return Status::OK();
}

}  // namespace

Result<SimResult> Simulate(const SimOptions& opt) {
  if (opt.users == 0 || opt.days < 1 || opt.days > 3650) {
    return Status::InvalidArgument("--users must be positive and --days in [1, 3650]");
  }
  AIPS_RETURN_IF_ERROR(MakeDirs(opt.out_dir));
  const Day start = opt.start == kNoDay ? DaysFromCivil(2024, 9, 1) : opt.start;
  int n_brands =
      opt.brands > 0 ? opt.brands : static_cast<int>(std::clamp<uint64_t>(opt.users / 20000, 15, 100));
  n_brands = std::max(n_brands, kNumCategories);
  World w = BuildWorld(opt, n_brands);
  SimResult res;
  res.brands = n_brands;
  res.first_brand = w.brands[0].name;
  for (auto& b : w.brands) res.spus += static_cast<int>(b.spus.size());
  res.campaigns = static_cast<int>(w.campaigns.size());

  // Side tables.
  std::string cats = "category,decision_cycle_days\n", brands = "brand,category\n";
  for (auto& c : kCategories) cats += fmt::format("{},{}\n", c.name, c.cycle);
  for (auto& b : w.brands) brands += fmt::format("{},{}\n", b.name, kCategories[b.category].name);
  std::string camps = "campaign,brand,spu,start,end\n", spend = "campaign,date,spend\n";
  Rng rng(opt.seed ^ 0x5EED5EEDull);
  for (auto& c : w.campaigns) {
    const Brand& b = w.brands[static_cast<size_t>(c.brand)];
    camps +=
        fmt::format("{},{},{},{},{}\n", c.name, b.name, c.spu >= 0 ? b.spus[static_cast<size_t>(c.spu)] : "",
                    FormatDate(start + c.start), FormatDate(start + c.end));
    for (int d = c.start; d <= c.end; ++d) {
      spend += fmt::format("{},{},{}.{:02d}\n", c.name, FormatDate(start + d), 2000 + rng.Below(18000),
                           rng.Below(100));
    }
  }
  // Notes, and a local-service merchant's accounts and messages (sim/sim_content.h).
  std::vector<ContentBrand> content;
  for (auto& b : w.brands) content.push_back({b.name, b.category, b.spus});
  ContentExtras extras;
  AIPS_RETURN_IF_ERROR(WriteContent(opt.out_dir, content, opt.users, opt.days, start, opt.seed, &extras));
  cats += "home_decoration,45\n";
  brands += extras.brands;
  camps += extras.campaigns;
  spend += extras.spend;
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/categories.csv", cats));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/brands.csv", brands));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/campaigns.csv", camps));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/spend.csv", spend));

  // Events: two threads, each a half of the users, the second half appended after the first.
  const std::string path = opt.out_dir + "/events.csv", part = opt.out_dir + "/events.csv.part";
  FILE* f0 = fopen(path.c_str(), "wb");
  FILE* f1 = fopen(part.c_str(), "w+b");
  if (!f0 || !f1) return Status::IOError(fmt::format("cannot create '{}'", path));
  fputs("event_id,ts,user_id,brand,spu,action,campaign,note,amount,channel,sentiment\n", f0);
  const uint64_t half = opt.users / 2;
  EventWriter w0(f0, start, opt, 0), w1(f1, start, opt, uint64_t{1} << 40);
  std::string tags0 = "user_id,tags\n", tags1;
  FirstPartyOut fp0{"order_id,id_type,id_hash,ts,brand,spu,amount\n", "id_type,id_hash,user_id\n"}, fp1;
  std::thread t([&] { SimulateUsers(opt, w, half, opt.users, w1, &tags1, &fp1, start); });
  SimulateUsers(opt, w, 0, half, w0, &tags0, &fp0, start);
  t.join();
  w0.Flush();
  w1.Flush();
  rewind(f1);
  std::vector<char> buf(1 << 22);
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f1)) > 0) fwrite(buf.data(), 1, n, f0);
  bool ok = fclose(f0) == 0;
  fclose(f1);
  std::remove(part.c_str());
  if (!ok) return Status::IOError(fmt::format("cannot write '{}'", path));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/user_attributes.csv", tags0 + tags1));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/orders.csv", fp0.orders + fp1.orders));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/identity.csv", fp0.identity + fp1.identity));
  res.events = w0.events_ + w1.events_;
  res.duplicates = w0.duplicates_ + w1.duplicates_;
  res.bad_rows = w0.bad_ + w1.bad_;
  return res;
}

}  // namespace aips
