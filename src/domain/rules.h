// The stage rule set (docs/definitions.md#stage-rules): for each stage the qualifying actions, window,
// minimum count and optional channel / sentiment filters; defaults overridable per category; the data
// directory's time zone. Read from DIR/rules.toml when present, else the compiled-in defaults
// (docs/rules.md).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"
#include "domain/domain.h"

namespace aips {

struct StageRule {
  uint32_t action_mask = 0;           // bit (1 << Action)
  int window_days = 30;               // W: the window as of day D is [D-W+1, D]
  int min_count = 1;                  // qualifying events needed inside the window
  std::vector<std::string> channels;  // empty: any channel
  uint8_t sentiment_mask = 0;         // bits (1 << Sentiment); 0: any (including none)

  bool operator==(const StageRule&) const = default;
};

struct RuleSet {
  std::array<StageRule, kNumStages> stages;  // index 0 = A ... 4 = S
  int crowd_window_days = 30;                // the category crowd of §4

  const StageRule& rule(Stage s) const { return stages[static_cast<int>(s) - 1]; }
  // Longest window of any stage and of the crowd: after it, every user of a scope is back to none.
  int MaxWindow() const;
  bool operator==(const RuleSet&) const = default;
};

struct Rules {
  std::string timezone = "Asia/Shanghai";
  RuleSet defaults;
  std::map<std::string, RuleSet> categories;  // overrides by category name

  const RuleSet& ForCategory(std::string_view category) const;
  // Canonical TOML text: parsing it gives equal rules.
  std::string ToToml() const;
  // Changes whenever the rules that apply to `category` (or the time zone) change.
  uint64_t Fingerprint(std::string_view category) const;
};

Rules DefaultRules();
// Parses and validates TOML rules. `source` names the file in errors ("rules.toml:12:3: ...").
Result<Rules> ParseRules(std::string_view toml_text, const std::string& source);
// DIR/rules.toml if it exists, else the defaults.
Result<Rules> LoadRules(const std::string& data_dir);
inline std::string RulesPath(const std::string& data_dir) { return data_dir + "/rules.toml"; }

}  // namespace aips
