#include "render/render_act.h"

#include <algorithm>
#include <cmath>

#include "common/json_writer.h"
#include "domain/domain.h"
#include "fmt/format.h"
#include "render/render.h"

namespace aips {

namespace {
SpectrumCell TierTotal(const SpectrumResult& r, int t) {
  SpectrumCell c;
  for (auto& cell : r.cells[static_cast<size_t>(t)]) c.users += cell.users, c.converted += cell.converted;
  return c;
}
}  // namespace

std::optional<double> BidMultiplier(const SpectrumResult& r, int tier) {
  SpectrumCell all;
  for (int t = 0; t < kNumTiers; ++t) {
    SpectrumCell c = TierTotal(r, t);
    all.users += c.users;
    all.converted += c.converted;
  }
  const SpectrumCell mine = TierTotal(r, tier);
  if (mine.users == 0 || all.converted == 0) return std::nullopt;
  const double rate = static_cast<double>(mine.converted) / static_cast<double>(mine.users);
  const double base = static_cast<double>(all.converted) / static_cast<double>(all.users);
  return std::round(std::clamp(rate / base, 0.5, 3.0) * 10) / 10;
}

std::string ToJson(const SpectrumResult& r) {
  JsonWriter w;
  w.BeginObject()
      .Key("brand")
      .String(r.brand)
      .Key("date")
      .String(FormatDate(r.date))
      .Key("x_days")
      .Int(r.x_days);
  w.Key("provisional")
      .Bool(r.provisional)
      .Key("high_value_gmv")
      .Double(r.high_value_gmv)
      .Key("tiers")
      .BeginArray();
  for (int t = 0; t < kNumTiers; ++t) {
    const SpectrumCell total = TierTotal(r, t);
    w.BeginObject().Key("tier").String(kTierNames[t]).Key("users").Int(static_cast<int64_t>(total.users));
    w.Key("converted").Int(static_cast<int64_t>(total.converted));
    w.Key("conversion_rate");
    if (total.users) {
      w.Double(static_cast<double>(total.converted) / static_cast<double>(total.users));
    } else {
      w.Null();
    }
    w.Key("bid_multiplier").OptDouble(BidMultiplier(r, t)).Key("stages").BeginObject();
    for (int s = 0; s <= kNumStages; ++s) {
      const SpectrumCell& c = r.cells[static_cast<size_t>(t)][static_cast<size_t>(s)];
      w.Key(kStageCodes[static_cast<size_t>(s)])
          .BeginObject()
          .Key("users")
          .Int(static_cast<int64_t>(c.users));
      w.Key("converted").Int(static_cast<int64_t>(c.converted)).EndObject();
    }
    w.EndObject().EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

std::string ToTable(const SpectrumResult& r) {
  std::string o = fmt::format(
      "一方光谱 first-party spectrum · brand {} · {} · conversion within {} days{}\n"
      "  (dated x days before the last day with data by default: the last day whose conversion window has "
      "closed)\n\n",
      r.brand, FormatDate(r.date), r.x_days, r.provisional ? " (provisional: the window is still open)" : "");
  o += fmt::format("  {:<12}", "tier");
  for (int s = 0; s <= kNumStages; ++s) o += fmt::format("{:>9}", kStageCodes[static_cast<size_t>(s)]);
  o += fmt::format("{:>10}{:>12}{:>8}\n", "users", "conversion", "bid ×");
  for (int t = 0; t < kNumTiers; ++t) {
    const SpectrumCell total = TierTotal(r, t);
    o += fmt::format("  {:<12}", kTierNames[t]);
    for (int s = 0; s <= kNumStages; ++s)
      o += fmt::format("{:>9}", Thousands(r.cells[static_cast<size_t>(t)][static_cast<size_t>(s)].users));
    auto m = BidMultiplier(r, t);
    o += fmt::format("{:>10}{:>12}{:>8}\n", Thousands(total.users), Percent(total.converted, total.users),
                     m ? fmt::format("{:.1f}", *m) : "—");
  }
  o += fmt::format(
      "\n  tiers: lapsed = last first-party order before date − 2x; high_value = 2+ orders and GMV ≥ {}\n"
      "  (80th percentile of repeat buyers); repeat = 2+ orders; one_time = 1 order; prospect = in the "
      "asset,\n"
      "  no first-party order in 365 days. bid × = tier conversion / all tiers' conversion, in [0.5, 3.0].\n",
      MoneyText(r.high_value_gmv));
  return o;
}

std::string ToJson(const LookalikeResult& r) {
  JsonWriter w;
  w.BeginObject().Key("date").String(FormatDate(r.date)).Key("window_days").Int(r.window_days);
  w.Key("seed").Int(static_cast<int64_t>(r.seed)).Key("candidates").Int(static_cast<int64_t>(r.candidates));
  w.Key("tiers").BeginArray();
  for (auto& t : r.tiers) {
    w.BeginObject()
        .Key("name")
        .String(t.name)
        .Key("size")
        .Int(static_cast<int64_t>(t.size))
        .Key("min_score")
        .Double(t.min_score)
        .EndObject();
  }
  w.EndArray().Key("top_features").BeginArray();
  for (auto& [f, wt] : r.top_features)
    w.BeginObject().Key("feature").String(f).Key("weight").Double(wt).EndObject();
  w.EndArray().EndObject();
  return w.str();
}

std::string ToTable(const LookalikeResult& r) {
  std::string o = fmt::format(
      "人群反漏斗 lookalike tiers · seed {} users · {} candidates · behaviour over {} days to {}\n\n",
      Thousands(r.seed), Thousands(r.candidates), r.window_days, FormatDate(r.date));
  for (auto& t : r.tiers)
    o += fmt::format("  {:<16}{:>10} {}   score ≥ {:.2f}\n", t.name, Thousands(t.size),
                     t.size == 1 ? "user " : "users", t.min_score);
  o += "\n  most telling behaviours (log-lift in the seed over the population):\n";
  for (auto& [f, wt] : r.top_features) o += fmt::format("    {:<36}{:>7.2f}\n", f, wt);
  return o;
}

std::string ToJson(const CorrectionResult& r) {
  JsonWriter w;
  w.BeginObject()
      .Key("campaign")
      .String(r.campaign)
      .Key("brand")
      .String(r.brand)
      .Key("target")
      .String(r.target);
  w.Key("target_size")
      .Int(static_cast<int64_t>(r.target_size))
      .Key("threshold")
      .Double(r.threshold)
      .Key("days")
      .BeginArray();
  for (auto& d : r.days) {
    w.BeginObject().Key("date").String(FormatDate(d.day)).Key("reached").Int(static_cast<int64_t>(d.reached));
    w.Key("on_target").Int(static_cast<int64_t>(d.on_target)).Key("on_target_share");
    if (d.reached) {
      w.Double(static_cast<double>(d.on_target) / static_cast<double>(d.reached));
    } else {
      w.Null();
    }
    for (auto [key, mix] :
         {std::pair{"reached_mix", &d.reached_mix}, std::pair{"target_mix", &d.target_mix}}) {
      w.Key(key).BeginObject();
      for (int s = 0; s <= kNumStages; ++s)
        w.Key(kStageCodes[static_cast<size_t>(s)]).Int(static_cast<int64_t>((*mix)[static_cast<size_t>(s)]));
      w.EndObject();
    }
    w.Key("drifting").BeginArray();
    for (auto& [tag, index] : d.drifting)
      w.BeginObject().Key("segment").String(tag).Key("index").Double(index).EndObject();
    w.EndArray().EndObject();
  }
  w.EndArray().Key("segments").BeginArray();
  for (auto& [tag, sr, st] : r.segments) {
    w.BeginObject()
        .Key("segment")
        .String(tag)
        .Key("share_reached")
        .Double(sr)
        .Key("share_target")
        .Double(st)
        .EndObject();
  }
  w.EndArray().Key("exclusion").BeginObject().Key("expr").String(r.exclusion);
  w.Key("size").Int(static_cast<int64_t>(r.exclusion_size)).EndObject().EndObject();
  return w.str();
}

std::string ToTable(const CorrectionResult& r) {
  std::string o =
      fmt::format("人群纠偏 crowd correction · campaign {} · brand {}\n  target ({} users): {}\n\n",
                  r.campaign, r.brand, Thousands(r.target_size), r.target);
  o += fmt::format("  {:<12}{:>10}{:>11}{:>9}   {}\n", "day", "reached", "on target", "share",
                   "segments below the threshold");
  for (auto& d : r.days) {
    std::string drift;
    for (auto& [tag, idx] : d.drifting)
      drift += fmt::format("{}{} ({:.2f})", drift.empty() ? "" : ", ", tag, idx);
    o += fmt::format("  {:<12}{:>10}{:>11}{:>9}   {}\n", FormatDate(d.day), Thousands(d.reached),
                     Thousands(d.on_target), Percent(d.on_target, d.reached), drift.empty() ? "—" : drift);
  }
  o +=
      fmt::format("\n  suggested exclusion crowd ({} users): {}\n", Thousands(r.exclusion_size), r.exclusion);
  o += fmt::format(
      "  a segment drifts when its share in the reached crowd falls below {:.0f}% of its share in the "
      "target\n",
      100 * r.threshold);
  return o;
}

}  // namespace aips
