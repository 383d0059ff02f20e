#include "render/render.h"

#include <cmath>

#include "common/json_writer.h"
#include "domain/domain.h"
#include "fmt/format.h"

namespace aips {

namespace {

void ScopeFields(JsonWriter& w, const ScopeRef& s) {
  w.Key("brand").String(s.brand).Key("spu").OptString(s.spu);
}

void StageObject(JsonWriter& w, const StageSizes& s) {
  w.BeginObject();
  for (int i = 0; i < kNumStages; ++i) w.Key(kStageCodes[i + 1]).Int(static_cast<int64_t>(s[i]));
  w.EndObject();
}

uint64_t Sum(const StageSizes& s) {
  uint64_t t = 0;
  for (auto v : s) t += v;
  return t;
}

std::string ScopeTitle(const ScopeRef& s) {
  return s.spu ? fmt::format("brand {} · SPU {}", s.brand, *s.spu) : fmt::format("brand {}", s.brand);
}

}  // namespace

std::string Pad(const std::string& s, size_t width, bool right) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += len >= 3 ? 2 : 1;
    i += len;
  }
  std::string pad(width > w ? width - w : 0, ' ');
  return right ? pad + s : s + pad;
}

namespace {

std::string StageLabel(int stage_code) {
  return fmt::format("{} {}", kStageCodes[stage_code], kStageNamesZh[stage_code]);
}

}  // namespace

std::string Thousands(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string MoneyText(double v) {
  const bool negative = v < 0;
  const auto cents = static_cast<uint64_t>(std::llround(std::fabs(v) * 100.0));
  return fmt::format("{}{}.{:02d}", negative ? "-" : "", Thousands(cents / 100), cents % 100);
}

std::string Percent(uint64_t num, uint64_t den) {
  if (den == 0) return "—";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(num) / static_cast<double>(den));
}

std::string ToJson(const StagesResult& r) {
  JsonWriter w;
  w.BeginObject();
  ScopeFields(w, r.scope);
  w.Key("date").String(FormatDate(r.date)).Key("stages");
  StageObject(w, r.stages);
  w.Key("total").Int(static_cast<int64_t>(r.total())).EndObject();
  return w.str();
}

