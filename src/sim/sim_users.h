// The demo world's users (docs/simulate.md): each user's tags, intent, first-party orders, journeys,
// holdout assignments and written events, and what every campaign that assigned or reached the user
// caused (sim/sim_truth.h). Users are independent: each is a function of the seed and its number, so
// that any split of the users into threads writes the same rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/event_writer.h"
#include "sim/sim_truth.h"
#include "sim/sim_world.h"

namespace aips::sim {

// One thread's share of the output files and of the truth.
struct UsersOut {
  std::string tags;         // user_attributes.csv rows
  std::string orders;       // orders.csv rows (first-party)
  std::string identity;     // identity.csv rows
  std::string experiments;  // experiments.csv rows
  uint64_t assignments = 0;
  std::vector<CampaignTally> campaigns;  // by campaign index
  PlantTally plants;
};

// Simulates users [u_begin, u_end) of `w` (numbered from 0; written u1, u2, ...). Events go to `events`,
// the rest to `out`, whose tallies must be sized for `w` (Init).
void SimulateUsers(const SimOptions& opt, const World& w, Day start, uint64_t u_begin, uint64_t u_end,
                   EventWriter& events, UsersOut* out);

// Sizes `out`'s tallies for `w`.
void InitUsersOut(const World& w, UsersOut* out);

}  // namespace aips::sim
