// Validation of the content and consultation tables (issue #9, docs/insights.md): a notes row, a message
// row, an accounts row. Same rules as every table (docs/input.md): UTF-8, no control characters, 1 KiB
// fields, clear-text personal identifiers refused (and redacted) in author and user.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/event_parser.h"
#include "ingest/row_source.h"
#include "store/content.h"

namespace aips {

// Splits a `|`-separated list (topics, tags): items trimmed of spaces, empty ones dropped, each kept once
// in input order.
std::vector<std::string> SplitBarList(std::string_view text);

bool ParseNoteRow(const InputRow& row, std::string* id, NoteRow* out, RowError* err);
bool ParseMessageRow(const InputRow& row, Message* out, RowError* err);
bool ParseAccountRow(const InputRow& row, std::string* id, Account* out, RowError* err);
// A user attributes row (docs/crowds.md): user_id and its `|`-separated tags (at most 256). The same
// checks for the embedded ingest and the ClickHouse loader.
bool ParseAttributesRow(const InputRow& row, std::string_view* user, std::vector<std::string>* tags,
                        RowError* err);
// An experiments row (docs/measures.md, "Lift"): campaign, user_id and group (`treatment` or `control`).
bool ParseExperimentRow(const InputRow& row, std::string_view* campaign, std::string_view* user,
                        bool* treatment, RowError* err);
// Why a row assigning a user to the other group of a campaign than the stored one is rejected.
std::string ExperimentConflictReason(bool treatment, std::string_view campaign);

}  // namespace aips
