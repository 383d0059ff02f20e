// Which on-disk formats the writers produce (docs/formats.md). Every file names its own format (magic and
// version), readers accept every version, and writers write the newest — unless the environment variable
// AIPS_STORE_FORMAT=1 is set, which makes them write the formats of before issue #20 (plain segments,
// hashed id runs, unpacked dictionaries and tables, Roaring snapshots, full engine states). That switch
// exists for tests only: they build old directories with it to prove that old directories stay readable
// and that `aips rewrite` turns them into new ones.
#pragma once

#include <cstdlib>
#include <string_view>

namespace aips {

inline bool WriteOldFormats() {
  const char* v = std::getenv("AIPS_STORE_FORMAT");
  return v != nullptr && std::string_view(v) == "1";
}

}  // namespace aips
