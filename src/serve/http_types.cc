#include "serve/http_types.h"

#include "common/json_writer.h"

namespace aips {

bool HttpRequest::HasParam(std::string_view name) const {
  for (auto& [k, v] : params)
    if (k == name) return true;
  return false;
}

std::string HttpRequest::Param(std::string_view name) const {
  for (auto& [k, v] : params)
    if (k == name) return v;
  return "";
}

std::string HttpRequest::Header(std::string_view lower_name) const {
  for (auto& [k, v] : headers)
    if (k == lower_name) return v;
  return "";
}

HttpReply HttpReply::Error(int status, const std::string& message) {
  JsonWriter w;
  w.BeginObject().Key("error").String(message).EndObject();
  return HttpReply{status, w.str(), "application/json", false};
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status Decode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      const int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return Status::InvalidArgument("malformed percent escape in the request target");
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return Status::OK();
}

}  // namespace

Status ParseTarget(std::string_view target, std::string* path,
                   std::vector<std::pair<std::string, std::string>>* params) {
  params->clear();
  const size_t q = target.find('?');
  AIPS_RETURN_IF_ERROR(Decode(target.substr(0, q), false, path));
  if (q == std::string_view::npos) return Status::OK();
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string k, v;
    AIPS_RETURN_IF_ERROR(Decode(pair.substr(0, eq), true, &k));
    if (eq != std::string_view::npos) AIPS_RETURN_IF_ERROR(Decode(pair.substr(eq + 1), true, &v));
    params->emplace_back(std::move(k), std::move(v));
  }
  return Status::OK();
}

}  // namespace aips
