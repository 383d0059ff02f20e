#include "model/snapshot_codes.h"

#include <algorithm>
#include <cstring>

#include "model/pack.h"

namespace aips {

void PutCodeList(std::span<const uint32_t> users, std::span<const uint8_t> codes, int num_stages,
                 std::string* out) {
  const uint32_t n = static_cast<uint32_t>(users.size());
  out->append(reinterpret_cast<const char*>(&n), 4);
  PutIncreasing(users, out);
  const int width = BitsFor(static_cast<uint32_t>(num_stages));
  BitWriter w(out);
  for (uint8_t c : codes) w.Put(c, width);
  w.Finish();
}

Status GetCodeList(std::string_view blob, int num_stages, bool keyframe, std::vector<uint32_t>* users,
                   std::vector<uint8_t>* codes) {
  uint32_t n;
  if (blob.size() < 4) return Status::Corruption("snapshot list: truncated");
  std::memcpy(&n, blob.data(), 4);
  blob.remove_prefix(4);
  AIPS_RETURN_IF_ERROR(GetIncreasing(&blob, n, users));
  const int width = BitsFor(static_cast<uint32_t>(num_stages));
  if (uint64_t{n} * static_cast<uint64_t>(width) > uint64_t{blob.size()} * 8)
    return Status::Corruption("snapshot list: truncated");
  codes->resize(n);
  BitReader r(blob);
  const uint32_t lowest = keyframe ? 1 : 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t c;
    if (!r.Get(width, &c)) return Status::Corruption("snapshot list: truncated");
    if (c < lowest || c > static_cast<uint32_t>(num_stages))
      return Status::Corruption("snapshot list: bad code");
    (*codes)[i] = static_cast<uint8_t>(c);
  }
  if (r.bytes_used() != blob.size()) return Status::Corruption("snapshot list: bytes left over");
  return Status::OK();
}

void SortByUserKeepLast(std::vector<uint32_t>* users, std::vector<uint8_t>* codes) {
  const size_t n = users->size();
  thread_local std::vector<uint64_t> keys, tmp;  // user | code << 32
  keys.resize(n);
  for (size_t i = 0; i < n; ++i) keys[i] = (*users)[i] | uint64_t{(*codes)[i]} << 32;
  if (n < 512) {  // below this, clearing the 2 x 64 Ki counters costs more than sorting
    std::stable_sort(keys.begin(), keys.end(), [](uint64_t a, uint64_t b) {
      return static_cast<uint32_t>(a) < static_cast<uint32_t>(b);
    });
  } else {  // two stable 16-bit passes over the user
    thread_local std::vector<uint32_t> count;
    tmp.resize(n);
    for (int shift = 0; shift < 32; shift += 16) {
      count.assign(65537, 0);
      for (uint64_t k : keys) ++count[((k >> shift) & 0xFFFF) + 1];
      for (size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
      for (uint64_t k : keys) tmp[count[(k >> shift) & 0xFFFF]++] = k;
      keys.swap(tmp);
    }
  }
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t u = static_cast<uint32_t>(keys[i]);
    if (m > 0 && (*users)[m - 1] == u) --m;  // a later pair of the same user replaces it
    (*users)[m] = u;
    (*codes)[m] = static_cast<uint8_t>(keys[i] >> 32);
    ++m;
  }
  users->resize(m);
  codes->resize(m);
}

}  // namespace aips
