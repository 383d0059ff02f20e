#include "ingest/side_rows.h"

#include "common/date.h"
#include "common/decimal.h"
#include "common/json_writer.h"
#include "fmt/format.h"
#include "ingest/hashed_id.h"

namespace aips {

bool CheckColumns(TableKind kind, const InputRow& row, RowError* err) {
  const TableSchema& schema = SchemaOf(kind);
  if (!row.error.empty()) {
    err->field = row.error_field;
    err->reason = row.error;
    return false;
  }
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    std::string_view v = row.present[c] ? row.value[c] : std::string_view();
    std::string problem;
    if (v.size() > (schema.columns[c] == "topics" ? 16 * kMaxFieldBytes : kMaxFieldBytes))
      problem = "too long";
    else if (!IsValidUtf8(v))
      problem = "not valid UTF-8";
    else if (schema.required[c] && v.empty())
      problem = "missing required field";
    else
      problem = ForbiddenCharProblem(v);
    if (!problem.empty()) {
      err->field = std::string(schema.columns[c]);
      err->reason = std::move(problem);
      return false;
    }
  }
  return true;
}

std::string_view ColumnValue(TableKind kind, const InputRow& row, std::string_view name) {
  const TableSchema& schema = SchemaOf(kind);
  for (size_t c = 0; c < schema.columns.size(); ++c)
    if (schema.columns[c] == name) return row.present[c] ? row.value[c] : std::string_view();
  return {};
}

SideOutcome ApplySideRow(TableKind kind, const InputRow& row, Catalog* catalog, RowError* err) {
  const TableSchema& schema = SchemaOf(kind);
  auto reject = [&](std::string_view field, std::string_view reason) {
    err->field = std::string(field);
    err->reason = std::string(reason);
    return SideOutcome::kRejected;
  };
  if (!CheckColumns(kind, row, err)) return SideOutcome::kRejected;
  std::vector<std::string_view> v(schema.columns.size());
  for (size_t c = 0; c < schema.columns.size(); ++c)
    v[c] = row.present[c] ? row.value[c] : std::string_view();
  bool changed = false;
  auto set = [&](auto& map, const auto& key, const auto& value) {
    auto it = map.find(key);
    if (it != map.end() && it->second == value) return;
    map[key] = value;
    changed = true;
  };
  switch (kind) {
    case TableKind::kCategories: {
      int64_t x = 0;
      bool ok = !v[1].empty() && v[1].size() <= 5;
      for (char c : v[1]) ok &= c >= '0' && c <= '9', x = x * 10 + (c - '0');
      if (!ok || x < 1 || x > 3650) return reject("decision_cycle_days", "must be an integer in [1, 3650]");
      set(catalog->decision_cycle_days, std::string(v[0]), static_cast<int>(x));
      break;
    }
    case TableKind::kBrands:
      set(catalog->brand_category, std::string(v[0]), std::string(v[1]));
      break;
    case TableKind::kCampaigns: {
      auto start = ParseDate(v[3]);
      if (!start.ok()) return reject("start", start.status().message());
      auto end = ParseDate(v[4]);
      if (!end.ok()) return reject("end", end.status().message());
      if (end.value() < start.value()) return reject("end", "before start");
      set(catalog->campaigns, std::string(v[0]),
          CampaignInfo{std::string(v[1]), std::string(v[2]), *start, *end});
      break;
    }
    case TableKind::kSpend: {
      auto date = ParseDate(v[1]);
      if (!date.ok()) return reject("date", date.status().message());
      auto amount = ParseDecimal(v[2]);
      if (!amount.ok()) return reject("spend", amount.status().message());
      if (amount.value() < 0) return reject("spend", "negative spend");
      set(catalog->spend, std::make_pair(std::string(v[0]), date.value()), amount.value());
      break;
    }
    case TableKind::kEvents:
    case TableKind::kOrders:
    case TableKind::kIdentity:
    case TableKind::kAttributes:
    case TableKind::kNotes:
    case TableKind::kMessages:
    case TableKind::kAccounts:
    case TableKind::kExperiments:
      return reject("", fmt::format("not a side table: {}", TableKindName(kind)));
  }
  return changed ? SideOutcome::kChanged : SideOutcome::kUnchanged;
}

bool ParseFirstPartyRow(TableKind kind, const InputRow& row, FirstPartyRow* out, RowError* err) {
  err->redact = false;
  auto reject = [&](std::string_view field, std::string_view reason, bool clear_text = false) {
    err->field = std::string(field);
    err->reason = std::string(reason);
    err->redact = clear_text;
    return false;
  };
  if (!row.error.empty()) return reject(row.error_field, row.error);
  auto col = [&](std::string_view name) { return ColumnValue(kind, row, name); };
  // Privacy first: a clear-text identifier is never stored, not even in the reject file.
  const HashCheck hc = CheckIdHash(col("id_hash"));
  if (hc.privacy) return reject("id_hash", hc.reason, true);
  if (!IsValidUtf8(row.raw)) return reject("", "not valid UTF-8");
  if (!CheckColumns(kind, row, err)) return false;
  auto type = ParseIdType(col("id_type"));
  if (!type) return reject("id_type", "unknown id_type (phone_sha256, oaid_sha256 or idfa_sha256)");
  if (!hc.ok) return reject("id_hash", hc.reason);
  out->id_type = std::string(col("id_type"));
  out->id_hash = std::string(col("id_hash"));
  out->key = IdentityKey(static_cast<uint8_t>(*type), col("id_hash"));
  if (kind == TableKind::kIdentity) {
    out->user = std::string(col("user_id"));
    return true;
  }
  auto ts = ParseTimestamp(col("ts"));
  if (!ts.ok()) return reject("ts", ts.status().message());
  auto amount = ParseDecimal(col("amount"));
  if (!amount.ok()) return reject("amount", amount.status().message());
  if (amount.value() < 0) return reject("amount", "negative amount");
  out->order_id = std::string(col("order_id"));
  out->order =
      PendingOrder{out->key, ts.value(), std::string(col("brand")), std::string(col("spu")), amount.value()};
  return true;
}

std::string RejectedRowText(const InputRow& row, bool redact) {
  std::string raw;
  std::string_view r = redact                  ? std::string_view("[redacted: clear-text identifier]")
                       : row.raw.size() > 4096 ? row.raw.substr(0, 4096)
                                               : row.raw;
  if (IsValidUtf8(r)) {
    raw.assign(r);
  } else {
    for (unsigned char c : r)
      raw += c < 0x80 ? std::string(1, static_cast<char>(c)) : fmt::format("\\x{:02x}", c);
  }
  return raw;
}

std::string RejectRecord(const std::string& source, const InputRow& row, std::string_view field,
                         std::string_view reason, bool redact) {
  JsonWriter w;
  w.BeginObject().Key("source").String(source).Key("line").Int(static_cast<int64_t>(row.line));
  w.Key("field").String(field).Key("reason").String(reason);
  w.Key("row").String(RejectedRowText(row, redact)).EndObject();
  return w.str();
}

}  // namespace aips
