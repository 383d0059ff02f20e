#include "store/id_runs.h"

#include <algorithm>
#include <cstring>

#include "common/bytes.h"
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

Result<StoredIds> StoredIds::Open(const std::string& dir, const std::vector<uint64_t>& generations) {
  StoredIds ids;
  for (uint64_t g : generations) {
    const std::string path = IdRunPath(dir, g);
    AIPS_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
    AIPS_ASSIGN_OR_RETURN(std::string_view payload, Unframe(f.view(), kMagic, kVersion, path));
    if (payload.size() % 8 != 0) return Status::Corruption(path + ": size is not a multiple of 8");
    // The payload starts 24 bytes into a page-aligned mapping, so it is 8-byte aligned.
    const auto* data = reinterpret_cast<const uint64_t*>(payload.data());
    const size_t n = payload.size() / 8;
    if (!std::is_sorted(data, data + n)) return Status::Corruption(path + ": ids are not sorted");
    ids.runs_.emplace_back(data, n);
    ids.size_ += n;
    ids.files_.push_back(std::move(f));
  }
  return ids;
}

bool StoredIds::Contains(uint64_t hash) const {
  for (auto [data, n] : runs_)
    if (std::binary_search(data, data + n, hash)) return true;
  return false;
}

}  // namespace aips
