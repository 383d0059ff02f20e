// `aips simulate`: a seeded, realistic world in the input formats of docs/input.md (docs/simulate.md).
//
// Categories with their decision cycles (face serum 29 days, baby food 70, ...), competing brands with
// SPUs, campaigns with daily spend, and users whose journeys move through the stages with delays drawn
// from the category's cycle; organic and paid exposure, posts with sentiment, retried deliveries
// (duplicate event ids) and, on request, malformed rows. The same options and seed give the same files.
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
};

struct SimResult {
  uint64_t events = 0;  // data rows written to events.csv (duplicates and bad rows included)
  uint64_t duplicates = 0;
  uint64_t bad_rows = 0;
  int brands = 0, spus = 0, campaigns = 0;
  std::string first_brand;  // the largest brand of face serum (for demos)
};

Result<SimResult> Simulate(const SimOptions& options);

}  // namespace aips
