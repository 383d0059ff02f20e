#include "common/crypto.h"

#include <openssl/evp.h>
#include <sys/random.h>

namespace aips {

namespace {
constexpr char kHex[] = "0123456789abcdef";
std::string Hex(const unsigned char* p, size_t n) {
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) out[2 * i] = kHex[p[i] >> 4], out[2 * i + 1] = kHex[p[i] & 15];
  return out;
}
}  // namespace

std::string HexOf(std::string_view raw) {
  return Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

Result<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t got = 0;
  while (got < bytes) {
    ssize_t n = getrandom(raw.data() + got, bytes - got, 0);
    if (n <= 0) return Status::IOError("cannot read random bytes from the kernel");
    got += static_cast<size_t>(n);
  }
  return Hex(reinterpret_cast<const unsigned char*>(raw.data()), bytes);
}

}  // namespace aips
