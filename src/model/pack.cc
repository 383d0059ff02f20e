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
  out->clear();
  if (n > in->size() * 64) return Status::Corruption("packed ids: truncated");  // >= 1 byte per frame
  out->reserve(n);
  uint64_t prev = 0;  // the previous id + 1
  for (size_t at = 0; at < n; at += 64) {
    const size_t m = std::min<size_t>(64, n - at);
    if (in->empty()) return Status::Corruption("packed ids: truncated");
    const int width = static_cast<uint8_t>((*in)[0]);
    if (width > 32) return Status::Corruption("packed ids: bad width");
    in->remove_prefix(1);
    BitReader r(*in);
    for (size_t i = 0; i < m; ++i) {
      uint32_t gap;
      if (!r.Get(width, &gap)) return Status::Corruption("packed ids: truncated");
      const uint64_t id = prev + gap;
      if (id > 0xFFFFFFFFu) return Status::Corruption("packed ids: id out of range");
      out->push_back(static_cast<uint32_t>(id));
      prev = id + 1;
    }
    in->remove_prefix(r.bytes_used());
  }
  return Status::OK();
}

}  // namespace aips
