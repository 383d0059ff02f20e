// Writes planned events (sim/journey.h) as rows of events.csv (docs/input.md): an event id, a time of
// day, a note of the brand, and now and then a retried delivery (the same row twice) or, on request, a
// malformed row. Buffered; the caller owns the file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "common/date.h"
#include "sim/journey.h"
#include "sim/simulator.h"

namespace aips::sim {

class EventWriter {
 public:
  // Event ids count up from `id_base` (e00000000000 ...). With f == nullptr rows stay in buffer() until
  // the caller takes them.
  EventWriter(FILE* f, Day start, const SimOptions& opt, uint64_t id_base);
  ~EventWriter() { Flush(); }
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // One row of `brand` for user `user`; draws its time of day, note and retry from `rng`.
  void Emit(Rng& rng, const std::string& user, const World& w, int brand, const SimEvent& e);
  // One malformed row (a missing user, an unknown action, no offset, a negative amount, a post without
  // sentiment or an unparsable time).
  void Bad(Rng& rng, const std::string& user, const Brand& b, int day);
  void Flush();
  std::string& buffer() { return buf_; }

  uint64_t events() const { return events_; }
  uint64_t duplicates() const { return duplicates_; }
  uint64_t bad() const { return bad_; }

 private:
  FILE* f_;
  Day start_;
  const SimOptions& opt_;
  uint64_t next_id_;
  std::string buf_;
  uint64_t events_ = 0, duplicates_ = 0, bad_ = 0;
};

}  // namespace aips::sim
