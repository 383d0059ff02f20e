// The demo world's content and consultations (issue #9, docs/simulate.md): notes.csv (each brand's notes
// with topics, a tenth of them "trending" on a rising topic that events favour more and more as the days
// go by), and a local-service merchant (home decoration) with headquarters, regional and staff accounts,
// its campaign, and their private-message conversations (accounts.csv, messages.csv).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aips/status.h"
#include "common/date.h"

namespace aips {

// Notes per brand: events of brand b carry note ids n[b·K, (b+1)·K).
uint64_t NotesPerBrand(uint64_t users);
// Share of a day's note engagements that go to trending notes on the last day (growing linearly).
inline constexpr double kTrendShare = 0.5;
// The rising topic of a category (its index in the simulator's categories): every trending note has it.
const char* RisingTopic(int category);

struct ContentBrand {
  std::string name;
  int category =
      0;  // index into the simulator's categories (face_serum, baby_food, lipstick, sunscreen, coffee)
  std::vector<std::string> spus;
};

struct ContentExtras {  // rows the caller appends to its side tables
  std::string brands, campaigns, spend;
};

Status WriteContent(const std::string& dir, const std::vector<ContentBrand>& brands, uint64_t users, int days,
                    Day start, uint64_t seed, ContentExtras* extras);

}  // namespace aips
