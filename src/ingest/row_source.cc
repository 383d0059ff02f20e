#include "ingest/row_source.h"

#include <algorithm>
#include <cstring>

#include "fmt/format.h"
#include "ingest/csv_reader.h"
#include "simdjson.h"

namespace aips {

namespace {

std::string_view SkipBom(std::string_view d) {
  if (d.size() >= 3 && d.substr(0, 3) == "\xEF\xBB\xBF") d.remove_prefix(3);
  return d;
}

bool LooksLikeJson(std::string_view d) {
  d = SkipBom(d);
  for (char c : d) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> ReadHeader(std::string_view data) {
  CsvReader r(data);
  CsvRecord rec;
  std::vector<std::string> out;
  if (r.Next(&rec) && rec.error.empty()) {
    for (auto f : rec.fields) out.push_back(Trim(f));
  }
  return out;
}

void CsvRows(std::string_view data, const TableSchema& schema, const std::function<void(const InputRow&)>& fn,
             const std::function<void(size_t)>& progress) {
  CsvReader r(data);
  CsvRecord rec;
  if (!r.Next(&rec)) return;
  std::vector<int> col_of(rec.fields.size(), -1);  // file column -> schema column
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    std::string name = Trim(rec.fields[i]);
    for (size_t c = 0; c < schema.columns.size(); ++c)
      if (schema.columns[c] == name && std::find(col_of.begin(), col_of.end(), int(c)) == col_of.end())
        col_of[i] = int(c);
  }
  const size_t header_fields = rec.fields.size();
  InputRow row;
  row.value.resize(schema.columns.size());
  row.present.resize(schema.columns.size());
  row.is_number.assign(schema.columns.size(), false);
  uint64_t n = 0;
  while (r.Next(&rec)) {
    row.line = rec.line;
    row.raw = rec.raw;
    row.error.clear();
    row.error_field.clear();
    std::fill(row.present.begin(), row.present.end(), false);
    if (!rec.error.empty()) {
      row.error = rec.error;
    } else if (rec.fields.size() != header_fields) {
      row.error = fmt::format("row has {} fields, the header has {}", rec.fields.size(), header_fields);
    } else {
      for (size_t i = 0; i < rec.fields.size(); ++i) {
        if (col_of[i] < 0) continue;
        row.value[col_of[i]] = rec.fields[i];
        row.present[col_of[i]] = true;
      }
    }
    fn(row);
    if (progress && (++n & 0xFFFF) == 0) progress(r.position());
  }
}

void JsonRows(std::string_view data, const TableSchema& schema,
              const std::function<void(const InputRow&)>& fn, const std::function<void(size_t)>& progress) {
  simdjson::ondemand::parser parser;
  std::string buf;
  InputRow row;
  row.value.resize(schema.columns.size());
  row.present.resize(schema.columns.size());
  row.is_number.resize(schema.columns.size());
  size_t pos = data.size() >= 3 && data.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  uint64_t line = 0;
  uint64_t n = 0;
  while (pos < data.size()) {
    ++line;
    const char* nl = static_cast<const char*>(memchr(data.data() + pos, '\n', data.size() - pos));
    size_t eol = nl ? static_cast<size_t>(nl - data.data()) : data.size();
    std::string_view text = data.substr(pos, eol - pos);
    pos = eol + 1;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    bool blank = std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
    if (blank) continue;
    row.line = line;
    row.raw = text;
    row.error.clear();
    row.error_field.clear();
    std::fill(row.present.begin(), row.present.end(), false);
    std::fill(row.is_number.begin(), row.is_number.end(), false);
    buf.assign(text);
    buf.resize(text.size() + simdjson::SIMDJSON_PADDING);
    auto fail = [&](std::string why, std::string field = "") {
      row.error = std::move(why);
      row.error_field = std::move(field);
    };
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    auto err = parser.iterate(buf.data(), text.size(), buf.size()).get(doc);
    if (!err) err = doc.get_object().get(obj);
    if (err) {
      fail(err == simdjson::INCORRECT_TYPE ? "a JSON Lines row must be a JSON object"
                                           : fmt::format("invalid JSON: {}", simdjson::error_message(err)));
    } else {
      uint64_t seen = 0;  // schema columns met in this object (tables have fewer than 64)
      for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) {
          fail("invalid JSON: bad object key");
          break;
        }
        int col = -1;
        for (size_t c = 0; c < schema.columns.size(); ++c)
          if (schema.columns[c] == key) col = static_cast<int>(c);
        simdjson::ondemand::value v = field.value();
        simdjson::ondemand::json_type type;
        if (v.type().get(type)) {
          fail("invalid JSON value", std::string(key));
          break;
        }
        if (col < 0) {
          // Unknown keys are ignored (simdjson skips their values when moving on).
          continue;
        }
        if (seen & (uint64_t{1} << col)) {
          fail("appears twice in the object (ambiguous)", std::string(key));
          break;
        }
        seen |= uint64_t{1} << col;
        if (type == simdjson::ondemand::json_type::string) {
          std::string_view s;
          if (v.get_string().get(s)) {
            fail("invalid JSON string", std::string(key));
            break;
          }
          row.value[col] = s;
          row.present[col] = true;
        } else if (type == simdjson::ondemand::json_type::number) {
          std::string_view tok = v.raw_json_token();
          while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t' || tok.back() == '\r' ||
                                  tok.back() == '\n' || tok.back() == ',' || tok.back() == '}'))
            tok.remove_suffix(1);
          row.value[col] = tok;
          row.present[col] = true;
          row.is_number[col] = true;
        } else if (type == simdjson::ondemand::json_type::null) {
          // null: absent
        } else {
          fail(fmt::format("must be a string{}", col >= 0 ? "" : ""), std::string(key));
          break;
        }
      }
    }
    fn(row);
    if (progress && (++n & 0xFFFF) == 0) progress(pos);
  }
}

}  // namespace

