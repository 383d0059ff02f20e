#include "crowds/crowd_tools.h"

#include <ctime>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"
#include "common/json_writer.h"
#include "engine/query_dates.h"
#include "fmt/format.h"

namespace aips {

Result<std::string> PresetExpression(const PresetArgs& a) {
  if (a.brand.empty()) return Status::InvalidArgument("a preset needs --brand");
  if (a.date == kNoDay) return Status::InvalidArgument("a preset needs a date");
  const std::string d = FormatDate(a.date);
  if (a.preset == "redelivery") {
    return fmt::format("stage(brand: \"{}\", date: \"{}\") in [TI]", a.brand, d);
  }
  if (a.preset == "lost") {
    const Day since = a.since == kNoDay ? a.date - 30 : a.since;
    if (since >= a.date) return Status::InvalidArgument("--since must be before the date");
    return fmt::format(
        "flowed(brand: \"{}\", from: \"{}\", to: \"{}\", from_stage: [A, I, TI, P, S], to_stage: [none])",
        a.brand, FormatDate(since), d);
  }
  if (a.preset == "conquest") {
    if (a.competitor.empty()) return Status::InvalidArgument("the conquest preset needs --competitor");
    return fmt::format(
        "stage(brand: \"{}\", date: \"{}\") in [TI, P, S] and not stage(brand: \"{}\", date: \"{}\") in [A, "
        "I, TI, P, S]",
        a.competitor, d, a.brand, d);
  }
  return Status::InvalidArgument(fmt::format("unknown preset '{}' (redelivery, lost or conquest)", a.preset));
}

Result<std::string> SelectionExpression(const CrowdSelection& sel, CatalogQueries& engine) {
  if (sel.expr.empty() == sel.preset.empty())
    return Status::InvalidArgument("give an expression or a preset");
  if (!sel.expr.empty()) return sel.expr;
  PresetArgs p{sel.preset, sel.brand, sel.competitor};
  AIPS_ASSIGN_OR_RETURN(auto days, engine.DataDays());
  AIPS_RETURN_IF_ERROR(CheckInData("date", sel.date, days));  // a preset's days, as every explicit date
  AIPS_RETURN_IF_ERROR(CheckInData("since", sel.since, days));
  p.date = sel.date.value_or(days.second);
  p.since = sel.since.value_or(kNoDay);
  return PresetExpression(p);
}

Result<std::vector<uint64_t>> ParseTierSizes(std::string_view text) {
  std::vector<uint64_t> sizes;
  for (absl::string_view s :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ',', absl::SkipEmpty())) {
    uint64_t v = 0;
    if (!absl::SimpleAtoi(s, &v) || v == 0)
      return Status::InvalidArgument("tiers take positive sizes, e.g. 1000,5000");
    sizes.push_back(v);
  }
  return sizes;
}

std::string CrowdCountJson(uint64_t count, const std::string& expr) {
  JsonWriter w;
  w.BeginObject().Key("count").Int(static_cast<int64_t>(count)).Key("expr").String(expr).EndObject();
  return w.str();
}

std::string SavedCrowdsJson(const std::vector<SavedCrowd>& crowds, const std::optional<std::string>& tenant) {
  JsonWriter w;
  w.BeginObject().Key("crowds").BeginArray();
  for (auto& c : crowds) {
    if (tenant && c.tenant != *tenant) continue;
    w.BeginObject().Key("name").String(c.name).Key("version").Int(c.version).Key("size").Int(
        static_cast<int64_t>(c.size));
    w.Key("tenant")
        .String(c.tenant)
        .Key("saved_at")
        .Int(c.saved_at)
        .Key("definition")
        .String(c.definition)
        .EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

}  // namespace aips
