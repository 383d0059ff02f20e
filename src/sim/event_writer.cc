#include "sim/event_writer.h"

#include <algorithm>

#include "fmt/format.h"
#include "sim/sim_content.h"

namespace aips::sim {

EventWriter::EventWriter(FILE* f, Day start, const SimOptions& opt, uint64_t id_base)
    : f_(f), start_(start), opt_(opt), next_id_(id_base) {
  buf_.reserve(1 << 22);
}

void EventWriter::Emit(Rng& rng, const std::string& user, const World& w, int brand, const SimEvent& e) {
  const Brand& b = w.brands[static_cast<size_t>(brand)];
  const int secs = static_cast<int>(rng.Below(86400));
  std::string line;
  line.reserve(160);
  char id[24];
  snprintf(id, sizeof id, "e%011llx", static_cast<unsigned long long>(next_id_++));
  line += id;
  line += ',';
  // Local time in UTC+08:00 (the default zone); written with its offset.
  AppendDate(start_ + e.day, &line);
  char tbuf[32];
  snprintf(tbuf, sizeof tbuf, "T%02d:%02d:%02d+08:00", secs / 3600, secs / 60 % 60, secs % 60);
  line += tbuf;
  line += ',';
  line += user;
  line += ',';
  line += b.name;
  line += ',';
  if (e.spu >= 0) line += b.spus[static_cast<size_t>(e.spu)];
  line += ',';
  line += ActionName(e.action);
  line += ',';
  if (e.campaign >= 0) line += w.campaigns[static_cast<size_t>(e.campaign)].name;
  line += ',';
  if (e.action != Action::kSearch && e.action != Action::kPurchase && e.action != Action::kStoreVisit) {
    // A note of this brand (notes.csv, sim/sim_content.cc): later in the period more engagement goes to
    // the brand's trending notes, so that their topics rise.
    const uint64_t per_brand = NotesPerBrand(opt_.users);
    const bool trending = rng.Chance(kTrendShare * e.day / std::max(1, w.days));
    const uint64_t k = trending ? rng.Below(per_brand / 10) : rng.Below(per_brand);
    char note[24];
    snprintf(note, sizeof note, "n%llu", static_cast<unsigned long long>(b.index * per_brand + k));
    line += note;
  }
  line += ',';
  if (e.action == Action::kPurchase) {
    char amt[32];
    snprintf(amt, sizeof amt, "%lld.%02lld", static_cast<long long>(e.cents / 100),
             static_cast<long long>(e.cents % 100));
    line += amt;
  }
  line += ',';
  line += kChannelNames[e.channel];
  line += ',';
  if (e.action == Action::kPost) line += kSentimentNames[e.sentiment];
  line += '\n';
  buf_ += line;
  ++events_;
  if (rng.Chance(opt_.duplicate_rate)) {  // a retried delivery: the same row again
    buf_ += line;
    ++events_;
    ++duplicates_;
  }
  if (f_ && buf_.size() > (1 << 22)) Flush();
}

void EventWriter::Bad(Rng& rng, const std::string& user, const Brand& b, int day) {
  std::string d;
  AppendDate(start_ + day, &d);
  char id[24];
  snprintf(id, sizeof id, "e%011llx", static_cast<unsigned long long>(next_id_++));
  switch (rng.Below(6)) {
    case 0:
      buf_ += fmt::format("{},{}T10:00:00+08:00,,{},,click,,,,,\n", id, d, b.name);
      break;
    case 1:
      buf_ += fmt::format("{},{}T10:00:00+08:00,{},{},,view,,,,,\n", id, d, user, b.name);
      break;
    case 2:
      buf_ += fmt::format("{},{}T10:00:00,{},{},,click,,,,,\n", id, d, user, b.name);
      break;
    case 3:
      buf_ += fmt::format("{},{}T10:00:00+08:00,{},{},,purchase,,,-5.00,onsite,\n", id, d, user, b.name);
      break;
    case 4:
      buf_ += fmt::format("{},{}T10:00:00+08:00,{},{},,post,,n1,,,\n", id, d, user, b.name);
      break;
    default:
      buf_ += fmt::format("{},yesterday,{},{},,like,,,,,\n", id, user, b.name);
      break;
  }
  ++events_;
  ++bad_;
}

void EventWriter::Flush() {
  if (!f_) return;
  if (!buf_.empty()) fwrite(buf_.data(), 1, buf_.size(), f_);
  buf_.clear();
}

}  // namespace aips::sim
