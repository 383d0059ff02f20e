// A one-line progress bar on stderr for long inputs (shown only on a terminal and for inputs over 8 MiB).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <string>

#include "fmt/format.h"

namespace aips {

class Progress {
 public:
  Progress(bool enabled, std::string label, size_t total)
      : enabled_(enabled && total > (8u << 20) && isatty(2)), label_(std::move(label)), total_(total) {}
  void Update(size_t done) {
    if (!enabled_) return;
    int pct = static_cast<int>(100.0 * done / std::max<size_t>(total_, 1));
    if (pct == last_) return;
    last_ = pct;
    int bar = pct / 4;
    fmt::print(stderr, "\r{} [{}{}] {:3d}%", label_, std::string(bar, '#'), std::string(25 - bar, ' '), pct);
  }
  void Done() {
    if (enabled_ && last_ >= 0) fmt::print(stderr, "\r{} [{}] 100%\n", label_, std::string(25, '#'));
  }

 private:
  bool enabled_;
  std::string label_;
  size_t total_;
  int last_ = -1;
};

}  // namespace aips
