// The input tables of docs/input.md: which kinds exist, their columns, and how a kind is recognised
// from a CSV header.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aips {

enum class TableKind : unsigned char {
  kEvents,
  kCategories,
  kBrands,
  kCampaigns,
  kSpend,
  kOrders,
  kIdentity,
  kAttributes,
  kNotes,       // content metadata (issue #9)
  kMessages,    // private-message consultations
  kAccounts,    // the accounts that answer them
  kExperiments  // holdout assignments (issue #17): campaign, user, treatment or control
};

std::string_view TableKindName(TableKind k);
// Notes, messages and accounts (issue #9): kept by the embedded store only.
inline bool IsContentKind(TableKind k) {
  return k == TableKind::kNotes || k == TableKind::kMessages || k == TableKind::kAccounts;
}
std::optional<TableKind> ParseTableKind(std::string_view name);

// Column lists (required first). Unknown columns in an input are ignored.
struct TableSchema {
  TableKind kind;
  std::vector<std::string_view> columns;
  std::vector<bool> required;
};
const TableSchema& SchemaOf(TableKind k);
// Every table ingest recognises, one line each: "  events       event_id, ts*, user_id*, ..." (* required).
std::string TablesHelp();

// Recognises a table from its header's column names; nullopt when no kind fits.
std::optional<TableKind> DetectKind(const std::vector<std::string>& header);

// The event columns, in the order of TableSchema(kEvents).columns.
enum EventField : int {
  kFieldEventId = 0,
  kFieldTs,
  kFieldUserId,
  kFieldBrand,
  kFieldSpu,
  kFieldAction,
  kFieldCampaign,
  kFieldNote,
  kFieldAmount,
  kFieldChannel,
  kFieldSentiment,
  kNumEventFields
};

}  // namespace aips
