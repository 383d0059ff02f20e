// `aips simulate`: a seeded, realistic world in the input formats of docs/input.md (docs/simulate.md).
//
// Categories with their decision cycles (face serum 29 days, baby food 70, ...), competing brands with
// SPUs, campaigns with daily spend, and users whose journeys move through the stages with delays drawn
// from the category's cycle; organic and paid exposure, posts with sentiment, retried deliveries
// (duplicate event ids) and, on request, malformed rows. The same options and seed give the same files.
//
// The world's causes are planted and written beside it (truth.json, docs/simulate.md): each campaign's
// effect per stage, randomised holdouts (experiments.csv) with the effect each would measure worked out
// from every member's outcome with and without the campaign, selection bias in targeting, segments that
// prefer brands, first-party customers who buy more, brands that differ in content and word of mouth.
#pragma once

#include <cstdint>
#include <string>

#include "aips/status.h"
#include "common/date.h"

namespace aips {

struct SimOptions {
  std::string out_dir;
  uint64_t users = 20000;
  int days = 90;
  uint64_t seed = 1;
  int brands = 0;                 // 0: scaled with users (10 .. 100)
  Day start = kNoDay;             // first day (default 2024-09-01)
  uint64_t bad_rows = 0;          // malformed rows mixed into events.csv
  double duplicate_rate = 0.003;  // share of events delivered twice with the same event_id
  bool effects = true;            // false (--effects none): every campaign's effect is 1.0 (A/A worlds)
  double holdout_share = 0.2;     // share of a holdout campaign's assigned users put in control, [0, 1]
  // Events to standard output instead of out_dir/events.csv (to pipe a world of any size into `aips ingest
  // -`): users in blocks of 100,000, each block's rows written before the next is simulated. The same rows
  // as the file (event ids aside), in another order.
  bool events_stdout = false;
};

struct SimResult {
  uint64_t events = 0;  // data rows written to events.csv (duplicates and bad rows included)
  uint64_t duplicates = 0;
  uint64_t bad_rows = 0;
  int brands = 0, spus = 0, campaigns = 0;
  std::string first_brand;   // the largest brand of face serum (for demos)
  int holdouts = 0;          // campaigns with a holdout (experiments.csv)
  uint64_t assignments = 0;  // rows of experiments.csv
};

Result<SimResult> Simulate(const SimOptions& options);

}  // namespace aips
