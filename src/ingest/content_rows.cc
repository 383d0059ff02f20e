#include "ingest/content_rows.h"

#include <algorithm>

#include "common/date.h"
#include "domain/domain.h"
#include "fmt/format.h"
#include "ingest/hashed_id.h"
#include "ingest/side_rows.h"
#include "ingest/tables.h"

namespace aips {

namespace {

bool Fail(RowError* err, std::string_view field, std::string reason, bool redact = false) {
  err->field = std::string(field);
  err->reason = std::move(reason);
  err->redact = redact;
  return false;
}

// Refuses a clear-text phone number or e-mail in a person field.
bool PersonField(std::string_view field, std::string_view v, RowError* err) {
  if (const char* what = ClearTextIdentifier(v))
    return Fail(
        err, field,
        fmt::format("privacy: {} holds {} in clear text; send the platform's user id. The row is not stored",
                    field, what),
        true);
  return true;
}

bool Timestamp(std::string_view v, int64_t* out, RowError* err) {
  auto ts = ParseTimestamp(v);
  if (!ts.ok()) return Fail(err, "ts", ts.status().message());
  *out = ts.value();
  return true;
}

}  // namespace

std::vector<std::string> SplitBarList(std::string_view text) {
  std::vector<std::string> list;
  for (size_t start = 0; !text.empty();) {
    const size_t bar = text.find('|', start);
    std::string_view t =
        text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (!t.empty() && std::find(list.begin(), list.end(), t) == list.end()) list.emplace_back(t);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return list;
}

bool ParseNoteRow(const InputRow& row, std::string* id, NoteRow* out, RowError* err) {
  constexpr TableKind k = TableKind::kNotes;
  if (!CheckColumns(k, row, err)) return false;
  *id = std::string(ColumnValue(k, row, "note"));
  out->author = std::string(ColumnValue(k, row, "author"));
  if (!out->author.empty() && !PersonField("author", out->author, err)) return false;
  if (!Timestamp(ColumnValue(k, row, "ts"), &out->ts, err)) return false;
  out->brand = std::string(ColumnValue(k, row, "brand"));
  out->spu = std::string(ColumnValue(k, row, "spu"));
  out->topics = SplitBarList(ColumnValue(k, row, "topics"));
  for (const std::string& t : out->topics)
    if (t.size() > 256) return Fail(err, "topics", "a topic longer than 256 bytes");
  if (out->topics.size() > 64) return Fail(err, "topics", "more than 64 topics");
  std::string_view sentiment = ColumnValue(k, row, "sentiment");
  out->sentiment = 0;
  if (!sentiment.empty()) {
    auto s = ParseSentiment(sentiment);
    if (!s)
      return Fail(err, "sentiment",
                  fmt::format("unknown sentiment '{}' (positive, neutral or negative)", sentiment));
    out->sentiment = static_cast<uint8_t>(*s);
  }
  std::string_view kind = ColumnValue(k, row, "kind");
  if (kind.empty() || kind == "image") {
    out->kind = 0;
  } else if (kind == "video") {
    out->kind = 1;
  } else {
    return Fail(err, "kind", fmt::format("unknown kind '{}' (image or video)", kind));
  }
  return true;
}

bool ParseMessageRow(const InputRow& row, Message* out, RowError* err) {
  constexpr TableKind k = TableKind::kMessages;
  if (!CheckColumns(k, row, err)) return false;
  out->conversation = std::string(ColumnValue(k, row, "conversation"));
  out->account = std::string(ColumnValue(k, row, "account"));
  out->user = std::string(ColumnValue(k, row, "user"));
  if (!PersonField("user", out->user, err)) return false;
  if (!Timestamp(ColumnValue(k, row, "ts"), &out->ts, err)) return false;
  std::string_view dir = ColumnValue(k, row, "direction");
  if (dir != "in" && dir != "out")
    return Fail(err, "direction", fmt::format("must be in or out, not '{}'", dir));
  out->out = dir == "out";
  std::string_view lead = ColumnValue(k, row, "lead");
  if (lead != "" && lead != "0" && lead != "1")
    return Fail(err, "lead", fmt::format("must be 1 or 0, not '{}'", lead));
  out->lead = lead == "1";
  return true;
}

bool ParseAccountRow(const InputRow& row, std::string* id, Account* out, RowError* err) {
  constexpr TableKind k = TableKind::kAccounts;
  if (!CheckColumns(k, row, err)) return false;
  *id = std::string(ColumnValue(k, row, "account"));
  std::string_view group = ColumnValue(k, row, "group");
  bool found = false;
  for (int g = 0; g < 3; ++g) {
    if (group == kAccountGroupNames[g]) {
      out->group = static_cast<AccountGroup>(g);
      found = true;
    }
  }
  if (!found)
    return Fail(err, "group", fmt::format("unknown group '{}' (headquarters, regional or staff)", group));
  out->campaign = std::string(ColumnValue(k, row, "campaign"));
  out->brand = std::string(ColumnValue(k, row, "brand"));
  return true;
}

bool ParseAttributesRow(const InputRow& row, std::string_view* user, std::vector<std::string>* tags,
                        RowError* err) {
  if (!row.error.empty()) return Fail(err, row.error_field, row.error);
  if (!IsValidUtf8(row.raw)) return Fail(err, "", "not valid UTF-8");
  *user = row.present[0] ? row.value[0] : std::string_view();
  std::string_view text = row.present[1] ? row.value[1] : std::string_view();
  if (user->empty()) return Fail(err, "user_id", "missing required field");
  if (user->size() > kMaxFieldBytes) return Fail(err, "user_id", "too long");
  if (std::string cc = ForbiddenCharProblem(*user); !cc.empty()) return Fail(err, "user_id", cc);
  if (text.size() > 64 * kMaxFieldBytes) return Fail(err, "tags", "too long");
  *tags = SplitBarList(text);
  if (tags->size() > 256) return Fail(err, "tags", "more than 256 tags");
  return true;
}

std::string ExperimentConflictReason(bool treatment, std::string_view campaign) {
  return fmt::format(
      "conflicts with the stored assignment of this user to the {} group of campaign '{}' (the first "
      "assignment stands)",
      treatment ? "control" : "treatment", campaign);
}

bool ParseExperimentRow(const InputRow& row, std::string_view* campaign, std::string_view* user,
                        bool* treatment, RowError* err) {
  constexpr TableKind k = TableKind::kExperiments;
  if (!CheckColumns(k, row, err)) return false;
  *campaign = ColumnValue(k, row, "campaign");
  *user = ColumnValue(k, row, "user_id");
  if (!PersonField("user_id", *user, err)) return false;
  const std::string_view group = ColumnValue(k, row, "group");
  if (group != "treatment" && group != "control")
    return Fail(err, "group", fmt::format("unknown group '{}' (treatment or control)", group));
  *treatment = group == "treatment";
  return true;
}

}  // namespace aips