std::string ToJson(const TrendResult& r) {
  JsonWriter w;
  w.BeginObject();
  ScopeFields(w, r.scope);
  w.Key("from").String(FormatDate(r.from)).Key("to").String(FormatDate(r.to)).Key("days").BeginArray();
  for (size_t i = 0; i < r.days.size(); ++i) {
    w.BeginObject().Key("date").String(FormatDate(r.from + static_cast<Day>(i))).Key("stages");
    StageObject(w, r.days[i]);
    w.Key("total").Int(static_cast<int64_t>(Sum(r.days[i]))).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

std::string ToJson(const FlowResult& r) {
  JsonWriter w;
  w.BeginObject();
  ScopeFields(w, r.scope);
  w.Key("from").String(FormatDate(r.from)).Key("to").String(FormatDate(r.to)).Key("matrix").BeginObject();
  for (int a = 0; a <= 5; ++a) {
    w.Key(kStageCodes[a]).BeginObject();
    for (int b = 0; b <= 5; ++b) w.Key(kStageCodes[b]).Int(static_cast<int64_t>(r.matrix[a][b]));
    w.EndObject();
  }
  w.EndObject();
  w.Key("new").Int(static_cast<int64_t>(r.new_)).Key("lost").Int(static_cast<int64_t>(r.lost));
  w.Key("deepened")
      .Int(static_cast<int64_t>(r.deepened))
      .Key("fell_back")
      .Int(static_cast<int64_t>(r.fell_back));
  // Rates: each cell over its from-row total (rows A..S; the none row has no finite total).
  w.Key("rates").BeginObject();
  for (int a = 1; a <= 5; ++a) {
    uint64_t row = 0;
    for (int b = 0; b <= 5; ++b) row += r.matrix[a][b];
    w.Key(kStageCodes[a]).BeginObject();
    for (int b = 0; b <= 5; ++b) {
      if (row == 0) {
        w.Key(kStageCodes[b]).Null();
      } else {
        w.Key(kStageCodes[b]).Double(static_cast<double>(r.matrix[a][b]) / static_cast<double>(row));
      }
    }
    w.EndObject();
  }
  w.EndObject().EndObject();
  return w.str();
}

std::string ToJson(const PenetrationResult& r) {
  JsonWriter w;
  w.BeginObject();
  ScopeFields(w, r.scope);
  w.Key("date").String(FormatDate(r.date));
  // null: the brand has no brands row, and its target crowd is its own users (docs/cli.md).
  w.Key("category").OptString(r.category_listed ? std::optional(r.category) : std::nullopt);
  w.Key("category_crowd").Int(static_cast<int64_t>(r.category_crowd));
  for (int i = 0; i < kNumStages; ++i) w.Key(kStageCodes[i + 1]).Int(static_cast<int64_t>(r.in_crowd[i]));
  w.Key("A+").Int(static_cast<int64_t>(r.a_plus())).Key("TI+").Int(static_cast<int64_t>(r.ti_plus()));
  w.Key("rates").BeginObject();
  auto rate = [&](const char* k, uint64_t v) {
    if (r.category_crowd == 0) {
      w.Key(k).Null();
    } else {
      w.Key(k).Double(static_cast<double>(v) / static_cast<double>(r.category_crowd));
    }
  };
  for (int i = 0; i < kNumStages; ++i) rate(kStageCodes[i + 1].data(), r.in_crowd[i]);
  rate("A+", r.a_plus());
  rate("TI+", r.ti_plus());
  w.EndObject().EndObject();
  return w.str();
}

std::string ToJson(const InfoResult& r) {
  JsonWriter w;
  w.BeginObject();
  w.Key("data_dir").String(r.data_dir).Key("timezone").String(r.timezone);
  w.Key("events").Int(static_cast<int64_t>(r.events));
  w.Key("events_counted")
      .String(r.events_of_tenant
                  ? "stored events of this key's brands, matched first-party orders included"
                  : "stored events, matched first-party orders included (each is a purchase event)");
  if (r.users_hidden) {
    w.Key("users")
        .Null()
        .Key("users_counted")
        .String("not shown: the platform's user count is for admin keys");
  } else {
    w.Key("users")
        .Int(static_cast<int64_t>(r.users))
        .Key("users_counted")
        .String(
            "distinct users aips knows: with an event, a user attributes row or an experiment assignment "
            "(erased users excluded)");
  }
  w.Key("first_day").OptString(r.first_day == kNoDay ? std::nullopt : std::optional(FormatDate(r.first_day)));
  w.Key("last_day").OptString(r.last_day == kNoDay ? std::nullopt : std::optional(FormatDate(r.last_day)));
  w.Key("days").BeginArray();
  for (Day d : r.days) w.String(FormatDate(d));
  w.EndArray();
  w.Key("brands").BeginArray();
  for (auto& b : r.brands) {
    w.BeginObject().Key("brand").String(b.name).Key("category").OptString(b.category);
    w.Key("spus").BeginArray();
    for (auto& s : b.spus) w.String(s);
    w.EndArray();
    w.Key("events").Int(static_cast<int64_t>(b.events));
    w.Key("first_day")
        .OptString(b.first_day == kNoDay ? std::nullopt : std::optional(FormatDate(b.first_day)));
    w.Key("last_day").OptString(b.last_day == kNoDay ? std::nullopt : std::optional(FormatDate(b.last_day)));
    w.Key("computed_through")
        .OptString(b.computed_through == kNoDay ? std::nullopt
                                                : std::optional(FormatDate(b.computed_through)));
    w.EndObject();
  }
  w.EndArray();
  w.Key("campaigns").BeginArray();
  for (auto& c : r.campaigns) w.String(c);
  w.EndArray();
  w.Key("categories").BeginArray();
  for (auto& [c, x] : r.categories)
    w.BeginObject().Key("category").String(c).Key("decision_cycle_days").Int(x).EndObject();
  w.EndArray();
  w.Key("rules").BeginObject().Key("source").String(r.rules_default ? "default" : "rules.toml");
  w.Key("toml").String(r.rules_toml).EndObject();
  w.EndObject();
  return w.str();
}

std::string ToTable(const StagesResult& r) {
  std::string out =
      fmt::format("人群资产 crowd asset · {} · {}\n\n", ScopeTitle(r.scope), FormatDate(r.date));
  out += fmt::format("  {}  {}  {}\n", Pad("stage", 16), Pad("users", 12, true), Pad("share", 7, true));
  for (int i = 0; i < kNumStages; ++i) {
    out += fmt::format("  {}  {}  {}\n", Pad(StageLabel(i + 1), 16), Pad(Thousands(r.stages[i]), 12, true),
                       Pad(Percent(r.stages[i], r.total()), 7, true));
  }
  out += fmt::format("  {}  {}\n", Pad("total 资产总量", 16), Pad(Thousands(r.total()), 12, true));
  return out;
}

std::string ToTable(const TrendResult& r) {
  std::string out = fmt::format("人群资产趋势 trend · {} · {} .. {}\n\n", ScopeTitle(r.scope),
                                FormatDate(r.from), FormatDate(r.to));
  out += "  " + Pad("date", 10);
  for (int i = 1; i <= 5; ++i) out += "  " + Pad(std::string(kStageCodes[i]), 9, true);
  out += "  " + Pad("total", 10, true) + "\n";
  for (size_t d = 0; d < r.days.size(); ++d) {
    out += "  " + FormatDate(r.from + static_cast<Day>(d));
    for (int i = 0; i < 5; ++i) out += "  " + Pad(Thousands(r.days[d][i]), 9, true);
    out += "  " + Pad(Thousands(Sum(r.days[d])), 10, true) + "\n";
  }
  return out;
}

std::string ToTable(const FlowResult& r) {
  std::string out = fmt::format("人群流转 crowd flow · {} · {} → {}\n\n", ScopeTitle(r.scope),
                                FormatDate(r.from), FormatDate(r.to));
  out += "  " + Pad("from \\ to", 12);
  for (int b = 0; b <= 5; ++b) out += "  " + Pad(std::string(kStageCodes[b]), 9, true);
  out += "\n";
  for (int a = 0; a <= 5; ++a) {
    out += "  " + Pad(std::string(kStageCodes[a]), 12);
    for (int b = 0; b <= 5; ++b)
      out += "  " + Pad(a == 0 && b == 0 ? "·" : Thousands(r.matrix[a][b]), 9, true);
    out += "\n";
  }
  out += fmt::format("\n  新增 new {}   流失 lost {}   加深 deepened {}   回落 fell back {}\n",
                     Thousands(r.new_), Thousands(r.lost), Thousands(r.deepened), Thousands(r.fell_back));
  return out;
}

std::string ToTable(const PenetrationResult& r) {
  std::string out = fmt::format("渗透率 penetration · {} · {}\n", ScopeTitle(r.scope), FormatDate(r.date));
  out += r.category_listed
             ? fmt::format("target: category crowd of '{}' (30 days): {} users\n\n", r.category,
                           Thousands(r.category_crowd))
             : fmt::format("target: the brand has no category (no brands row); its own crowd: {} users\n\n",
                           Thousands(r.category_crowd));
  for (int i = 0; i < kNumStages; ++i) {
    out += fmt::format("  {}  {}  {}\n", Pad(StageLabel(i + 1), 16), Pad(Thousands(r.in_crowd[i]), 12, true),
                       Pad(Percent(r.in_crowd[i], r.category_crowd), 7, true));
  }
  out += fmt::format("  {}  {}  {}\n", Pad("A+", 16), Pad(Thousands(r.a_plus()), 12, true),
                     Pad(Percent(r.a_plus(), r.category_crowd), 7, true));
  out += fmt::format("  {}  {}  {}\n", Pad("TI+", 16), Pad(Thousands(r.ti_plus()), 12, true),
                     Pad(Percent(r.ti_plus(), r.category_crowd), 7, true));
  out +=
      "\n  each stage counts only its members inside the category crowd (any qualifying action in the last\n"
      "  30 days), so S here can be smaller than on the stages table, where S lasts its own 365 days\n";
  return out;
}

std::string ToTable(const InfoResult& r) {
  std::string out = fmt::format("data directory {}\n", r.data_dir);
  out += fmt::format("  time zone   {}\n  events      {} (stored; matched first-party orders included)\n",
                     r.timezone, Thousands(r.events));
  out += fmt::format("  users       {}\n",
                     r.users_hidden ? "(admin keys only)" : Thousands(r.users) + " (distinct)");
  if (r.first_day != kNoDay) {
    out += fmt::format("  days        {} .. {} ({} days with events)\n", FormatDate(r.first_day),
                       FormatDate(r.last_day), r.days.size());
  }
  out += fmt::format("  rules       {}\n\n",
                     r.rules_default ? "defaults (docs/definitions.md#stage-rules)" : "rules.toml");
  out += fmt::format("  {}  {}  {}  {}  {}\n", Pad("brand", 20), Pad("category", 14), Pad("SPUs", 5, true),
                     Pad("events", 12, true), "days");
  for (auto& b : r.brands) {
    out +=
        fmt::format("  {}  {}  {}  {}  {}\n", Pad(b.name, 20), Pad(b.category.value_or("—"), 14),
                    Pad(std::to_string(b.spus.size()), 5, true), Pad(Thousands(b.events), 12, true),
                    b.first_day == kNoDay ? "—" : FormatDate(b.first_day) + " .. " + FormatDate(b.last_day));
  }
  out += fmt::format("\n  campaigns   {}\n", r.campaigns.size());
  for (auto& [c, x] : r.categories) out += fmt::format("  category    {} (decision cycle {} days)\n", c, x);
  return out;
}

}  // namespace aips
