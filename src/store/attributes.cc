#include "store/attributes.h"

#include <algorithm>

#include "common/bytes.h"
#include "common/compress.h"
#include "common/file_util.h"

namespace aips {

namespace {
constexpr std::string_view kMagic = "AIPSATT1";
}  // namespace

bool UserAttributes::Set(uint32_t user, const std::vector<std::string>& wanted) {
  bool changed = false;
  for (auto& [tag, users] : tags) {
    const bool want = std::find(wanted.begin(), wanted.end(), tag) != wanted.end();
    if (users.contains(user) != want) {
      changed = true;
      if (want) {
        users.add(user);
      } else {
        users.remove(user);
      }
    }
  }
  for (const std::string& t : wanted) {
    if (tags.count(t)) continue;
    tags[t].add(user);
    changed = true;
  }
  return changed;
}

std::string UserAttributes::Encode() const {
  ByteWriter w;
  w.Varint(tags.size());
  for (auto& [tag, users] : tags) {
    Roaring r = users;
    r.runOptimize();
    std::string bytes(r.getSizeInBytes(true), '\0');
    r.write(bytes.data(), true);
    w.Str(tag);
    w.Str(bytes);
  }
  return FrameCompressed(kMagic, w.buffer());
}

Result<UserAttributes> UserAttributes::Decode(std::string_view file, const std::string& name) {
  std::string raw;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, UnframeCompressed(file, kMagic, name, &raw));
  ByteReader r(payload, name);
  UserAttributes a;
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string tag;
    std::string_view bytes;
    AIPS_RETURN_IF_ERROR(r.Str(&tag));
    AIPS_RETURN_IF_ERROR(r.StrView(&bytes));
    a.tags[tag] = Roaring::readSafe(bytes.data(), bytes.size());  // checksummed by the frame
  }
  return a;
}

std::string AttributesPath(const std::string& dir, uint64_t generation) {
  return dir + "/attributes-" + std::to_string(generation) + ".bin";
}

Result<UserAttributes> LoadAttributes(const std::string& dir, uint64_t generation) {
  if (generation == 0) return UserAttributes{};
  const std::string path = AttributesPath(dir, generation);
  AIPS_ASSIGN_OR_RETURN(std::string file, ReadFile(path));
  return UserAttributes::Decode(file, path.substr(dir.size() + 1));
}

Status SaveAttributes(const std::string& dir, uint64_t generation, const UserAttributes& a) {
  return WriteFileAtomic(AttributesPath(dir, generation), a.Encode());
}

}  // namespace aips
