// User attributes (docs/crowds.md, "Portraits"): for each tag (consumer segment, age band, city tier,
// gender ...) the set of users carrying it, as CRoaring bitmaps over dense user ids. Kept whole in
// DIR/attributes-<gen>.bin (framed, docs/formats.md §12); the manifest names the current file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "aips/status.h"
#include "roaring/roaring.hh"

namespace aips {

struct UserAttributes {
  std::map<std::string, Roaring> tags;

  // Replaces a user's tags; returns true when anything changed.
  bool Set(uint32_t user, const std::vector<std::string>& tags);
  std::string Encode() const;
  static Result<UserAttributes> Decode(std::string_view file, const std::string& name);
};

std::string AttributesPath(const std::string& dir, uint64_t generation);
Result<UserAttributes> LoadAttributes(const std::string& dir, uint64_t generation);
Status SaveAttributes(const std::string& dir, uint64_t generation, const UserAttributes& a);

}  // namespace aips
