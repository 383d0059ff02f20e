// Numeric event ids (docs/formats.md §6): an id that is `prefix + d digits`, with 1 <= d <= 18 and a
// prefix of at most 32 bytes that does not end in an ASCII digit (the digits are all the trailing ones).
// Leading zeros count in d: "e000123" is prefix "e", 6 digits, number 123, and differs from "e123"
// (3 digits). The pair (prefix, d) is the id's shape; the id is exactly its shape plus its number, so
// `FormatNumericId` gives back the original string. Every other id (no trailing digit, 19 or more
// digits, a longer prefix) is not numeric.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aips {

constexpr size_t kMaxIdPrefix = 32;
constexpr int kMaxIdDigits = 18;

struct NumericId {
  std::string_view prefix;  // a view into the parsed id
  int digits = 0;
  uint64_t number = 0;
};

std::optional<NumericId> ParseNumericId(std::string_view id);

// 10^digits for 0 <= digits <= 18: the numbers of a shape are below it.
uint64_t NumericIdLimit(int digits);

// The shape as one string: the prefix followed by one byte holding d. Unambiguous whatever bytes the
// prefix holds, since the last byte is always d.
std::string ShapeKey(std::string_view prefix, int digits);
// Writes the key of `id`'s shape into buf (at least kMaxIdPrefix + 1 bytes); returns its length.
size_t ShapeKeyInto(const NumericId& id, char* buf);

// Formats the ids of one shape: the prefix once, then the number zero-padded to d digits per id.
class NumericIdFormatter {
 public:
  NumericIdFormatter(std::string_view prefix, int digits);
  // The id string of `number` (< 10^digits); valid until the next call.
  std::string_view Format(uint64_t number);

 private:
  char buf_[kMaxIdPrefix + kMaxIdDigits];
  size_t prefix_len_;
  int digits_;
};

}  // namespace aips
