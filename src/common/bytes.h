// Little-endian binary encoding for the store's files, and the framed-file container that every
// small on-disk file uses (docs/formats.md §1):
//
//   magic[8] | version u32 | reserved u32 | payload_len u64 | payload | xxh3_64(everything before) u64
//
// ByteReader never reads past its buffer: every getter reports a short buffer as Corruption.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"

namespace aips {

uint64_t Hash64(std::string_view data);

class ByteWriter {
 public:
  void U8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void I32(int32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void I64(int64_t v) { Raw(&v, 8); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<char>(v));
  }
  void Str(std::string_view s) {
    Varint(s.size());
    buf_.append(s.data(), s.size());
  }
  void Bytes(std::string_view s) { buf_.append(s.data(), s.size()); }
  void Raw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  void PadTo(size_t align) {
    while (buf_.size() % align != 0) buf_.push_back('\0');
  }
  size_t size() const { return buf_.size(); }
  void Reserve(size_t n) { buf_.reserve(n); }  // large images: no copies while growing
  std::string& buffer() { return buf_; }
  std::string Take() { return std::move(buf_); }

 private:
  std::string buf_;
};

class ByteReader {
 public:
  ByteReader(std::string_view data, std::string what) : data_(data), what_(std::move(what)) {}
  Status U8(uint8_t* v) { return Get(v, 1); }
  Status U32(uint32_t* v) { return Get(v, 4); }
  Status I32(int32_t* v) { return Get(v, 4); }
  Status U64(uint64_t* v) { return Get(v, 8); }
  Status I64(int64_t* v) { return Get(v, 8); }
  Status Varint(uint64_t* v);
  Status Str(std::string* s);
  Status StrView(std::string_view* s);
  Status Bytes(size_t n, std::string_view* out);
  size_t remaining() const { return data_.size() - pos_; }
  size_t pos() const { return pos_; }
  bool done() const { return pos_ == data_.size(); }
  Status Truncated() const;

 private:
  Status Get(void* v, size_t n) {
    if (remaining() < n) return Truncated();
    std::memcpy(v, data_.data() + pos_, n);
    pos_ += n;
    return Status::OK();
  }
  std::string_view data_;
  size_t pos_ = 0;
  std::string what_;
};

// Wraps a payload in the framed container.
std::string Frame(std::string_view magic8, uint32_t version, std::string_view payload);
// Checks magic, version and checksum of a framed file and returns its payload. `name` is used in
// errors ("snap/b3.snap: checksum mismatch"). With `version_out`, any version from 1 to `version` is
// accepted and the file's version is stored there (for formats that read their older versions).
Result<std::string_view> Unframe(std::string_view file, std::string_view magic8, uint32_t version,
                                 const std::string& name, uint32_t* version_out = nullptr);

}  // namespace aips
