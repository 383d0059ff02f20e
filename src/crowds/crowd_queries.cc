// The embedded engine's crowd capability (engine/engine.h, CrowdQueries): every call evaluates the
// expression here, next to the data, and returns a count, a bounded export or a description.
#include <ctime>

#include "common/crypto.h"
#include "embedded/embedded_engine.h"
#include "engine/holdout_split.h"
#include "fmt/format.h"
#include "store/crowds.h"
#include "store/experiments.h"

namespace aips {

namespace {

// Adds the next version of a saved crowd to `saved` (docs/crowds.md), unless the latest version holds the
// same definition and members: then that version stays (a save that failed after its commit, run again,
// ends as one uninterrupted save). Returns the version that holds the crowd.
SavedCrowd SaveOrKeep(std::vector<SavedCrowd>* saved, const std::string& name, const std::string& tenant,
                      const std::string& definition, const Roaring& members) {
  if (const SavedCrowd* prev = LatestCrowd(*saved, tenant, name);
      prev != nullptr && prev->definition == definition && prev->size == members.cardinality() &&
      Roaring::readSafe(prev->members.data(), prev->members.size()) == members) {
    return *prev;
  }
  const std::vector<SavedCrowd>& existing = *saved;
  SavedCrowd c;
  c.name = name;
  c.tenant = tenant;
  c.definition = definition;
  const SavedCrowd* prev = LatestCrowd(existing, tenant, name);
  c.version = prev ? prev->version + 1 : 1;
  c.saved_at = std::time(nullptr);
  c.size = members.cardinality();
  c.members.resize(members.getSizeInBytes(true));
  members.write(c.members.data(), true);
  saved->push_back(c);
  return c;
}

}  // namespace

Result<Roaring> EmbeddedEngine::EvalQuery(const CrowdQuery& crowd) {
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(crowd.expr));
  return EvalCrowd(*node, crowd.tenant);
}

Result<uint64_t> EmbeddedEngine::CrowdCount(const CrowdQuery& crowd) {
  AIPS_ASSIGN_OR_RETURN(Roaring members, EvalQuery(crowd));
  return members.cardinality();
}

Result<std::string> EmbeddedEngine::CrowdExport(const CrowdQuery& crowd, const std::string& salt,
                                                size_t min_size) {
  AIPS_ASSIGN_OR_RETURN(Roaring members, EvalQuery(crowd));
  return ExportMembers(members, salt, min_size);
}

Result<std::string> EmbeddedEngine::CrowdExportHoldout(const CrowdQuery& crowd, const std::string& salt,
                                                       size_t min_size, const std::string& campaign,
                                                       double holdout_pct) {
  AIPS_ASSIGN_OR_RETURN(const uint32_t cut, HoldoutThreshold(holdout_pct));
  if (campaign.empty()) return Status::InvalidArgument("--holdout needs --campaign C");
  AIPS_RETURN_IF_ERROR(store_->UpgradeToWrite());  // the assignments are read and written under the lock
  AIPS_ASSIGN_OR_RETURN(Roaring members, EvalQuery(crowd));
  const Manifest& m = store_->manifest();
  AIPS_ASSIGN_OR_RETURN(Experiments experiments, LoadExperiments(store_->dir(), m.experiments_generation));
  ExperimentGroups& g = experiments.campaigns[campaign];
  if (g.salt.empty()) g.salt = HoldoutSalt(campaign);
  bool changed = false;
  for (uint32_t u : members) {
    if (g.treatment.contains(u) || g.control.contains(u)) continue;
    AIPS_ASSIGN_OR_RETURN(std::string id, UserName(u));
    (HoldoutBucket(g.salt, id) < cut ? g.control : g.treatment).add(u);
    changed = true;
  }
  const Roaring treated = members & g.treatment;
  AIPS_ASSIGN_OR_RETURN(std::string csv, ExportMembers(treated, salt, min_size));
  if (changed) {
    Manifest next = m;
    next.generation = m.generation + 1;
    AIPS_RETURN_IF_ERROR(SaveExperiments(store_->dir(), next.generation, experiments));
    next.experiments_generation = next.generation;
    AIPS_RETURN_IF_ERROR(store_->CommitManifest(std::move(next)));
    AIPS_RETURN_IF_ERROR(store_->RemoveGarbage());
  }
  return csv;
}