Result<FileFormat> DetectFormat(std::string_view data, std::optional<TableKind> forced,
                                const std::string& name) {
  FileFormat f;
  f.jsonl = LooksLikeJson(data);
  if (f.jsonl) {
    f.kind = forced.value_or(TableKind::kEvents);
    return f;
  }
  std::vector<std::string> header = ReadHeader(data);
  if (header.empty()) {
    if (SkipBom(data).find_first_not_of(" \t\r\n") == std::string_view::npos) {
      f.kind = forced.value_or(TableKind::kEvents);
      return f;  // an empty file: no rows
    }
    return Status::InvalidArgument(fmt::format("{}: cannot read a CSV header on line 1", name));
  }
  auto kind = forced ? forced : DetectKind(header);
  if (!kind) {
    std::string cols;
    for (auto& h : header) {
      if (!cols.empty()) cols += ',';
      cols += h;
    }
    if (cols.size() > 120) {
      cols.resize(120);
      cols += "...";
    }
    return Status::InvalidArgument(fmt::format(
        "{}: cannot tell which table this is from its header '{}' (events need user_id and action; see "
        "docs/input.md), or name it with --kind",
        name, cols));
  }
  f.kind = *kind;
  const TableSchema& schema = SchemaOf(f.kind);
  for (auto& h : header)
    if (std::find(schema.columns.begin(), schema.columns.end(), h) == schema.columns.end())
      f.ignored_columns.push_back(h);
  return f;
}

void ForEachRow(std::string_view data, const FileFormat& fmt, const std::function<void(const InputRow&)>& fn,
                const std::function<void(size_t)>& progress) {
  const TableSchema& schema = SchemaOf(fmt.kind);
  if (fmt.jsonl) {
    JsonRows(data, schema, fn, progress);
  } else {
    CsvRows(data, schema, fn, progress);
  }
}

}  // namespace aips
