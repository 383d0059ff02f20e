// A small streaming JSON writer for command output and HTTP answers. Produces compact, valid JSON:
// strings escaped (control characters as \u00XX), non-finite doubles written as null.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aips {

void AppendJsonString(std::string_view s, std::string* out);

class JsonWriter {
 public:
  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  JsonWriter& Key(std::string_view k);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // A string, or null when absent.
  JsonWriter& OptString(const std::optional<std::string>& s) { return s ? String(*s) : Null(); }
  JsonWriter& OptDouble(const std::optional<double>& d) { return d ? Double(*d) : Null(); }
  JsonWriter& OptUInt(const std::optional<uint64_t>& v) { return v ? Int(static_cast<int64_t>(*v)) : Null(); }
  // Pre-rendered JSON value.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Sep();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace aips
