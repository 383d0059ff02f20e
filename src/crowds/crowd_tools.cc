#include "crowds/crowd_tools.h"

#include <ctime>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"
#include "common/json_writer.h"
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

Result<std::string> ExportCrowd(EmbeddedEngine& engine, const Roaring& members, const std::string& salt,
                                size_t min_size) {
  const uint64_t n = members.cardinality();
  if (n < min_size) {
    return Status::InvalidArgument(
        fmt::format("the crowd has {} users, below the minimum export size of {}: refused (user-level "
                    "results of small crowds are not released)",
                    n, min_size));
  }
  std::string out = salt.empty() ? "user_id\n" : "id_sha256\n";
  for (uint32_t u : members) {
    AIPS_ASSIGN_OR_RETURN(std::string id, engine.UserName(u));
    out += salt.empty() ? id : Sha256Hex(salt + ":" + id);
    out += '\n';
  }
  return out;
}

Result<PortraitResult> PortraitOf(EmbeddedEngine& engine, const std::string& expr, const Roaring& members,
                                  const std::string& category, std::optional<Day> date) {
  std::string cat = category;
  if (cat.empty()) {
    AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(expr));
    std::vector<std::string> brands, campaigns, crowds;
    CollectNames(*node, &brands, &campaigns, &crowds);
    if (brands.empty())
      return Status::InvalidArgument("the expression names no brand: give the portrait's category");
    AIPS_ASSIGN_OR_RETURN(cat, engine.CategoryOf(brands[0]));
  }
  const Day day = date.value_or(engine.store().manifest().LastDay());
  return engine.Portrait(members, cat, day);
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

std::string CrowdCountJson(const Roaring& members, const std::string& expr) {
  JsonWriter w;
  w.BeginObject()
      .Key("count")
      .Int(static_cast<int64_t>(members.cardinality()))
      .Key("expr")
      .String(expr)
      .EndObject();
  return w.str();
}

SavedCrowd MakeSavedCrowd(const std::vector<SavedCrowd>& existing, const std::string& name,
                          const std::string& tenant, const std::string& definition, const Roaring& members) {
  SavedCrowd c;
  c.name = name;
  c.tenant = tenant;
  c.definition = definition;
  const SavedCrowd* prev = LatestCrowd(existing, tenant, name);
  c.version = prev ? prev->version + 1 : 1;
  c.saved_at = std::time(nullptr);
  c.size = members.cardinality();
  c.members.resize(members.getSizeInBytes(true));
  members.write(c.members.data(), true);
  return c;
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
