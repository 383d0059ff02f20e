// The answers of the core queries (AIPS.md §4), independent of the engine that computed them and of
// how they are printed (query/render.h). Stage arrays are indexed A=0 .. S=4.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"

namespace aips {

using StageSizes = std::array<uint64_t, 5>;

struct ScopeRef {
  std::string brand;
  std::optional<std::string> spu;
};

struct StagesResult {
  ScopeRef scope;
  Day date = kNoDay;
  StageSizes stages{};
  uint64_t total() const {
    uint64_t t = 0;
    for (auto v : stages) t += v;
    return t;
  }
};

struct TrendResult {
  ScopeRef scope;
  Day from = kNoDay, to = kNoDay;
  std::vector<StageSizes> days;  // days[i] is day from + i
};

struct FlowResult {
  ScopeRef scope;
  Day from = kNoDay, to = kNoDay;
  // matrix[a][b]: users at stage a on `from` and b on `to`; index 0 = none, 1..5 = A..S; [0][0] = 0.
  std::array<std::array<uint64_t, 6>, 6> matrix{};
  uint64_t new_ = 0, lost = 0, deepened = 0, fell_back = 0;
};

struct PenetrationResult {
  ScopeRef scope;
  Day date = kNoDay;
  std::string category;          // the target crowd's category ("brand:<name>" when the brand has none)
  bool category_listed = false;  // false: the brand has no brands row; its crowd is its own
  uint64_t category_crowd = 0;
  StageSizes in_crowd{};  // |stage set ∩ crowd|
  uint64_t a_plus() const { return in_crowd[0] + in_crowd[1] + in_crowd[2] + in_crowd[3] + in_crowd[4]; }
  uint64_t ti_plus() const { return in_crowd[2] + in_crowd[3] + in_crowd[4]; }
};

struct BrandSummary {
  std::string name;
  std::optional<std::string> category;
  std::vector<std::string> spus;
  uint64_t events = 0;
  Day first_day = kNoDay, last_day = kNoDay;
  Day computed_through = kNoDay;
};

struct InfoResult {
  std::string data_dir;
  std::string timezone;
  uint64_t events = 0, users = 0;
  Day first_day = kNoDay, last_day = kNoDay;
  std::vector<Day> days;  // days that have events
  std::vector<BrandSummary> brands;
  std::vector<std::string> campaigns;
  std::vector<std::pair<std::string, int>> categories;  // name, decision cycle
  std::string rules_toml;
  bool rules_default = true;
};

}  // namespace aips
