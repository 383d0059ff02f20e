// libFuzzer target: every on-disk format reader on arbitrary bytes (the first byte picks the format).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_util.h"
#include "model/scope_state.h"
#include "model/snapshot.h"
#include "store/catalog.h"
#include "store/dictionary.h"
#include "store/first_party.h"
#include "store/manifest.h"
#include "store/segment.h"
#include "store/segment_v2.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 8;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (which) {
    case 0:
      (void)aips::Manifest::Decode(body);
      break;
    case 1:
      (void)aips::Catalog::Decode(body, "fuzz");
      break;
    case 2:
      (void)aips::FirstPartyData::Decode(body, "fuzz");
      break;
    case 6:
    case 7: {
      // An engine state (docs/formats.md §7), v2 and v1, for stage rules with a min_count above 1.
      static const aips::StageSpec specs[] = {{30, 1}, {14, 2}, {7, 1}};
      std::string_view in = body;
      auto state = aips::ScopeState::Deserialize(
          &in, specs, 100, 130, which == 6 ? aips::ScopeState::Format::kV2 : aips::ScopeState::Format::kV1);
      if (state.ok()) {
        std::vector<aips::StageChange> changes;
        state->EndDay(131, &changes);
      }
      break;
    }
    default: {
      // File-backed readers: write the bytes to a temporary file first.
      static const std::string path = "/tmp/aips-fuzz-" + std::to_string(getpid());
      if (!aips::WriteAt(path, 0, body).ok()) return 0;
      if (which == 3) {
        auto seg = aips::Segment::Open(path, 0);
        if (seg.ok()) (void)seg->VerifyAll();
        // Checksums keep damaged blocks away from the v2 decoder; a body that is not a segment file is
        // fed to it directly as one block (its first u32 is the block's row count), in a heap copy of
        // exactly its bytes so that any read past them is caught.
        if (body.size() >= 4 && body.substr(0, 7) != "AIPSSEG") {
          uint32_t rows;
          std::memcpy(&rows, body.data(), 4);
          std::string copy(body);
          (void)aips::DecodeBlockV2(copy, rows);
        }
      } else if (which == 4) {
        (void)aips::Dictionary::Load(path, aips::DictInfo{1000, body.size()});
      } else {
        auto snap = aips::SnapshotReader::Open(path);
        if (snap.ok()) {
          for (aips::Day d = snap.value()->first_day();
               d <= snap.value()->through() && d < snap.value()->first_day() + 40; ++d) {
            (void)snap.value()->Counts(0xFFFFFFFFu, d);
            (void)snap.value()->Members(0xFFFFFFFFu, d);
          }
        }
      }
    }
  }
  return 0;
}
