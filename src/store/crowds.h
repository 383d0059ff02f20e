// Saved crowds (docs/crowds.md): named, versioned sets of users with their definition, kept in
// DIR/crowds.bin (framed, docs/formats.md §11). Saving a name again adds a version (unless the definition and
// the members equal the latest version's: that version is kept); crowd("name") in an
// expression uses the latest version's members.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aips/status.h"
#include "common/date.h"
#include "roaring/roaring.hh"

namespace aips {

struct SavedCrowd {
  std::string name, tenant, definition;
  uint32_t version = 1;
  int64_t saved_at = 0;  // Unix seconds
  uint64_t size = 0;
  std::string members;  // CRoaring portable serialization
};

Result<std::vector<SavedCrowd>> LoadCrowds(const std::string& data_dir);
Status SaveCrowds(const std::string& data_dir, const std::vector<SavedCrowd>& crowds);
// Removes `users` from every saved crowd (aips forget: the erased users, and any tombstoned id left by an
// earlier run); returns how many versions held one of them. With dry_run nothing is written.
Result<uint64_t> RemoveFromSavedCrowds(const std::string& data_dir, const Roaring& users, bool dry_run);
// The latest version of a tenant's crowd, or nullptr.
const SavedCrowd* LatestCrowd(const std::vector<SavedCrowd>& crowds, const std::string& tenant,
                              const std::string& name);

}  // namespace aips
