#include "store/first_party.h"

#include <algorithm>
#include <vector>

#include "common/bytes.h"
#include "common/compress.h"
#include "common/file_util.h"
#include "common/hash_tables.h"

namespace aips {

namespace {
constexpr std::string_view kMagic = "AIPSFP01";

int HexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }
}  // namespace

std::string IdentityKey(uint8_t id_type, std::string_view hex64) {
  std::string key(33, '\0');
  key[0] = static_cast<char>(id_type);
  for (size_t i = 0; i < 32 && 2 * i + 1 < hex64.size(); ++i) {
    key[i + 1] = static_cast<char>(HexValue(hex64[2 * i]) * 16 + HexValue(hex64[2 * i + 1]));
  }
  return key;
}

std::string FirstPartyData::Encode() const {
  ByteWriter w;
  w.U64(orders);
  w.U64(matched);
  std::vector<std::pair<std::string, std::string>> ids(identity.begin(), identity.end());
  std::sort(ids.begin(), ids.end());
  w.Varint(ids.size());
  for (auto& [k, u] : ids) w.Str(k), w.Str(u);
  w.Varint(unmatched.size());
  for (auto& [id, o] : unmatched)
    w.Str(id), w.Str(o.key), w.I64(o.ts), w.Str(o.brand), w.Str(o.spu), w.I64(o.amount);
  return FrameCompressed(kMagic, w.buffer());
}

Result<FirstPartyData> FirstPartyData::Decode(std::string_view file, const std::string& name) {
  std::string raw;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, UnframeCompressed(file, kMagic, name, &raw));
  ByteReader r(payload, name);
  FirstPartyData d;
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.U64(&d.orders));
  AIPS_RETURN_IF_ERROR(r.U64(&d.matched));
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  // Room up front, bounded by the bytes (an entry takes at least two): the table never grows while it is
  // read, and its entries own strings (common/hash_tables.h).
  d.identity = WithRoomFor<decltype(d.identity)>(std::min<uint64_t>(n, payload.size() / 2));
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, u;
    AIPS_RETURN_IF_ERROR(r.Str(&k));
    AIPS_RETURN_IF_ERROR(r.Str(&u));
    d.identity[k] = u;
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string id;
    PendingOrder o;
    AIPS_RETURN_IF_ERROR(r.Str(&id));
    AIPS_RETURN_IF_ERROR(r.Str(&o.key));
    AIPS_RETURN_IF_ERROR(r.I64(&o.ts));
    AIPS_RETURN_IF_ERROR(r.Str(&o.brand));
    AIPS_RETURN_IF_ERROR(r.Str(&o.spu));
    AIPS_RETURN_IF_ERROR(r.I64(&o.amount));
    d.unmatched[id] = o;
  }
  if (!r.done()) return Status::Corruption(name + ": trailing bytes");
  return d;
}

std::string FirstPartyPath(const std::string& dir, uint64_t generation) {
  return dir + "/firstparty-" + std::to_string(generation) + ".bin";
}

Result<FirstPartyData> LoadFirstParty(const std::string& dir, uint64_t generation) {
  if (generation == 0) return FirstPartyData{};
  const std::string path = FirstPartyPath(dir, generation);
  AIPS_ASSIGN_OR_RETURN(std::string file, ReadFile(path));
  return FirstPartyData::Decode(file, path.substr(dir.size() + 1));
}

Status SaveFirstParty(const std::string& dir, uint64_t generation, const FirstPartyData& data) {
  return WriteFileAtomic(FirstPartyPath(dir, generation), data.Encode());
}

}  // namespace aips
