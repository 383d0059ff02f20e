#include "front/ingest_into.h"

#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "distributed/ch_loader.h"
#include "store/store.h"

namespace aips {

Result<IngestResult> IngestInto(const EngineSource& source, const std::vector<InputBuffer>& inputs,
                                const IngestOptions& options, std::vector<std::string>* reject_records,
                                size_t max_records) {
  AIPS_RETURN_IF_ERROR(CheckEngineSource(source));
  if (!source.engine_url.empty()) {
    AIPS_ASSIGN_OR_RETURN(auto ch, ChStore::Connect(source.engine_url, ChStore::Mode::kWrite));
    return IngestBuffersToClickHouse(*ch, inputs, options, reject_records, max_records);
  }
  AIPS_ASSIGN_OR_RETURN(auto store, Store::Open(source.data_dir, Store::Mode::kWrite));
  AIPS_ASSIGN_OR_RETURN(IngestResult r, IngestBuffers(*store, inputs, options));
  auto text = ReadFile(r.rejects_file);
  if (text.ok()) {
    for (absl::string_view line : absl::StrSplit(text.value(), '\n', absl::SkipEmpty())) {
      if (reject_records->size() >= max_records) break;
      reject_records->emplace_back(line);
    }
  }
  return r;
}

}  // namespace aips
