#include "domain/rules.h"

#include <algorithm>

#include "common/bytes.h"
#include "common/date.h"
#include "common/file_util.h"
#include "fmt/format.h"
#include "toml++/toml.h"

namespace aips {

namespace {

uint32_t Mask(std::initializer_list<Action> as) {
  uint32_t m = 0;
  for (Action a : as) m |= 1u << static_cast<int>(a);
  return m;
}

std::string ListActions(uint32_t mask) {
  std::string out;
  for (int i = 0; i < kNumActions; ++i) {
    if (mask & (1u << i)) {
      if (!out.empty()) out += ", ";
      out += fmt::format("\"{}\"", kActionNames[i]);
    }
  }
  return out;
}

std::string Where(const toml::node& n, const std::string& source) {
  const auto& src = n.source();
  return fmt::format("{}:{}:{}", source, src.begin.line, src.begin.column);
}

Status ParseStageRule(const toml::table& t, const std::string& source, const std::string& path,
                      StageRule* r) {
  for (auto&& [k, v] : t) {
    std::string key(k.str());
    std::string where = Where(v, source);
    if (key == "actions") {
      const toml::array* arr = v.as_array();
      if (!arr || arr->empty())
        return Status::InvalidArgument(fmt::format("{}: {}.actions must be a non-empty list", where, path));
      uint32_t m = 0;
      for (auto&& a : *arr) {
        auto s = a.value<std::string>();
        auto act = s ? ParseAction(*s) : std::nullopt;
        if (!act)
          return Status::InvalidArgument(fmt::format("{}: {}.actions: unknown action {}", Where(a, source),
                                                     path, s ? "'" + *s + "'" : "(not a string)"));
        m |= 1u << static_cast<int>(*act);
      }
      r->action_mask = m;
    } else if (key == "window_days" || key == "min_count") {
      auto n = v.value<int64_t>();
      int64_t hi = key == "window_days" ? 3650 : 1000;
      if (!n || *n < 1 || *n > hi) {
        return Status::InvalidArgument(
            fmt::format("{}: {}.{} must be an integer in [1, {}]", where, path, key, hi));
      }
      (key == "window_days" ? r->window_days : r->min_count) = static_cast<int>(*n);
    } else if (key == "channels") {
      const toml::array* arr = v.as_array();
      if (!arr)
        return Status::InvalidArgument(fmt::format("{}: {}.channels must be a list of strings", where, path));
      r->channels.clear();
      for (auto&& c : *arr) {
        auto s = c.value<std::string>();
        if (!s || s->empty())
          return Status::InvalidArgument(
              fmt::format("{}: {}.channels must be a list of strings", Where(c, source), path));
        r->channels.push_back(*s);
      }
      std::sort(r->channels.begin(), r->channels.end());
    } else if (key == "sentiments") {
      const toml::array* arr = v.as_array();
      if (!arr) return Status::InvalidArgument(fmt::format("{}: {}.sentiments must be a list", where, path));
      uint8_t m = 0;
      for (auto&& c : *arr) {
        auto s = c.value<std::string>();
        auto sen = s ? ParseSentiment(*s) : std::nullopt;
        if (!sen)
          return Status::InvalidArgument(fmt::format(
              "{}: {}.sentiments: expected positive, neutral or negative", Where(c, source), path));
        m |= static_cast<uint8_t>(1u << static_cast<int>(*sen));
      }
      r->sentiment_mask = m;
    } else {
      return Status::InvalidArgument(fmt::format(
          "{}: unknown key '{}.{}' (expected actions, window_days, min_count, channels, sentiments)", where,
          path, key));
    }
  }
  return Status::OK();
}

Status ParseRuleSet(const toml::table& t, const std::string& source, const std::string& prefix,
                    bool allow_meta, RuleSet* rs) {
  for (auto&& [k, v] : t) {
    std::string key(k.str());
    std::string where = Where(v, source);
    if (key == "stages") {
      const toml::table* st = v.as_table();
      if (!st) return Status::InvalidArgument(fmt::format("{}: {}stages must be a table", where, prefix));
      for (auto&& [sk, sv] : *st) {
        auto stage = ParseStage(sk.str());
        if (!stage || *stage == Stage::kNone) {
          return Status::InvalidArgument(
              fmt::format("{}: unknown stage '{}' (A, I, TI, P or S)", Where(sv, source), sk.str()));
        }
        const toml::table* rt = sv.as_table();
        if (!rt)
          return Status::InvalidArgument(
              fmt::format("{}: {}stages.{} must be a table", Where(sv, source), prefix, sk.str()));
        AIPS_RETURN_IF_ERROR(ParseStageRule(*rt, source, fmt::format("{}stages.{}", prefix, sk.str()),
                                            &rs->stages[static_cast<int>(*stage) - 1]));
      }
    } else if (key == "crowd") {
      const toml::table* ct = v.as_table();
      if (!ct) return Status::InvalidArgument(fmt::format("{}: {}crowd must be a table", where, prefix));
      for (auto&& [ck, cv] : *ct) {
        auto n = cv.value<int64_t>();
        if (ck.str() != "window_days" || !n || *n < 1 || *n > 3650) {
          return Status::InvalidArgument(fmt::format("{}: {}crowd takes window_days, an integer in [1, 3650]",
                                                     Where(cv, source), prefix));
        }
        rs->crowd_window_days = static_cast<int>(*n);
      }
    } else if (!(allow_meta && (key == "timezone" || key == "categories"))) {
      return Status::InvalidArgument(fmt::format("{}: unknown key '{}{}'", where, prefix, key));
    }
  }
  return Status::OK();
}

void AppendRuleSet(const RuleSet& rs, const std::string& prefix, std::string* out) {
  *out += fmt::format("[{}crowd]\nwindow_days = {}\n\n", prefix, rs.crowd_window_days);
  for (int i = 0; i < kNumStages; ++i) {
    const StageRule& r = rs.stages[i];
    *out += fmt::format("[{}stages.{}]\nactions = [{}]\nwindow_days = {}\nmin_count = {}\n", prefix,
                        kStageCodes[i + 1], ListActions(r.action_mask), r.window_days, r.min_count);
    if (!r.channels.empty()) {
      std::string cs;
      for (auto& c : r.channels) cs += (cs.empty() ? "" : ", ") + fmt::format("\"{}\"", c);
      *out += fmt::format("channels = [{}]\n", cs);
    }
    if (r.sentiment_mask != 0) {
      std::string ss;
      for (int s = 1; s < 4; ++s)
        if (r.sentiment_mask & (1u << s))
          ss += (ss.empty() ? "" : ", ") + fmt::format("\"{}\"", kSentimentNames[s]);
      *out += fmt::format("sentiments = [{}]\n", ss);
    }
    *out += "\n";
  }
}

}  // namespace

int RuleSet::MaxWindow() const {
  int w = crowd_window_days;
  for (auto& r : stages) w = std::max(w, r.window_days);
  return w;
}

Rules DefaultRules() {
  Rules r;
  auto& st = r.defaults.stages;
  st[0] = {Mask({Action::kImpression}), 30, 1, {}, 0};
  st[1] = {Mask({Action::kClick, Action::kLike}), 30, 1, {}, 0};
  st[2] = {Mask({Action::kDeepRead, Action::kCollect, Action::kComment, Action::kShare, Action::kFollow,
                 Action::kScreenshot, Action::kSearch, Action::kProductClick, Action::kAddToCart,
                 Action::kStoreVisit}),
           30,
           1,
           {},
           0};
  st[3] = {Mask({Action::kPurchase}), 30, 1, {}, 0};
  st[4] = {Mask({Action::kPost}), 365, 1, {}, 0};
  r.defaults.crowd_window_days = 30;
  return r;
}

const RuleSet& Rules::ForCategory(std::string_view category) const {
  auto it = categories.find(std::string(category));
  return it == categories.end() ? defaults : it->second;
}

std::string Rules::ToToml() const {
  std::string out = fmt::format("timezone = \"{}\"\n\n", timezone);
  AppendRuleSet(defaults, "", &out);
  for (auto& [name, rs] : categories) {
    std::string quoted;
    AppendRuleSet(rs, fmt::format("categories.\"{}\".", name), &out);
  }
  return out;
}

uint64_t Rules::Fingerprint(std::string_view category) const {
  std::string text = "tz=" + timezone + "\n";
  AppendRuleSet(ForCategory(category), "", &text);
  return Hash64(text);
}

Result<Rules> ParseRules(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}", source, e.source().begin.line, e.source().begin.column, e.description()));
  }
  Rules rules = DefaultRules();
  if (auto tz = root["timezone"]) {
    auto s = tz.value<std::string>();
    if (!s)
      return Status::InvalidArgument(fmt::format("{}: timezone must be a string", Where(*tz.node(), source)));
    auto zone = LoadZone(*s);
    if (!zone.ok())
      return Status::InvalidArgument(
          fmt::format("{}: {}", Where(*tz.node(), source), zone.status().message()));
    rules.timezone = *s;
  }
  AIPS_RETURN_IF_ERROR(ParseRuleSet(root, source, "", true, &rules.defaults));
  if (auto cats = root["categories"]) {
    const toml::table* ct = cats.as_table();
    if (!ct)
      return Status::InvalidArgument(
          fmt::format("{}: categories must be a table", Where(*cats.node(), source)));
    for (auto&& [name, v] : *ct) {
      const toml::table* t = v.as_table();
      if (!t)
        return Status::InvalidArgument(
            fmt::format("{}: categories.{} must be a table", Where(v, source), name.str()));
      RuleSet rs = rules.defaults;  // a category overrides the defaults field by field
      AIPS_RETURN_IF_ERROR(ParseRuleSet(*t, source, fmt::format("categories.{}.", name.str()), false, &rs));
      rules.categories.emplace(std::string(name.str()), rs);
    }
  }
  return rules;
}

Result<Rules> LoadRules(const std::string& data_dir) {
  auto text = ReadFile(RulesPath(data_dir));
  if (!text.ok()) {
    if (text.status().IsNotFound()) return DefaultRules();
    return text.status();
  }
  return ParseRules(text.value(), RulesPath(data_dir));
}

}  // namespace aips
