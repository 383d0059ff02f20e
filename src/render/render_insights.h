// Printing topic insights and consultation figures (docs/insights.md): JSON for programs, tables for people.
#pragma once

#include <string>

#include "engine/insight_results.h"

namespace aips {

// {"category","from","to","previous":{"from","to"},"topics":[{"topic","notes","engagements","growth",...}],
//  "top_notes":[...]} — the first four topic fields are the contract of issue #9.
std::string ToJson(const TopicsResult& r);
std::string ToTable(const TopicsResult& r);
// One account: {"account","group","from","to","conversations","replied_within_30s","reply_30s_rate","leads",
// ...}; all accounts: {"from","to","accounts":[...],"groups":[...]}.
std::string ToJson(const ConsultResult& r);
std::string ToTable(const ConsultResult& r);

}  // namespace aips
