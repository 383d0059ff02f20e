#include "model/engine_state.h"

#include <cstring>

#include "common/bytes.h"

namespace aips {

namespace {
constexpr std::string_view kMagicV1 = "AIPSSTA1";
constexpr std::string_view kMagicV2 = "AIPSSTA2";
}  // namespace

std::string EncodeEngineState(Day through, std::span<const std::pair<uint32_t, const ScopeState*>> scopes,
                              ScopeState::Format format) {
  std::string payload;
  size_t estimate = 64;  // a generous guess of the size: no copies while it grows
  for (auto& [id, st] : scopes)
    estimate += 64 + size_t{st->num_users()} * (format == ScopeState::Format::kV1 ? 32 : 4);
  payload.reserve(estimate);
  const int32_t t = through;
  const uint32_t n = static_cast<uint32_t>(scopes.size());
  payload.append(reinterpret_cast<const char*>(&t), 4);
  payload.append(reinterpret_cast<const char*>(&n), 4);
  for (auto& [id, st] : scopes) {
    payload.append(reinterpret_cast<const char*>(&id), 4);
    st->Serialize(through, &payload, format);
  }
  return format == ScopeState::Format::kV1 ? Frame(kMagicV1, 1, payload) : Frame(kMagicV2, 2, payload);
}

Result<EngineState> DecodeEngineState(std::string_view file, std::span<const StageSpec> specs,
                                      Day first_day) {
  const bool v1 = file.substr(0, 8) == kMagicV1;
  const ScopeState::Format format = v1 ? ScopeState::Format::kV1 : ScopeState::Format::kV2;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, v1 ? Unframe(file, kMagicV1, 1, "engine state")
                                                     : Unframe(file, kMagicV2, 2, "engine state"));
  EngineState out;
  uint32_t n;
  if (payload.size() < 8) return Status::Corruption("engine state: truncated");
  std::memcpy(&out.through, payload.data(), 4);
  std::memcpy(&n, payload.data() + 4, 4);
  payload.remove_prefix(8);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t id;
    if (payload.size() < 4) return Status::Corruption("engine state: truncated");
    std::memcpy(&id, payload.data(), 4);
    payload.remove_prefix(4);
    AIPS_ASSIGN_OR_RETURN(ScopeState st,
                          ScopeState::Deserialize(&payload, specs, first_day, out.through, format));
    if (!out.scopes.emplace(id, std::move(st)).second) return Status::Corruption("engine state: scope twice");
  }
  if (!payload.empty()) return Status::Corruption("engine state: bytes after the last scope");
  return out;
}

}  // namespace aips
