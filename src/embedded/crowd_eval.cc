// Evaluating crowd expressions on the embedded engine's bitmaps (docs/crowds.md).
#include <algorithm>

#include "embedded/embedded_engine.h"
#include "fmt/format.h"
#include "store/attributes.h"
#include "store/crowds.h"

namespace aips {

Result<Roaring> EmbeddedEngine::StageSet(const ScopeRef& scope, Day day, const std::vector<int>& stages,
                                         const Roaring& universe) {
  AIPS_ASSIGN_OR_RETURN(Resolved r, Resolve(scope));
  if (!r.brand) return std::find(stages.begin(), stages.end(), 0) != stages.end() ? universe : Roaring();
  // The members of the stages asked, from the day's view (embedded/day_view.h: decoded once per engine,
  // each stage set made once).
  AIPS_ASSIGN_OR_RETURN(Subject s, BrandSubject(*r.brand));
  Day eff;
  AIPS_ASSIGN_OR_RETURN(const SnapshotReader* snap, Snapshot(s, day, &eff));
  uint32_t mask = 0;
  bool none = false;
  for (int st : stages) {
    if (st == 0) {
      none = true;
    } else {
      mask |= 1u << (st - 1);
    }
  }
  if (snap == nullptr) return none ? universe : Roaring();
  const Manifest& m = store_->manifest();
  AIPS_ASSIGN_OR_RETURN(DayView * view,
                        day_views_.Get(m.generation, *snap, r.scope, eff, m.dicts[kDictUser].count));
  Roaring out = day_views_.Set(view, mask);
  if (none) out |= universe - day_views_.Set(view, (1u << snap->num_stages()) - 1);  // users in no stage
  return out;
}

Result<Roaring> EmbeddedEngine::ReachOf(const std::string& campaign) {
  Roaring reach;
  AIPS_RETURN_IF_ERROR(CampaignWithReach(campaign, std::nullopt, &reach).status());
  return reach;
}

Result<Roaring> EmbeddedEngine::EvalNode(const CrowdNode& n, const Roaring& universe) {
  using K = CrowdNode::Kind;
  auto scope = [&]() {
    ScopeRef s{n.brand, std::nullopt};
    if (!n.spu.empty()) s.spu = n.spu;
    return s;
  };
  switch (n.kind) {
    case K::kOr:
    case K::kAnd:
    case K::kAndNot: {
      AIPS_ASSIGN_OR_RETURN(Roaring a, EvalNode(*n.children[0], universe));
      AIPS_ASSIGN_OR_RETURN(Roaring b, EvalNode(*n.children[1], universe));
      if (n.kind == K::kOr) return a | b;
      if (n.kind == K::kAnd) return a & b;
      return a - b;
    }
    case K::kNot: {
      AIPS_ASSIGN_OR_RETURN(Roaring a, EvalNode(*n.children[0], universe));
      return universe - a;
    }
    case K::kStage:
      return StageSet(scope(), n.date, n.stages, universe);
    case K::kFlowed: {
      if (n.from >= n.to) return Status::InvalidArgument("flowed(): from must be before to");
      AIPS_ASSIGN_OR_RETURN(Roaring a, StageSet(scope(), n.from, n.from_stages, universe));
      AIPS_ASSIGN_OR_RETURN(Roaring b, StageSet(scope(), n.to, n.to_stages, universe));
      return a & b;
    }
    case K::kReached:
      return ReachOf(n.name);
    case K::kCrowd: {
      AIPS_ASSIGN_OR_RETURN(std::vector<SavedCrowd> saved, LoadCrowds(store_->dir()));
      const SavedCrowd* c = LatestCrowd(saved, crowd_tenant_, n.name);
      if (!c)
        return Status::NotFound(
            fmt::format("unknown crowd '{}' (aips crowd list shows the saved crowds)", n.name));
      return LiveMembers(*c);
    }
    case K::kSegment: {
      const uint64_t gen = store_->manifest().attributes_generation;
      if (gen == 0) {
        return Status::InvalidArgument(fmt::format(
            "segment(\"{}\"): no user attributes table has been ingested into this data directory", n.name));
      }
      AIPS_ASSIGN_OR_RETURN(UserAttributes attrs, LoadAttributes(store_->dir(), gen));
      auto it = attrs.tags.find(n.name);
      if (it == attrs.tags.end())
        return Status::NotFound(fmt::format("unknown segment '{}' (no user carries this tag)", n.name));
      return it->second;
    }
    case K::kTier: {
      AIPS_ASSIGN_OR_RETURN(Day last, DefaultDay());
      return TierMembers(n.brand, n.name, last);
    }
  }
  return Status::InvalidArgument("unknown expression node");
}

namespace {

// Whether evaluating the expression reads the universe (a `not`, or `none` in a stage list).
bool ReadsUniverse(const CrowdNode& n) {
  using K = CrowdNode::Kind;
  auto has_none = [](const std::vector<int>& s) { return std::find(s.begin(), s.end(), 0) != s.end(); };
  if (n.kind == K::kNot) return true;
  if (n.kind == K::kStage && has_none(n.stages)) return true;
  if (n.kind == K::kFlowed && (has_none(n.from_stages) || has_none(n.to_stages))) return true;
  for (auto& c : n.children)
    if (ReadsUniverse(*c)) return true;
  return false;
}

}  // namespace

Result<Roaring> EmbeddedEngine::EvalCrowd(const CrowdNode& expr, const std::string& tenant) {
  crowd_tenant_ = tenant;
  Roaring universe;
  if (ReadsUniverse(expr)) {
    // Every user the data directory knows, except those `aips forget` erased (their dictionary entries
    // stay, as tombstones, so that user numbers do not move).
    AIPS_ASSIGN_OR_RETURN(Dictionary * users, store_->dict(kDictUser));
    const uint32_t n = store_->manifest().dicts[kDictUser].count;
    if (n) universe.addRange(0, n);
    for (uint32_t u : users->tombstoned())
      if (u < n) universe.remove(u);
  }
  return EvalNode(expr, universe);
}

Result<PortraitResult> EmbeddedEngine::Portrait(const Roaring& crowd, const std::string& category, Day date) {
  PortraitResult out;
  out.category = category;
  out.date = date;
  out.crowd = crowd.cardinality();
  const uint64_t gen = store_->manifest().attributes_generation;
  if (gen == 0)
    return Status::InvalidArgument(
        "no user attributes table has been ingested: a portrait needs one (docs/crowds.md)");
  AIPS_ASSIGN_OR_RETURN(UserAttributes attrs, LoadAttributes(store_->dir(), gen));
  AIPS_ASSIGN_OR_RETURN(Subject cs, CategorySubject(category));
  Day eff;
  AIPS_ASSIGN_OR_RETURN(const SnapshotReader* snap, Snapshot(cs, date, &eff));
  Roaring base;
  if (snap) {
    AIPS_ASSIGN_OR_RETURN(std::vector<Roaring> m, snap->Members(kBrandScope, eff));
    base = m[0];
  }
  out.base = base.cardinality();
  for (auto& [tag, users] : attrs.tags) {
    PortraitRow r{tag, crowd.and_cardinality(users), base.and_cardinality(users)};
    if (r.count || r.base_count) out.tags.push_back(std::move(r));
  }
  return out;
}

Result<std::string> EmbeddedEngine::UserName(uint32_t user) {
  AIPS_ASSIGN_OR_RETURN(Dictionary * users, store_->dict(kDictUser));
  if (user >= users->size())
    return Status::Corruption(fmt::format("user #{} is not in the dictionary", user));
  return std::string(users->Name(user));
}

}  // namespace aips
