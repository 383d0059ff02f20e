// The engine state file beside a snapshot (snap/*.state, docs/formats.md §7): the ScopeState of each of a
// subject's scopes after its last computed day T, from which a later compute continues with T + 1.
//
// Framed as AIPSSTA2 (written) or AIPSSTA1 (still read; written only on request, for tests).
// Payload: `T i32`, `scopes u32`, then per scope `scope u32` and ScopeState::Serialize's bytes in the
// file's format.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "aips/status.h"
#include "common/date.h"
#include "model/scope_state.h"

namespace aips {

struct EngineState {
  Day through = kNoDay;
  std::map<uint32_t, ScopeState> scopes;  // by scope id
};

// The file image of `scopes` (scope id, state) after `through`.
std::string EncodeEngineState(Day through, std::span<const std::pair<uint32_t, const ScopeState*>> scopes,
                              ScopeState::Format format = ScopeState::Format::kV2);

// Reads a file image of either format. `specs` and `first_day` must be those the states were built with.
// Corruption when the frame, the checksum or any scope does not decode, or when bytes are left over.
Result<EngineState> DecodeEngineState(std::string_view file, std::span<const StageSpec> specs, Day first_day);

}  // namespace aips
