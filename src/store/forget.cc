#include "store/forget.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "store/attributes.h"
#include "store/brand_facts.h"
#include "store/content.h"
#include "store/crowds.h"
#include "store/experiments.h"
#include "store/first_party.h"
#include "store/id_runs.h"
#include "store/segment.h"

namespace aips {

namespace {

// Rewrites the segments of `m` that hold rows of `ids` (one new segment per day, generation `gen`);
// counts removed rows per brand.
Status RewriteSegments(const std::string& dir, const absl::flat_hash_set<uint32_t>& ids, uint64_t gen,
                       bool dry_run, Manifest* m, std::vector<uint64_t>* removed_per_brand,
                       ForgetResult* out) {
  std::map<Day, std::vector<size_t>> hit;  // day -> indexes of segments holding the users
  for (size_t i = 0; i < m->segments.size(); ++i) {
    const SegmentInfo& si = m->segments[i];
    AIPS_ASSIGN_OR_RETURN(Segment seg, Segment::Open(SegmentPath(dir, si), si.day));
    bool found = false;
    for (uint32_t b : seg.Brands()) {
      AIPS_ASSIGN_OR_RETURN(BrandBlock blk, seg.Block(b));
      for (size_t r = 0; r < blk.n; ++r) {
        if (!ids.contains(blk.user[r])) continue;
        found = true;
        ++(*removed_per_brand)[b];
        ++out->events_removed;
      }
    }
    if (found) hit[si.day].push_back(i);
  }
  std::vector<bool> drop(m->segments.size(), false);
  std::vector<SegmentInfo> added;
  for (auto& [day, indexes] : hit) {
    std::vector<EventRow> rows;
    for (size_t i : indexes) {
      drop[i] = true;
      AIPS_ASSIGN_OR_RETURN(Segment seg, Segment::Open(SegmentPath(dir, m->segments[i]), day));
      AIPS_RETURN_IF_ERROR(seg.AppendAllRows(&rows));
    }
    std::erase_if(rows, [&](const EventRow& r) { return ids.contains(r.user); });
    out->segments_rewritten += indexes.size();
    // Nothing is written when the day held only these users' rows.
    AIPS_RETURN_IF_ERROR(WriteDaySegment(dir, day, gen, std::move(rows), dry_run, &added));
  }
  std::vector<SegmentInfo> kept;
  for (size_t i = 0; i < m->segments.size(); ++i)
    if (!drop[i]) kept.push_back(m->segments[i]);
  kept.insert(kept.end(), added.begin(), added.end());
  SortSegments(&kept);
  m->segments = std::move(kept);
  return Status::OK();
}

// Removes the lines naming any of `users` from DIR/rejects/*.jsonl (each file replaced atomically).
Result<uint64_t> ScrubRejects(const std::string& dir, const std::vector<std::string>& users, bool dry_run) {
  uint64_t removed = 0;
  for (const std::string& name : ListDir(dir + "/rejects")) {
    const std::string path = dir + "/rejects/" + name;
    AIPS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    bool any = false;
    for (auto& u : users) any |= text.find(u) != std::string::npos;
    if (!any) continue;
    std::string kept;
    for (size_t pos = 0; pos < text.size();) {
      size_t end = text.find('\n', pos);
      end = end == std::string::npos ? text.size() : end + 1;
      std::string_view line(text.data() + pos, end - pos);
      bool names = false;
      for (auto& u : users) names |= line.find(u) != std::string_view::npos;
      if (names)
        ++removed;
      else
        kept.append(line);
      pos = end;
    }
    if (!dry_run) AIPS_RETURN_IF_ERROR(WriteFileAtomic(path, kept));
  }
  return removed;
}

// Hashes every numeric-id shape whose prefix (stored in clear) contains one of `users`: each run storing
// one is replaced atomically by the same ids with those shapes in its hashed part. Returns the shapes.
Result<uint64_t> HashShapesNamingUsers(const std::string& dir, const std::vector<uint64_t>& runs,
                                       const std::vector<std::string>& users, bool dry_run) {
  auto names = [&](const IdShape& s) {
    for (const std::string& u : users)
      if (s.prefix.find(u) != std::string::npos) return true;
    return false;
  };
  uint64_t hashed = 0;
  for (uint64_t g : runs) {
    AIPS_ASSIGN_OR_RETURN(StoredIds ids, StoredIds::Open(dir, {g}));
    const size_t named = std::count_if(ids.Shapes(0).begin(), ids.Shapes(0).end(), names);
    hashed += named;
    if (named == 0 || dry_run) continue;
    std::vector<uint64_t> hashes = ids.Hashes(0);
    std::vector<IdShape> keep;
    for (const IdShape& s : ids.Shapes(0)) {
      if (names(s)) {
        AppendShapeHashes(s, &hashes);
      } else {
        keep.push_back(s);
      }
    }
    AIPS_RETURN_IF_ERROR(WriteFileAtomic(IdRunPath(dir, g), EncodeIdRun(std::move(keep), std::move(hashes))));
  }
  return hashed;
}

}  // namespace

Status CheckForgetUsers(const std::vector<std::string>& users) {
  if (users.empty()) return Status::InvalidArgument("no user to forget");
  for (const std::string& u : users) {
    if (u.empty()) return Status::InvalidArgument("an empty user id");
    if (u.size() > 1024) return Status::InvalidArgument("a user id longer than 1024 bytes");
  }
  return Status::OK();
}

Result<ForgetResult> ForgetUsers(Store& store, const std::vector<std::string>& users, bool block,
                                 bool dry_run) {
  if (!store.writable()) return Status::InvalidArgument("forget needs the store open for writing");
  AIPS_RETURN_IF_ERROR(CheckForgetUsers(users));
  const std::string& dir = store.dir();
  const Manifest& m = store.manifest();
  ForgetResult out;
  Manifest next = m;
  next.generation = m.generation + 1;
  const uint64_t gen = next.generation;

  AIPS_ASSIGN_OR_RETURN(Dictionary * user_dict, store.dict(kDictUser));
  absl::flat_hash_set<uint32_t> ids;
  for (const std::string& u : users)
    if (auto id = user_dict->Find(u)) ids.insert(*id);
  out.users_found = ids.size();

  // 1. Events.
  std::vector<uint64_t> removed(m.brands.size(), 0);
  if (!ids.empty()) AIPS_RETURN_IF_ERROR(RewriteSegments(dir, ids, gen, dry_run, &next, &removed, &out));
  std::vector<uint32_t> affected;
  for (uint32_t b = 0; b < removed.size(); ++b)
    if (removed[b] != 0) affected.push_back(b);
  out.brands_affected = affected.size();
  // Category crowds are all recomputed (as after retention): simpler than tracing which ones held them.
  std::vector<std::string> categories;
  if (!affected.empty())
    for (auto& [name, snap] : next.category_snaps) categories.push_back(name);
  if (!dry_run) AIPS_RETURN_IF_ERROR(RederiveBrandFacts(dir, &next, affected, categories));

  // 2. Identity links (first-party orders already matched became events, removed above).
  AIPS_ASSIGN_OR_RETURN(FirstPartyData fp, LoadFirstParty(dir, m.firstparty_generation));
  const std::set<std::string> names(users.begin(), users.end());
  out.identity_links_removed =
      absl::erase_if(fp.identity, [&](const auto& kv) { return names.count(kv.second); });
  if (out.identity_links_removed > 0 && !dry_run) {
    AIPS_RETURN_IF_ERROR(SaveFirstParty(dir, gen, fp));
    next.firstparty_generation = gen;
  }

  // 3. Attributes and saved crowds (dense ids).
  if (!ids.empty()) {
    AIPS_ASSIGN_OR_RETURN(UserAttributes attrs, LoadAttributes(dir, m.attributes_generation));
    for (auto& [tag, users_with] : attrs.tags) {
      for (uint32_t id : ids) {
        if (!users_with.contains(id)) continue;
        users_with.remove(id);
        ++out.attribute_tags_removed;
      }
    }
    if (out.attribute_tags_removed > 0 && !dry_run) {
      AIPS_RETURN_IF_ERROR(SaveAttributes(dir, gen, attrs));
      next.attributes_generation = gen;
    }
    const std::vector<uint32_t> ids_vec(ids.begin(), ids.end());
    // Counted here, written after the commit: until then every read of a saved crowd leaves tombstoned
    // ids out (EmbeddedEngine::LiveMembers), so a failed commit leaves the crowds as they were.
    AIPS_ASSIGN_OR_RETURN(out.crowds_changed,
                          RemoveFromSavedCrowds(dir, Roaring(ids_vec.size(), ids_vec.data()), true));
    AIPS_ASSIGN_OR_RETURN(Experiments experiments, LoadExperiments(dir, m.experiments_generation));
    out.assignments_removed = experiments.Erase(ids_vec);
    if (out.assignments_removed > 0 && !dry_run) {
      AIPS_RETURN_IF_ERROR(SaveExperiments(dir, gen, experiments));
      next.experiments_generation = gen;
    }
  }

  // 4. Private messages they sent or received, and their authorship of notes (the notes stay: content).
  {
    AIPS_ASSIGN_OR_RETURN(ConsultData consult, LoadConsult(dir, m.consult_generation));
    const size_t before = consult.messages.size();
    std::erase_if(consult.messages, [&](const Message& msg) { return names.count(msg.user) > 0; });
    out.messages_removed = before - consult.messages.size();
    if (out.messages_removed > 0 && !dry_run) {
      AIPS_RETURN_IF_ERROR(SaveConsult(dir, gen, consult));
      next.consult_generation = gen;
    }
    AIPS_ASSIGN_OR_RETURN(NotesTable notes, LoadNotes(dir, m.notes_generation));
    for (auto& [id, n] : notes.notes) {
      if (!names.count(n.author)) continue;
      n.author.clear();
      ++out.notes_unlinked;
    }
    if (out.notes_unlinked > 0 && !dry_run) {
      AIPS_RETURN_IF_ERROR(SaveNotes(dir, gen, notes));
      next.notes_generation = gen;
    }
  }

  // 5. Rejected rows that quote the users.
  AIPS_ASSIGN_OR_RETURN(out.reject_lines_removed, ScrubRejects(dir, users, dry_run));
  // ... and event-id prefixes that contain them (in place: the runs keep their ids).
  AIPS_ASSIGN_OR_RETURN(out.id_shapes_hashed, HashShapesNamingUsers(dir, m.id_runs, users, dry_run));

  // 6. Dictionary tombstones and fingerprints.
  if (!ids.empty() && !dry_run) {
    for (uint32_t id : ids) user_dict->Tombstone(id);
    AIPS_ASSIGN_OR_RETURN(next.dicts[kDictUser], user_dict->WriteWhole(DictPath(dir, kDictUser, gen), gen));
  }
  if (block) {
    for (const std::string& u : users) next.forgotten.push_back(ForgetFingerprint(u));
    std::sort(next.forgotten.begin(), next.forgotten.end());
    next.forgotten.erase(std::unique(next.forgotten.begin(), next.forgotten.end()), next.forgotten.end());
    out.blocked = true;
  }
  if (dry_run) return out;

  // 7. The commit, then the files it made stale.
  const bool changed = !ids.empty() || out.identity_links_removed > 0 || out.messages_removed > 0 ||
                       out.notes_unlinked > 0 || next.forgotten != m.forgotten;
  if (changed) {
    AIPS_RETURN_IF_ERROR(store.CommitManifest(std::move(next)));
    AIPS_RETURN_IF_ERROR(store.RemoveGarbage());
  }
  // The saved crowds lose the users' ids (and any an interrupted earlier run left behind).
  {
    const std::vector<uint32_t>& tombs = user_dict->tombstoned();
    Roaring gone(tombs.size(), tombs.data());
    AIPS_RETURN_IF_ERROR(RemoveFromSavedCrowds(dir, gone, false).status());
  }
  // The affected brands' snapshots and every category crowd's (reset above).
  AIPS_ASSIGN_OR_RETURN(out.snapshot_files_deleted,
                        DeleteSnapshotFiles(dir, {affected.begin(), affected.end()}, !affected.empty()));
  return out;
}

}  // namespace aips
