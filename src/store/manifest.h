// The manifest: the one file that says what the data directory holds (docs/formats.md §2).
//
// Every write (an ingest, a compute) creates its new files first, fsyncs them, then replaces MANIFEST
// atomically; that rename is the commit. A file that the manifest does not name is garbage from an
// interrupted write and is never read.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "aips/status.h"
#include "common/date.h"
#include "store/dictionary.h"

namespace aips {

enum DictKind : int {
  kDictUser = 0,
  kDictBrand,
  kDictSpu,
  kDictCampaign,
  kDictNote,
  kDictChannel,
  kNumDicts
};
inline constexpr std::array<const char*, kNumDicts> kDictNames = {"user",     "brand", "spu",
                                                                  "campaign", "note",  "channel"};

struct SegmentInfo {
  Day day = kNoDay;
  uint64_t generation = 0;  // the ingest that wrote it; the file is seg/<YYYYMMDD>-<generation>.seg
  uint64_t rows = 0;
};

// Snapshot validity: snapshots of a brand (or category) are valid for days <= through, when computed
// with rules of fingerprint fp.
struct SnapState {
  Day through = kNoDay;
  uint64_t fp = 0;
  // True when the stored snapshot was computed with fingerprint `f` and reaches `day`.
  bool Covers(uint64_t f, Day day) const { return fp == f && through != kNoDay && through >= day; }
};

struct BrandInfo {
  std::vector<uint32_t> spus;  // sorted SPU ids that have events of this brand
  Day first_day = kNoDay, last_day = kNoDay;
  uint64_t rows = 0;
  SnapState snap;
};

struct Manifest {
  uint64_t generation = 0;
  std::string timezone;  // the zone segments were partitioned with ("" until the first event)
  std::array<DictInfo, kNumDicts> dicts{};
  std::vector<SegmentInfo> segments;    // sorted by (day, generation)
  std::vector<uint64_t> id_runs;        // generations of ids/<generation>.ids
  uint64_t tables_generation = 0;       // 0: no side tables
  uint64_t attributes_generation = 0;   // 0: no user attributes
  uint64_t firstparty_generation = 0;   // 0: no first-party data
  uint64_t notes_generation = 0;        // 0: no notes table (issue #9)
  uint64_t consult_generation = 0;      // 0: no accounts or messages
  uint64_t experiments_generation = 0;  // 0: no experiment assignments (issue #17)
  std::vector<BrandInfo> brands;        // by brand id (size <= brand dictionary)
  std::map<std::string, SnapState> category_snaps;
  // Fingerprints (ForgetFingerprint) of users erased by `aips forget` whose rows later ingests refuse;
  // sorted, unique.
  std::vector<uint64_t> forgotten;

  Day FirstDay() const { return segments.empty() ? kNoDay : segments.front().day; }
  Day LastDay() const { return segments.empty() ? kNoDay : segments.back().day; }
  uint64_t TotalRows() const;

  std::string Encode() const;
  static Result<Manifest> Decode(std::string_view file);
};

std::string SegmentPath(const std::string& dir, const SegmentInfo& s);
// Puts segments in the manifest's order: by (day, generation).
void SortSegments(std::vector<SegmentInfo>* segments);
// dict/<name>.dict for file_gen 0, dict/<name>-<file_gen>.dict after a rewrite (aips forget).
std::string DictPath(const std::string& dir, int kind, uint64_t file_gen);
std::string IdRunPath(const std::string& dir, uint64_t generation);

// The keyed hash by which a forgotten user's later rows are recognised without keeping the id itself.
uint64_t ForgetFingerprint(std::string_view user);

// Reads DIR/MANIFEST; NotFound when the directory holds no aips store.
Result<Manifest> ReadManifest(const std::string& dir);
Status WriteManifest(const std::string& dir, const Manifest& m);

}  // namespace aips
