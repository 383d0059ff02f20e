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
  if ((uint64_t{n} * static_cast<uint64_t>(width) + 7) / 8 != blob.size())
    return Status::Corruption("snapshot list: bad length");
  codes->resize(n);
  const uint32_t lowest = keyframe ? 1 : 0;
  uint8_t* out = codes->data();
  bool bad = false;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t c = BitAt(blob, i, width);
    bad |= c < lowest || c > static_cast<uint32_t>(num_stages);
    out[i] = static_cast<uint8_t>(c);
  }
  if (bad) return Status::Corruption("snapshot list: bad code");
  return Status::OK();
}

void SortByUserKeepLast(std::vector<uint32_t>* users, std::vector<uint8_t>* codes) {
  const size_t n = users->size();
  thread_local std::vector<uint64_t> keys, tmp;  // user | code << 32
  keys.resize(n);
  for (size_t i = 0; i < n; ++i) keys[i] = (*users)[i] | uint64_t{(*codes)[i]} << 32;
  if (n < 256) {
    std::stable_sort(keys.begin(), keys.end(), [](uint64_t a, uint64_t b) {
      return static_cast<uint32_t>(a) < static_cast<uint32_t>(b);
    });
  } else {  // three stable 11-bit passes over the user (small counters: cheap to clear for mid-size lists)
    uint32_t count[3][2049] = {};
    for (uint64_t k : keys) {
      ++count[0][(k & 0x7FF) + 1];
      ++count[1][((k >> 11) & 0x7FF) + 1];
      ++count[2][((k >> 22) & 0x3FF) + 1];
    }
    tmp.resize(n);
    for (int pass = 0; pass < 3; ++pass) {
      uint32_t* c = count[pass];
      for (int i = 1; i < 2049; ++i) c[i] += c[i - 1];
      const int shift = 11 * pass;
      const uint64_t mask = pass == 2 ? 0x3FF : 0x7FF;
      for (uint64_t k : keys) tmp[c[(k >> shift) & mask]++] = k;
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