Result<std::string> EmbeddedEngine::ExportMembers(const Roaring& members, const std::string& salt,
                                                  size_t min_size) {
  const uint64_t n = members.cardinality();
  AIPS_RETURN_IF_ERROR(CheckExportSize(n, min_size));
  std::string out = ExportHeader(salt);
  for (uint32_t u : members) {
    AIPS_ASSIGN_OR_RETURN(std::string id, UserName(u));
    out += salt.empty() ? id : Sha256Hex(salt + ":" + id);
    out += '\n';
  }
  return out;
}

Result<PortraitResult> EmbeddedEngine::CrowdPortrait(const CrowdQuery& crowd, const std::string& category,
                                                     std::optional<Day> date) {
  AIPS_ASSIGN_OR_RETURN(auto node, ParseCrowdExpr(crowd.expr));
  AIPS_ASSIGN_OR_RETURN(std::string cat, PortraitCategory(*node, category, [this](const std::string& b) {
                          return CategoryOf(b);
                        }));
  AIPS_ASSIGN_OR_RETURN(Roaring members, EvalCrowd(*node, crowd.tenant));
  return Portrait(members, cat, date.value_or(store_->manifest().LastDay()));
}

Result<LookalikeResult> EmbeddedEngine::Lookalike(const CrowdQuery& seed, std::optional<Day> date,
                                                  int window_days, const std::vector<uint64_t>& tier_sizes,
                                                  const std::string& save_as) {
  // Saving takes the data directory's lock first (held already when this engine computed snapshots) and
  // re-reads the manifest, so the tiers never name users a concurrent `aips forget` erased.
  if (!save_as.empty()) AIPS_RETURN_IF_ERROR(store_->UpgradeToWrite());
  AIPS_ASSIGN_OR_RETURN(Roaring members, EvalQuery(seed));
  AIPS_ASSIGN_OR_RETURN(LookalikeResult out, LookalikeOf(members, date, window_days, tier_sizes));
  if (save_as.empty()) return out;
  AIPS_ASSIGN_OR_RETURN(auto saved, LoadCrowds(store_->dir()));
  const size_t before = saved.size();
  for (auto& t : out.tiers) {
    SaveOrKeep(&saved, save_as + "-" + t.name, seed.tenant,
               fmt::format("lookalike of ({}) tier {}", seed.expr, t.name), t.members);
  }
  if (saved.size() != before) AIPS_RETURN_IF_ERROR(SaveCrowds(store_->dir(), saved));
  return out;
}

Result<SavedCrowd> EmbeddedEngine::SaveCrowd(const std::string& name, const CrowdQuery& crowd) {
  AIPS_RETURN_IF_ERROR(store_->UpgradeToWrite());  // as in Lookalike: evaluated under the lock
  AIPS_ASSIGN_OR_RETURN(Roaring members, EvalQuery(crowd));
  AIPS_ASSIGN_OR_RETURN(auto saved, LoadCrowds(store_->dir()));
  const size_t before = saved.size();
  SavedCrowd sc = SaveOrKeep(&saved, name, crowd.tenant, crowd.expr, members);
  if (saved.size() != before) AIPS_RETURN_IF_ERROR(SaveCrowds(store_->dir(), saved));
  return sc;
}

Result<std::vector<SavedCrowd>> EmbeddedEngine::SavedCrowds() {
  AIPS_ASSIGN_OR_RETURN(std::vector<SavedCrowd> saved, LoadCrowds(store_->dir()));
  for (SavedCrowd& c : saved) {
    AIPS_ASSIGN_OR_RETURN(Roaring live, LiveMembers(c));
    c.size = live.cardinality();  // as the members are now (users erased since are not counted)
  }
  return saved;
}

Result<Roaring> EmbeddedEngine::LiveMembers(const SavedCrowd& c) {
  Roaring members = Roaring::readSafe(c.members.data(), c.members.size());
  AIPS_ASSIGN_OR_RETURN(Dictionary * users, store_->dict(kDictUser));
  const std::vector<uint32_t>& gone = users->tombstoned();
  if (!gone.empty()) members -= Roaring(gone.size(), gone.data());
  return members;
}

}  // namespace aips
