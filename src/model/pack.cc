#include "model/pack.h"

#include <algorithm>

namespace aips {

void PutIncreasing(std::span<const uint32_t> ids, std::string* out) {
  uint32_t prev = 0xFFFFFFFFu;  // so the first gap is the first id
  uint32_t gaps[64];
  for (size_t at = 0; at < ids.size(); at += 64) {
    const size_t m = std::min<size_t>(64, ids.size() - at);
    uint32_t any = 0;
    for (size_t i = 0; i < m; ++i) {
      gaps[i] = ids[at + i] - prev - 1;
      prev = ids[at + i];
      any |= gaps[i];
    }
    const int width = BitsFor(any);
    out->push_back(static_cast<char>(width));
    BitWriter w(out);
    for (size_t i = 0; i < m; ++i) w.Put(gaps[i], width);
    w.Finish();
  }
}

Status GetIncreasing(std::string_view* in, size_t n, std::vector<uint32_t>* out) {
  if (n > in->size() * 64) return Status::Corruption("packed ids: truncated");  // >= 1 byte per frame
  out->resize(n);
  uint32_t* o = out->data();
  uint64_t prev = 0;  // the previous id + 1
  for (size_t at = 0; at < n; at += 64) {
    const size_t m = std::min<size_t>(64, n - at);
    if (in->empty()) return Status::Corruption("packed ids: truncated");
    const int width = static_cast<uint8_t>((*in)[0]);
    if (width > 32) return Status::Corruption("packed ids: bad width");
    in->remove_prefix(1);
    const size_t bytes = (m * static_cast<size_t>(width) + 7) / 8;
    if (bytes > in->size()) return Status::Corruption("packed ids: truncated");
    uint64_t id = prev;
    for (size_t i = 0; i < m; ++i) {
      id = prev + BitAt(*in, i, width);
      o[at + i] = static_cast<uint32_t>(id);
      prev = id + 1;
    }
    if (id > 0xFFFFFFFFu) return Status::Corruption("packed ids: id out of range");  // ids only grow
    in->remove_prefix(bytes);
  }
  return Status::OK();
}

}  // namespace aips
