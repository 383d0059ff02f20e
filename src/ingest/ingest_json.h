// The JSON document of an ingest run (docs/cli.md, "ingest"), shared by the CLI and the HTTP API.
#pragma once

#include <string>
#include <string_view>

#include "ingest/ingester.h"

namespace aips {

// `extra` is inserted before the closing brace (e.g. ',"errors":[...]'), or "".
std::string IngestResultJson(const IngestResult& r, std::string_view extra);

}  // namespace aips
