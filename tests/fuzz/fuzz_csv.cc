// libFuzzer target: the CSV record reader and the event parser on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/event_parser.h"
#include "ingest/row_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto format = aips::DetectFormat(text, std::nullopt, "fuzz");
  if (!format.ok()) return 0;
  aips::ForEachRow(
      text, format.value(),
      [](const aips::InputRow& row) {
        if (!row.error.empty() || row.value.size() != aips::kNumEventFields) return;
        aips::RawEvent raw;
        for (int f = 0; f < aips::kNumEventFields; ++f) {
          raw.value[f] = row.value[f];
          raw.present[f] = row.present[f];
          raw.is_number[f] = row.is_number[f];
        }
        aips::ParsedEvent ev;
        aips::RowError err;
        (void)aips::ParseEvent(raw, &ev, &err);
      },
      nullptr);
  return 0;
}
