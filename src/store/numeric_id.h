// Numeric event ids (docs/formats.md §6): an id that ends in a number, stored as its shape and the number.
//
// An id is parsed once, by the first rule that applies:
//  - hexadecimal: its trailing run H of lowercase hex characters [0-9a-f] holds a letter after its first
//    digit (as in "e00000004e14"), H is at most 16 characters and the rest (the prefix) at most 32 bytes:
//    the number is H read in base 16, with h = |H| digits;
//  - decimal: it ends in d ASCII digits (all of its trailing ones), 1 <= d <= 18, and the prefix before
//    them is at most 32 bytes: the number is those digits in base 10.
// Every other id is not numeric. Leading zeros count in d: "e000123" is prefix "e", 6 digits, number 123,
// and differs from "e123" (3 digits). (prefix, digits, radix) is the id's shape; an id is exactly its
// shape plus its number, so `NumericIdFormatter` gives back the original string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aips {

constexpr size_t kMaxIdPrefix = 32;
constexpr int kMaxIdDigits = 18;     // decimal
constexpr int kMaxHexIdDigits = 16;  // hexadecimal: the number fits 64 bits

struct NumericId {
  std::string_view prefix;  // a view into the parsed id
  int digits = 0;
  int radix = 10;  // 10 or 16
  uint64_t number = 0;
};

std::optional<NumericId> ParseNumericId(std::string_view id);

// True when `number` has at most `digits` digits in `radix` (the numbers a shape can hold).
bool FitsDigits(uint64_t number, int digits, int radix);
// True when (prefix, digits, radix) can be the shape of a parsed id (the writer's and reader's check).
bool ValidShape(std::string_view prefix, int digits, int radix);

// The shape as one string: the prefix followed by one byte, d for decimal and 0x20 + d for hexadecimal.
// Unambiguous whatever bytes the prefix holds, since the last byte is always that one.
std::string ShapeKey(std::string_view prefix, int digits, int radix);
// Writes the key of `id`'s shape into buf (at least kMaxIdPrefix + 1 bytes); returns its length.
size_t ShapeKeyInto(const NumericId& id, char* buf);

// Formats the ids of one shape: the prefix once, then per id the number zero-padded to d digits.
class NumericIdFormatter {
 public:
  NumericIdFormatter(std::string_view prefix, int digits, int radix);
  // The id string of `number` (FitsDigits); valid until the next call.
  std::string_view Format(uint64_t number);

 private:
  char buf_[kMaxIdPrefix + kMaxIdDigits];
  size_t prefix_len_;
  int digits_, radix_;
};

}  // namespace aips
