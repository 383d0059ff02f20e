// The dashboard's files and the OpenAPI document, embedded in the binary at build time
// (cmake/embed_assets.py generates the table from web/dist and docs/openapi.json).
#pragma once

#include <cstddef>
#include <string_view>

namespace aips {

struct Asset {
  std::string_view path;  // "/index.html", "/assets/app.js", "/openapi.json"
  std::string_view content_type;
  std::string_view data;
};

// nullptr when no embedded file has this path.
const Asset* FindAsset(std::string_view path);

}  // namespace aips
