#include "ingest/event_parser.h"
#include "ingest/row_source.h"

#include "common/date.h"
#include "common/decimal.h"
#include "fmt/format.h"
#include "ingest/hashed_id.h"
#include "simdjson.h"

namespace aips {

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

namespace {

std::string_view FieldName(int f) { return SchemaOf(TableKind::kEvents).columns[static_cast<size_t>(f)]; }

bool Fail(RowError* err, int field, std::string reason) {
  err->field = std::string(FieldName(field));
  err->reason = std::move(reason);
  return false;
}

std::string Shown(std::string_view v) {
  if (v.size() > 40) return std::string(v.substr(0, 40)) + "...";
  return std::string(v);
}

}  // namespace

std::string ForbiddenCharProblem(std::string_view s) {
  // A branch-free pass first (the compiler vectorises it); the rare flagged field is then described.
  // 0xEF leads U+F000..U+FFFF: fullwidth punctuation is common in Chinese names, the BOM (EF BB BF) is not.
  unsigned any = 0;
  for (unsigned char c : s)
    any |=
        static_cast<unsigned>(c < 0x20) | static_cast<unsigned>(c == 0x7F) | static_cast<unsigned>(c == 0xEF);
  if (any == 0) return {};
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0xEF) {
      if (s.substr(i, 3) == "\xEF\xBB\xBF") return "contains a byte-order mark (U+FEFF)";
      continue;
    }
    if (c >= 0x20 && c != 0x7F) continue;
    return c == 0 ? std::string("contains a NUL byte")
                  : fmt::format("contains control character 0x{:02X}", c);
  }
  return {};
}

// Long on purpose: every rejection rule of docs/input.md in the order they are documented, one pass per
// row on the ingest hot path, so that a reader can check the code against the list line by line.
bool ParseEvent(const RawEvent& raw, ParsedEvent* out, RowError* err) {
  // Generic checks on every present field: size, UTF-8, and strings where strings are required.
  for (int f = 0; f < kNumEventFields; ++f) {
    if (!raw.present[f]) continue;
    std::string_view v = raw.value[f];
    if (v.size() > kMaxFieldBytes) {
      return Fail(err, f, fmt::format("longer than {} bytes ({} bytes)", kMaxFieldBytes, v.size()));
    }
    if (!raw.utf8_checked && !IsValidUtf8(v)) return Fail(err, f, "not valid UTF-8");
    std::string cc = ForbiddenCharProblem(v);
    if (!cc.empty()) return Fail(err, f, cc);
  }
  auto get = [&](int f) -> std::string_view { return raw.present[f] ? raw.value[f] : std::string_view(); };
  auto required = [&](int f) -> bool {
    if (!raw.present[f] || raw.value[f].empty()) return Fail(err, f, "missing required field");
    return true;
  };

  if (!required(kFieldUserId)) return false;
  if (const char* what = ClearTextIdentifier(raw.value[kFieldUserId])) {
    err->redact = true;
    return Fail(
        err, kFieldUserId,
        fmt::format("privacy: user_id holds {} in clear text; send the platform's user id (or a hash). "
                    "The row is not stored",
                    what));
  }
  if (raw.is_number[kFieldUserId]) {
    std::string_view u = raw.value[kFieldUserId];
    bool integer = !u.empty();
    for (size_t i = 0; i < u.size(); ++i) integer &= (u[i] >= '0' && u[i] <= '9') || (i == 0 && u[i] == '-');
    if (!integer) return Fail(err, kFieldUserId, fmt::format("not an integer or a string: {}", Shown(u)));
  }
  if (!required(kFieldBrand) || !required(kFieldAction) || !required(kFieldTs)) return false;
  // Id-like fields may be JSON numbers (taken as their decimal text); these may not.
  for (int f : {kFieldAction, kFieldChannel, kFieldSentiment}) {
    if (raw.is_number[f]) return Fail(err, f, "must be a string");
  }

  auto action = ParseAction(raw.value[kFieldAction]);
  if (!action)
    return Fail(err, kFieldAction,
                fmt::format("unknown action '{}' (one of: {})", Shown(raw.value[kFieldAction]),
                            fmt::join(kActionNames, ", ")));
  out->action = *action;

  std::string_view ts_text = raw.value[kFieldTs];
  if (raw.is_number[kFieldTs]) {
    for (char c : ts_text) {
      if (c < '0' || c > '9') return Fail(err, kFieldTs, "a numeric ts must be integer Unix seconds");
    }
  }
  auto ts = ParseTimestamp(ts_text);
  if (!ts.ok()) return Fail(err, kFieldTs, fmt::format("{}: '{}'", ts.status().message(), Shown(ts_text)));
  out->ts = ts.value();

  std::string_view amount_text = get(kFieldAmount);
  out->has_amount = !amount_text.empty();
  out->amount = 0;
  if (out->has_amount) {
    auto a = ParseDecimal(amount_text);
    if (!a.ok())
      return Fail(err, kFieldAmount, fmt::format("{}: '{}'", a.status().message(), Shown(amount_text)));
    if (a.value() < 0)
      return Fail(err, kFieldAmount, fmt::format("negative amount '{}'", Shown(amount_text)));
    out->amount = a.value();
  } else if (out->action == Action::kPurchase) {
    return Fail(err, kFieldAmount, "missing amount on a purchase");
  }

  std::string_view sentiment_text = get(kFieldSentiment);
  out->sentiment = Sentiment::kNone;
  if (!sentiment_text.empty()) {
    auto s = ParseSentiment(sentiment_text);
    if (!s) {
      return Fail(
          err, kFieldSentiment,
          fmt::format("unknown sentiment '{}' (positive, neutral or negative)", Shown(sentiment_text)));
    }
    out->sentiment = *s;
  } else if (out->action == Action::kPost) {
    return Fail(err, kFieldSentiment, "missing sentiment on a post");
  }

  out->event_id = get(kFieldEventId);
  out->user = raw.value[kFieldUserId];
  out->brand = raw.value[kFieldBrand];
  out->spu = get(kFieldSpu);
  out->campaign = get(kFieldCampaign);
  out->note = get(kFieldNote);
  out->channel = get(kFieldChannel);
  if (out->channel.empty()) out->channel = "onsite";
  return true;
}

bool ParseInputRow(const InputRow& row, ParsedEvent* out, RowError* err) {
  if (!row.error.empty()) {
    err->field = row.error_field;
    err->reason = row.error;
    return false;
  }
  RawEvent raw;
  raw.utf8_checked = IsValidUtf8(row.raw);  // one pass over the whole row instead of one per field
  for (int f = 0; f < kNumEventFields; ++f) {
    raw.value[f] = row.value[f];
    raw.present[f] = row.present[f];
    raw.is_number[f] = row.is_number[f];
  }
  return ParseEvent(raw, out, err);
}

}  // namespace aips
