// The incremental stage state of one scope (a brand, an SPU, or a category crowd),
// docs/definitions.md#stage-rules.
//
// For each user the scope has seen, the state keeps the days of the last k qualifying events of each
// stage (k = the stage's min_count). A stage holds as of day D when the oldest of those k days is
// inside the window [D-W+1, D]; the user's stage is the highest that holds. Processing a day costs the
// users with events that day plus the users whose stage expires that day (an expiry calendar), never a
// rescan of the window.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "aips/status.h"
#include "common/date.h"

namespace aips {

struct StageSpec {
  int window_days = 30;
  int min_count = 1;
};

// A user whose stage changed on a day. Stages are 0 = none, 1..n = stage index + 1.
struct StageChange {
  uint32_t user;
  uint8_t from, to;
};

class ScopeState {
 public:
  // `first_day` is the first day that will be processed; days must then be processed in order.
  ScopeState(std::span<const StageSpec> specs, Day first_day);

  // A qualifying event on `day` for every stage whose bit is set in `mask` (bit i = stage index i).
  void Hit(uint32_t user, uint32_t mask, Day day);
  // Closes `day`: re-evaluates users hit today and users whose stage expires today, appends the
  // users whose stage changed to *changes, and keeps per-stage member counts current.
  void EndDay(Day day, std::vector<StageChange>* changes);

  int num_stages() const { return static_cast<int>(specs_.size()); }
  // Calls fn(user, stage) for every user whose current stage is not none.
  template <typename Fn>
  void ForEachMember(Fn fn) const {
    for (size_t s = 0; s < stage_.size(); ++s)
      if (stage_[s] != 0) fn(slot_user_[s], stage_[s]);
  }
  uint32_t num_users() const { return static_cast<uint32_t>(slot_user_.size()); }

  // The state after `through` was closed, for resuming on through + 1 in a later process
  // (scope_state_io.cc; docs/formats.md §7). kV2 keeps only the users with a ring day inside their
  // stage's window as of `through` and no expiry calendar; kV1 (all slots, raw rings, the calendar) is
  // still written on request, for tests of old files.
  enum class Format : uint8_t { kV1 = 1, kV2 = 2 };
  void Serialize(Day through, std::string* out, Format format = Format::kV2) const;
  // Reads what Serialize(through, ..., format) wrote (advances *in). `specs` and `first_day` must be those
  // it was built with; stages, expiries and the calendar are derived again as of `through`. A loaded state
  // gives the same stages and the same sets of changes on every later day as the state it was written
  // from. Damaged input gives Corruption.
  static Result<ScopeState> Deserialize(std::string_view* in, std::span<const StageSpec> specs, Day first_day,
                                        Day through, Format format = Format::kV2);

 private:
  uint32_t SlotOf(uint32_t user);
  uint8_t Evaluate(uint32_t slot, Day day, Day* expiry) const;
  // After the slots' users and rings are set: stages and expiries as of `through`, the user index, and
  // (with `refile`) each member filed on its expiry day.
  void Rebuild(Day through, bool refile);
  void SerializeV1(Day through, std::string* out) const;
  void SerializeV2(Day through, std::string* out) const;
  static Status DeserializeV1(std::string_view* in, Day through, ScopeState* s);
  static Status DeserializeV2(std::string_view* in, Day through, ScopeState* s);

  std::vector<StageSpec> specs_;
  std::vector<uint32_t> ring_offset_;  // per stage, into a slot's ring block
  uint32_t stride_ = 0;                // ring entries per slot
  Day first_day_;

  absl::flat_hash_map<uint32_t, uint32_t> slot_of_;
  // The last user SlotOf found and its slot: a brand block's rows come sorted by (SPU, user, ts), so a
  // user's events of one SPU arrive together and skip the hash lookup (slots never move; a reload resets it).
  uint32_t last_user_ = 0xFFFFFFFFu, last_slot_ = 0;
  std::vector<uint32_t> slot_user_;
  std::vector<uint8_t> stage_;
  std::vector<Day> filed_expiry_;
  std::vector<Day> touched_on_;
  std::vector<Day> ring_;  // stride_ entries per slot, each stage's days ascending, kNoDay = empty
  std::vector<uint32_t> touched_;
  std::vector<std::vector<uint32_t>> calendar_;  // by day - first_day_: slots to re-evaluate
};

}  // namespace aips
