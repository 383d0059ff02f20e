#include "store/id_runs.h"

#include <algorithm>
#include <cstring>

#include "common/bytes.h"
#include "common/file_util.h"
#include "store/manifest.h"

namespace aips {

namespace {
constexpr std::string_view kMagic = "AIPSIDS1";
constexpr uint32_t kVersion = 1;
}  // namespace

Status WriteIdRun(const std::string& dir, uint64_t generation, std::vector<uint64_t> hashes) {
  std::sort(hashes.begin(), hashes.end());
  std::string payload(reinterpret_cast<const char*>(hashes.data()), hashes.size() * 8);
  return WriteAt(IdRunPath(dir, generation), 0, Frame(kMagic, kVersion, payload));
}

Status LoadIdRuns(const std::string& dir, const std::vector<uint64_t>& generations,
                  absl::flat_hash_set<uint64_t>* out) {
  std::vector<std::pair<MappedFile, std::string_view>> files;
  size_t total = 0;
  for (uint64_t g : generations) {
    const std::string path = IdRunPath(dir, g);
    AIPS_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
    AIPS_ASSIGN_OR_RETURN(std::string_view payload, Unframe(f.view(), kMagic, kVersion, path));
    if (payload.size() % 8 != 0) return Status::Corruption(path + ": size is not a multiple of 8");
    total += payload.size() / 8;
    files.emplace_back(std::move(f), payload);
  }
  out->reserve(total + total / 4);
  for (auto& [f, payload] : files) {
    for (size_t i = 0; i < payload.size(); i += 8) {
      uint64_t h;
      std::memcpy(&h, payload.data() + i, 8);
      out->insert(h);
    }
  }
  return Status::OK();
}

}  // namespace aips
