// Experiment assignments (docs/measures.md, "Lift"; input table `experiments`, docs/input.md): per
// campaign, the users assigned to its treatment group and to its control group (a holdout), as CRoaring
// bitmaps over dense user ids, and the salt of a split aips made itself (`aips crowd export --holdout`).
// Kept whole in DIR/experiments-<gen>.bin (framed, docs/formats.md §13); the manifest names the file.
//
// A user has at most one group per campaign: the first assignment stands, the same one again is a
// duplicate, the other group is a conflict (the row is rejected).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "aips/status.h"
#include "roaring/roaring.hh"

namespace aips {

struct ExperimentGroups {
  Roaring treatment, control;
  std::string salt;  // "" unless aips split the campaign's crowd itself
};

struct Experiments {
  std::map<std::string, ExperimentGroups> campaigns;

  enum class Assigned { kNew, kSame, kConflict };
  // Assigns a user to a group of a campaign (kNew), or finds it there already (kSame) or in the other
  // group (kConflict; nothing changes).
  Assigned Assign(const std::string& campaign, uint32_t user, bool treatment);
  // Removes the users' assignments (aips forget); the number of assignments removed.
  uint64_t Erase(const std::vector<uint32_t>& users);

  std::string Encode() const;
  static Result<Experiments> Decode(std::string_view file, const std::string& name);
};

std::string ExperimentsPath(const std::string& dir, uint64_t generation);
// Empty for generation 0 (no experiments ingested).
Result<Experiments> LoadExperiments(const std::string& dir, uint64_t generation);
Status SaveExperiments(const std::string& dir, uint64_t generation, const Experiments& e);

}  // namespace aips
