// Crowd expressions (docs/crowds.md): a small language for sets of users, evaluated on bitmaps.
//
//   expr   := term ("or" term)*
//   term   := factor (("and" | "and not") factor)*
//   factor := "not" factor | "(" expr ")" | atom
//   atom   := stage(brand: "B" [, spu: "S"], date: "YYYY-MM-DD") in [A, I, TI, P, S]
//           | flowed(brand: "B" [, spu: "S"], from: "D0", to: "D1", from_stage: [..], to_stage: [..])
//           | reached(campaign: "C") | crowd("saved name") | segment("tag") | tier(brand: "B", tier: "T")
//
// `and` binds tighter than `or`; `none` may appear in from_stage / to_stage. Parse errors name the line
// and column ("1:17: expected ']'").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aips/status.h"
#include "common/date.h"

namespace aips {

struct CrowdNode {
  enum class Kind { kOr, kAnd, kAndNot, kNot, kStage, kFlowed, kReached, kCrowd, kSegment, kTier };
  Kind kind;
  std::vector<std::unique_ptr<CrowdNode>> children;  // kOr/kAnd/kAndNot: 2, kNot: 1
  // Atoms.
  std::string brand, spu, name;  // name: campaign, saved crowd, segment tag or tier
  Day date = kNoDay, from = kNoDay, to = kNoDay;
  std::vector<int> stages, from_stages, to_stages;  // 0 = none, 1..5 = A..S
};

Result<std::unique_ptr<CrowdNode>> ParseCrowdExpr(std::string_view text);

// Every brand an expression names (for access control), and the campaigns and saved crowds.
void CollectNames(const CrowdNode& n, std::vector<std::string>* brands, std::vector<std::string>* campaigns,
                  std::vector<std::string>* crowds);

// The category a portrait compares the crowd with: `given`, or else the category (`category_of`) of the
// first brand the expression names; InvalidArgument when it names none.
Result<std::string> PortraitCategory(
    const CrowdNode& expr, const std::string& given,
    const std::function<Result<std::string>(const std::string&)>& category_of);

// Exports (docs/crowds.md): InvalidArgument — user-level results of small crowds are not released — when
// a crowd of `members` users is below `min_size`; and the CSV header, id_sha256 when salted, else user_id.
Status CheckExportSize(uint64_t members, size_t min_size);
inline const char* ExportHeader(const std::string& salt) {
  return salt.empty() ? "user_id\n" : "id_sha256\n";
}

}  // namespace aips
