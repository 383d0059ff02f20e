// One ingest run (ingester.h). Over 500 lines on purpose: the run's steps (read, deduplicate, intern,
// store, commit) share the run's private state (IngestRun), and keeping them in one file keeps the order
// of the crash-safe commit readable in one place; the parsing, validation and side tables live in their
// own files (event_parser, side_rows, content_rows, row_source).
#include "ingest/ingester.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/bytes.h"
#include "common/date.h"
#include "common/decimal.h"
#include "common/file_util.h"
#include "common/hash_tables.h"
#include "common/huge_alloc.h"
#include "common/json_writer.h"
#include "common/memory_limit.h"
#include "common/parallel.h"
#include "fmt/format.h"
#include "ingest/content_rows.h"
#include "ingest/event_parser.h"
#include "ingest/event_pipe.h"
#include "ingest/hashed_id.h"
#include "ingest/input_stream.h"
#include "ingest/progress.h"
#include "ingest/row_source.h"
#include "ingest/side_rows.h"
#include "store/attributes.h"
#include "store/content.h"
#include "store/experiments.h"
#include "store/first_party.h"
#include "store/id_runs.h"

namespace aips {

namespace {

// A spilled run could not be written (disk full, I/O error): thrown from StoreEvent, which is called deep
// inside the row callbacks, and turned back into the Status it carries at the run's top (Run, RunBuffers).
struct SpillFailed {
  Status status;
};

// The default row buffer (IngestOptions::buffer_bytes): an eighth of physical memory, at most 4 GiB, and
// at most a quarter of the address-space or cgroup memory limit when one is set.
uint64_t DefaultRowBuffer() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  uint64_t b = pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 8
                                     : uint64_t{1} << 30;
  b = std::min<uint64_t>(b, uint64_t{4} << 30);
  const MemoryLimits limits = CurrentMemoryLimits();
  if (limits.address_space) b = std::min(b, *limits.address_space / 4);
  if (limits.cgroup) b = std::min(b, *limits.cgroup / 4);
  return b;
}

// Runs fn(k) for every k in [0, n) on two threads (k interleaved between them); a thread stops at its first
// error, and the first error of either is returned.
Status ForEachOnTwoThreads(size_t n, const std::function<Status(size_t)>& fn) {
  Status errors[2];
  RunInParallel(2, [&](int t) {
    for (size_t k = static_cast<size_t>(t); k < n && errors[t].ok(); k += 2) errors[t] = fn(k);
  });
  for (auto& e : errors) AIPS_RETURN_IF_ERROR(e);
  return Status::OK();
}

// Sorts one day's rows into segment order and writes them as a segment file at `path` (not synced: the
// commit syncs seg/ before the manifest names the file; a spilled run is never named).
template <typename Rows>
Status WriteDayRows(const std::string& path, Day day, Rows& rows) {
  std::sort(rows.begin(), rows.end(), SegmentOrder);
  return WriteAt(path, 0, EncodeSegment(day, std::span<const EventRow>(rows.data(), rows.size())));
}

class IngestRun {
 public:
  IngestRun(Store& store, const IngestOptions& opt)
      : store_(store), opt_(opt), m_(store.manifest()), mapper_(absl::UTCTimeZone()) {}

  Status Run(const std::vector<std::string>& files);
  Status RunBuffers(const std::vector<InputBuffer>& inputs);
  IngestResult& result() { return result_; }

 private:
  Status Prepare();
  Status IngestFile(const std::string& file);
  // An input that cannot be mapped (standard input, a pipe), read in pieces (ingest/input_stream.h).
  Status IngestStream(const std::string& file);
  // `stream`, when given, supplies the rows after `data` (its head).
  Status IngestData(const std::string& source, std::string_view data, const MappedFile* mapped,
                    InputStream* stream = nullptr);
  void ConsumeEvents(const std::string& source, const PipedBatch& batch, FileCounts* fc);
  void Reject(const std::string& source, const InputRow& row, std::string_view field, std::string_view reason,
              bool redact = false);

  // An event row parsed (and validated) by the parsing thread: dedup, intern, store.
  void OnParsedEvent(const std::string& source, const PipedBatch& batch, const PipedRow& row, FileCounts* fc);
  void OnSideRow(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc);
  void OnAttributes(const std::string& source, const InputRow& row, FileCounts* fc);
  void OnExperiment(const std::string& source, const InputRow& row, FileCounts* fc);
  void OnFirstParty(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc);
  // Notes, messages and accounts (issue #9); their tables are loaded on the first such row.
  void OnContent(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc);
  Status LoadContent();
  void StoreEvent(const ParsedEvent& ev, Day day);
  // Sorts the rows held and writes them as one spilled run (a segment file per day); frees them.
  Status Spill();
  // Turns a first-party order into a purchase event when the identity map knows its id.
  bool MatchOrder(const std::string& order_id, const PendingOrder& o);
  // Matches the kept unmatched orders against an identity map that grew in this run.
  void Rematch();
  Status Commit();

  Store& store_;
  const IngestOptions& opt_;
  Manifest m_;
  DayMapper mapper_;
  std::array<Dictionary*, kNumDicts> dicts_{};
  using Rows = std::vector<EventRow, HugeAllocator<EventRow>>;
  Rows& RowsOf(Day day);

  StoredIds stored_ids_;                        // ids of earlier ingests
  IdRunBuilder ids_;                            // ids of this run
  absl::flat_hash_map<Day, size_t> day_index_;  // day -> index into days_
  std::vector<std::pair<Day, Rows>> days_;      // the run's accepted rows, by local day
  Day last_day_ = kNoDay;
  size_t day_reserve_ = 1024;  // rows reserved for each new day (see RowsOf)
  Rows* last_rows_ = nullptr;
  // Bounded memory: once max_held_rows_ rows are held they are spilled, sorted, to
  // seg/spill-<generation>-<run>-<day>.seg (garbage to every reader; RemoveGarbage clears them after a
  // crash), and the commit merges each day's runs into its segment.
  struct SpillFile {
    std::string path;
    uint64_t rows;
  };
  std::map<Day, std::vector<SpillFile>> spills_;
  size_t held_rows_ = 0, max_held_rows_ = 0;
  int spill_runs_ = 0;
  Catalog catalog_;
  bool catalog_changed_ = false;
  UserAttributes attrs_;
  bool attrs_changed_ = false;
  Experiments experiments_;
  bool experiments_changed_ = false;
  FirstPartyData fp_;
  bool fp_changed_ = false, identity_changed_ = false;
  NotesTable notes_;
  ConsultData consult_;
  bool content_loaded_ = false, notes_changed_ = false, consult_changed_ = false;
  absl::flat_hash_set<uint64_t> forgotten_;  // users erased by `aips forget` (ForgetFingerprint)
  bool Forgotten(std::string_view user) const {
    return !forgotten_.empty() && forgotten_.contains(ForgetFingerprint(user));
  }
  // Rejects (redacted) a row of a user erased by `aips forget`; false when the user is not one.
  bool RefuseForgotten(const std::string& source, const InputRow& row, std::string_view field,
                       std::string_view user, FileCounts* fc) {
    if (!Forgotten(user)) return false;
    Reject(source, row, field, kForgottenUserReason, true);
    ++fc->rejected;
    return true;
  }
  std::string rejects_;
  IngestResult result_;
  uint64_t generation_ = 0;
};

Status IngestRun::Prepare() {
  generation_ = m_.generation + 1;
  const std::string& tz = store_.rules().timezone;
  if (!m_.timezone.empty() && m_.timezone != tz && !m_.segments.empty()) {
    return Status::InvalidArgument(fmt::format(
        "this data directory's events are in days of {}, but its rules say timezone = \"{}\"; the time zone "
        "cannot change once events are stored (ingest into a new data directory instead)",
        m_.timezone, tz));
  }
  AIPS_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(tz));
  mapper_ = DayMapper(zone);
  for (int k = 0; k < kNumDicts; ++k) {
    AIPS_ASSIGN_OR_RETURN(dicts_[k], store_.dict(k));
  }
  AIPS_ASSIGN_OR_RETURN(const Catalog* c, store_.catalog());
  catalog_ = *c;
  AIPS_ASSIGN_OR_RETURN(fp_, LoadFirstParty(store_.dir(), m_.firstparty_generation));
  AIPS_ASSIGN_OR_RETURN(attrs_, LoadAttributes(store_.dir(), m_.attributes_generation));
  AIPS_ASSIGN_OR_RETURN(experiments_, LoadExperiments(store_.dir(), m_.experiments_generation));
  AIPS_ASSIGN_OR_RETURN(stored_ids_, StoredIds::Open(store_.dir(), m_.id_runs));
  result_.rejects_file = fmt::format("{}/rejects/{}.jsonl", store_.dir(), generation_);
  forgotten_.insert(m_.forgotten.begin(), m_.forgotten.end());
  const uint64_t buffer = opt_.buffer_bytes > 0 ? opt_.buffer_bytes : DefaultRowBuffer();
  max_held_rows_ = std::max<size_t>(1024, buffer / sizeof(EventRow));
  return Status::OK();
}

void IngestRun::Reject(const std::string& source, const InputRow& row, std::string_view field,
                       std::string_view reason, bool redact) {
  rejects_ += RejectRecord(source, row, field, reason, redact);
  rejects_ += '\n';
  ++result_.rejected;
  if (result_.first_errors.size() < 10) {
    result_.first_errors.push_back(
        fmt::format("{}:{}: {}{}{}", source, row.line, field, field.empty() ? "" : ": ", reason));
  }
}

IngestRun::Rows& IngestRun::RowsOf(Day day) {
  if (day == last_day_) return *last_rows_;
  auto [it, inserted] = day_index_.try_emplace(day, days_.size());
  if (inserted) {
    days_.emplace_back(day, Rows());  // may move the Rows objects: last_rows_ is reset below
    // Large reservations are mmap'ed and only the pages written are ever touched, so reserving for a busy
    // day up front costs address space, not memory, and saves the copies of doubling (unless address
    // space is scarce: IngestData).
    days_.back().second.reserve(day_reserve_);
  }
  last_day_ = day;
  last_rows_ = &days_[it->second].second;
  return *last_rows_;
}

void IngestRun::StoreEvent(const ParsedEvent& ev, Day day) {
  EventRow e;
  e.ts = ev.ts;
  e.amount = ev.amount;
  e.user = dicts_[kDictUser]->GetOrAdd(ev.user);
  e.brand = dicts_[kDictBrand]->GetOrAdd(ev.brand);
  e.spu = ev.spu.empty() ? kNoId : dicts_[kDictSpu]->GetOrAdd(ev.spu);
  e.campaign = ev.campaign.empty() ? kNoId : dicts_[kDictCampaign]->GetOrAdd(ev.campaign);
  e.note = ev.note.empty() ? kNoId : dicts_[kDictNote]->GetOrAdd(ev.note);
  e.channel = static_cast<uint16_t>(dicts_[kDictChannel]->GetOrAdd(ev.channel));
  e.action = static_cast<uint8_t>(ev.action);
  e.sentiment = static_cast<uint8_t>(ev.sentiment);
  RowsOf(day).push_back(e);
  if (++held_rows_ >= max_held_rows_) {
    if (Status st = Spill(); !st.ok()) throw SpillFailed{std::move(st)};
  }
}

Status IngestRun::Spill() {
  const int run = spill_runs_++;
  result_.spilled_runs = static_cast<uint64_t>(spill_runs_);
  std::vector<size_t> held;
  for (size_t i = 0; i < days_.size(); ++i)
    if (!days_[i].second.empty()) held.push_back(i);
  std::vector<SpillFile> files(held.size());
  const Status st = ForEachOnTwoThreads(held.size(), [&](size_t k) {
    auto& [d, rows] = days_[held[k]];
    files[k] = {fmt::format("{}/seg/spill-{}-{}-{}.seg", store_.dir(), generation_, run, d), rows.size()};
    Status written = WriteDayRows(files[k].path, d, rows);
    Rows().swap(rows);
    return written;
  });
  for (size_t k = 0; k < held.size(); ++k) spills_[days_[held[k]].first].push_back(std::move(files[k]));
  days_.clear();
  day_index_.clear();
  last_day_ = kNoDay;
  last_rows_ = nullptr;
  held_rows_ = 0;
  return st;
}

bool IngestRun::MatchOrder(const std::string& order_id, const PendingOrder& o) {
  auto user = fp_.identity.find(o.key);
  if (user == fp_.identity.end()) return false;
  const std::string event_id = "fp:" + order_id;
  const uint64_t h = Hash64(event_id);
  if (!stored_ids_.Contains(event_id, h)) ids_.Insert(event_id, h);
  ParsedEvent ev;
  ev.event_id = event_id;
  ev.ts = o.ts;
  ev.user = user->second;
  ev.brand = o.brand;
  ev.spu = o.spu;
  ev.action = Action::kPurchase;
  ev.amount = o.amount;
  ev.has_amount = true;
  ev.channel = "first_party";
  StoreEvent(ev, mapper_.LocalDay(ev.ts));
  ++fp_.matched;
  return true;
}

void IngestRun::OnFirstParty(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc) {
  FirstPartyRow r;
  RowError err;
  if (!ParseFirstPartyRow(kind, row, &r, &err)) {
    Reject(source, row, err.field, err.reason, err.redact);
    ++fc->rejected;
    return;
  }
  if (kind == TableKind::kIdentity) {
    if (RefuseForgotten(source, row, "user_id", r.user, fc)) return;
    if (!fp_.SetIdentity(r.key, r.user)) {
      ++result_.duplicates;
      ++fc->duplicates;
      return;
    }
    identity_changed_ = fp_changed_ = true;
    ++result_.accepted;
    ++fc->accepted;
    return;
  }
  const std::string order_event_id = "fp:" + r.order_id;
  const uint64_t order_hash = Hash64(order_event_id);
  if (stored_ids_.Contains(order_event_id, order_hash) || ids_.Contains(order_event_id, order_hash) ||
      fp_.unmatched.count(r.order_id)) {
    ++result_.duplicates;
    ++fc->duplicates;
    return;
  }
  ++fp_.orders;
  ++result_.orders;
  if (MatchOrder(r.order_id, r.order)) {
    ++result_.orders_matched;
    ++fc->matched;
  } else {
    fp_.unmatched.emplace(r.order_id, std::move(r.order));
  }
  fp_changed_ = true;
  ++result_.accepted;
  ++fc->accepted;
}

Status IngestRun::LoadContent() {
  if (content_loaded_) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(notes_, LoadNotes(store_.dir(), m_.notes_generation));
  AIPS_ASSIGN_OR_RETURN(consult_, LoadConsult(store_.dir(), m_.consult_generation));
  content_loaded_ = true;
  return Status::OK();
}

void IngestRun::OnContent(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc) {
  RowError err;
  auto rejected = [&] {
    Reject(source, row, err.field, err.reason, err.redact);
    ++fc->rejected;
  };
  // A keyed row replaces the stored one; true when that changed anything.
  auto upsert = [](auto& map, std::string id, auto value) {
    auto [it, fresh] = map.try_emplace(std::move(id), value);
    if (!fresh && it->second == value) return false;
    it->second = std::move(value);
    return true;
  };
  bool changed = false;
  if (kind == TableKind::kNotes) {
    std::string id;
    NoteRow n;
    if (!ParseNoteRow(row, &id, &n, &err)) return rejected();
    if (Forgotten(n.author)) n.author.clear();  // content stays; its link to an erased person does not
    changed = upsert(notes_.notes, std::move(id), std::move(n));
    notes_changed_ |= changed;
  } else if (kind == TableKind::kMessages) {
    Message m;
    if (!ParseMessageRow(row, &m, &err)) return rejected();
    if (RefuseForgotten(source, row, "user", m.user, fc)) return;
    changed = consult_.Add(std::move(m));
    consult_changed_ |= changed;
  } else {
    std::string id;
    Account a;
    if (!ParseAccountRow(row, &id, &a, &err)) return rejected();
    changed = upsert(consult_.accounts, std::move(id), std::move(a));
    consult_changed_ |= changed;
  }
  ++(changed ? result_.accepted : result_.duplicates);
  ++(changed ? fc->accepted : fc->duplicates);
}

void IngestRun::OnAttributes(const std::string& source, const InputRow& row, FileCounts* fc) {
  std::string_view user;
  std::vector<std::string> list;
  RowError err;
  if (!ParseAttributesRow(row, &user, &list, &err)) {
    Reject(source, row, err.field, err.reason, err.redact);
    ++fc->rejected;
    return;
  }
  if (RefuseForgotten(source, row, "user_id", user, fc)) return;
  if (attrs_.Set(dicts_[kDictUser]->GetOrAdd(user), list)) {
    attrs_changed_ = true;
    ++result_.accepted;
    ++fc->accepted;
  } else {
    ++result_.duplicates;
    ++fc->duplicates;
  }
}

void IngestRun::OnExperiment(const std::string& source, const InputRow& row, FileCounts* fc) {
  std::string_view campaign, user;
  bool treatment = false;
  RowError err;
  if (!ParseExperimentRow(row, &campaign, &user, &treatment, &err)) {
    Reject(source, row, err.field, err.reason, err.redact);
    ++fc->rejected;
    return;
  }
  if (RefuseForgotten(source, row, "user_id", user, fc)) return;
  const std::string c(campaign);
  switch (experiments_.Assign(c, dicts_[kDictUser]->GetOrAdd(user), treatment)) {
    case Experiments::Assigned::kNew:
      experiments_changed_ = true;
      ++result_.accepted;
      ++fc->accepted;
      return;
    case Experiments::Assigned::kSame:
      ++result_.duplicates;
      ++fc->duplicates;
      return;
    case Experiments::Assigned::kConflict:
      Reject(source, row, "group", ExperimentConflictReason(treatment, c), false);
      ++fc->rejected;
      return;
  }
}

void IngestRun::Rematch() {
  if (!identity_changed_) return;
  for (auto it = fp_.unmatched.begin(); it != fp_.unmatched.end();) {
    if (MatchOrder(it->first, it->second)) {
      ++result_.orders_rematched;
      it = fp_.unmatched.erase(it);
    } else {
      ++it;
    }
  }
}

void IngestRun::OnParsedEvent(const std::string& source, const PipedBatch& batch, const PipedRow& r,
                              FileCounts* fc) {
  if (r.rejected) {
    InputRow row;
    row.line = r.line;
    row.raw = batch.Text(r.raw);
    Reject(source, row, batch.Text(r.field), batch.Text(r.reason), r.redact);
    ++fc->rejected;
    return;
  }
  const ParsedEvent ev = batch.Event(r);
  {
    InputRow row;
    row.line = r.line;
    if (RefuseForgotten(source, row, "user_id", ev.user, fc)) return;
  }
  if (dicts_[kDictChannel]->size() >= 0xFFFF && dicts_[kDictChannel]->Find(ev.channel) == std::nullopt) {
    InputRow row;
    row.line = r.line;
    Reject(source, row, "channel", "too many distinct channels (at most 65535)");
    ++fc->rejected;
    return;
  }
  if (!ev.event_id.empty()) {
    if (r.stored_id || !ids_.Insert(ev.event_id, r.id_hash)) {
      ++result_.duplicates;
      ++fc->duplicates;
      return;
    }
  }
  StoreEvent(ev, r.day);
  ++result_.accepted;
  ++fc->accepted;
}

void IngestRun::OnSideRow(const std::string& source, TableKind kind, const InputRow& row, FileCounts* fc) {
  RowError err;
  switch (ApplySideRow(kind, row, &catalog_, &err)) {
    case SideOutcome::kRejected:
      Reject(source, row, err.field, err.reason);
      ++fc->rejected;
      return;
    case SideOutcome::kChanged:
      catalog_changed_ = true;
      ++result_.accepted;
      ++fc->accepted;
      return;
    case SideOutcome::kUnchanged:
      ++result_.duplicates;
      ++fc->duplicates;
      return;
  }
}

Status IngestRun::IngestFile(const std::string& file) {
  struct stat st {};
  if (file == "-" || (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode))) return IngestStream(file);
  MappedFile mapped;
  std::string_view data;
  {
    auto mf = MappedFile::Open(file);
    if (!mf.ok()) {
      const std::string what = fmt::format("cannot read input: {}", mf.status().message());
      return mf.status().IsOutOfMemory() ? Status::OutOfMemory(what) : Status::IOError(what);
    }
    mapped = std::move(mf).value();
    data = mapped.view();
  }
  return IngestData(file, data, &mapped);
}

Status IngestRun::IngestStream(const std::string& file) {
  const bool std_in = file == "-";
  const int fd = std_in ? 0 : ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("cannot read input '{}': {}", file, std::strerror(errno)));
  const std::string source = std_in ? "<stdin>" : file;
  InputStream stream(fd, source, opt_.piece_bytes > 0 ? opt_.piece_bytes : InputStream::kDefaultPieceBytes);
  Status st = stream.Start();
  if (st.ok()) st = IngestData(source, stream.head(), nullptr, &stream);
  if (!std_in) ::close(fd);
  return st;
}

void IngestRun::ConsumeEvents(const std::string& source, const PipedBatch& batch, FileCounts* fc) {
  // The user and note dictionaries outgrow the caches: their lookups are prefetched kAhead rows early.
  constexpr size_t kAhead = 16;
  const std::vector<PipedRow>& rows = batch.rows;
  auto prefetch = [&](const PipedRow& r) {
    if (r.rejected) return;
    dicts_[kDictUser]->Prefetch(batch.Text(r.text[PipedRow::kUser]));
    if (r.text[PipedRow::kNote].second != 0) dicts_[kDictNote]->Prefetch(batch.Text(r.text[PipedRow::kNote]));
  };
  for (size_t i = 0; i < std::min(kAhead, rows.size()); ++i) prefetch(rows[i]);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i + kAhead < rows.size()) prefetch(rows[i + kAhead]);
    OnParsedEvent(source, batch, rows[i], fc);
  }
}

Status IngestRun::IngestData(const std::string& source, std::string_view data, const MappedFile* mapped,
                             InputStream* stream) {
  AIPS_ASSIGN_OR_RETURN(FileFormat format, DetectFormat(data, opt_.kind, source));
  if (!format.ignored_columns.empty()) {
    std::string cols;
    for (auto& c : format.ignored_columns) cols += (cols.empty() ? "" : ", ") + c;
    fmt::print(stderr, "aips ingest: {}: ignoring column(s) not in the {} table: {}\n", source,
               TableKindName(format.kind), cols);
  }
  FileCounts fc;
  fc.source = source;
  fc.kind = format.kind;
  Progress progress(
      opt_.progress,
      fmt::format("ingest {}", source.size() > 30 ? "..." + source.substr(source.size() - 27) : source),
      data.size());
  if (format.kind == TableKind::kEvents) {
    // Reserve the id set for this file's rows, estimated from the first MiB.
    std::string_view sample = data.substr(0, 1 << 20);
    const size_t lines =
        std::max<size_t>(1, static_cast<size_t>(std::count(sample.begin(), sample.end(), '\n')));
    const size_t rows = data.size() / std::max<size_t>(1, sample.size() / lines) + 16;
    ids_.Expect(rows);  // reserved for ids that are not numeric, when the first one arrives
    // Under an address-space limit these reservations (room for the whole file's rows on every day it
    // touches: 90 x 84 MiB for a file of 2.2 M events) fail long before memory runs out; the day vectors
    // then grow as they fill (docs/reliability.md, "Memory limits").
    day_reserve_ = AddressSpaceIsScarce() ? 1024 : std::clamp<size_t>(rows, 1024, size_t{4} << 20);
    day_reserve_ = std::min(day_reserve_, max_held_rows_);
  }
  auto on_progress = [&](size_t done) {
    progress.Update(done);
    if (mapped) mapped->DropPrefix(done);  // rows before `done` are consumed: keep resident memory flat
  };
  auto consume = [&](const PipedBatch& batch) { ConsumeEvents(source, batch, &fc); };
  if (format.kind == TableKind::kEvents && stream) {
    // Parsing, validation and reading the next piece on a second thread; dedup, interning and storing
    // here, in input order.
    stream->SetFormat(format.jsonl);
    PipeEventPieces([&](InputPiece* piece) { return stream->Next(piece); }, format, mapper_, stored_ids_,
                    consume);
    AIPS_RETURN_IF_ERROR(stream->status());
    result_.files.push_back(fc);
    return Status::OK();
  }
  if (format.kind == TableKind::kEvents) {
    // Parsing and validation on a second thread; dedup, interning and storing here, in input order.
    PipeEvents(data, format, mapper_, stored_ids_, on_progress, consume);
    progress.Done();
    result_.files.push_back(fc);
    return Status::OK();
  }
  std::string owned;  // side tables from a stream are read whole (they are kept whole anyway)
  if (stream) {
    AIPS_ASSIGN_OR_RETURN(owned, stream->ReadAll());
    data = owned;
  }
  if (IsContentKind(format.kind)) AIPS_RETURN_IF_ERROR(LoadContent());
  ForEachRow(
      data, format,
      [&](const InputRow& row) {
        if (format.kind == TableKind::kAttributes) {
          OnAttributes(source, row, &fc);
        } else if (format.kind == TableKind::kExperiments) {
          OnExperiment(source, row, &fc);
        } else if (IsContentKind(format.kind)) {
          OnContent(source, format.kind, row, &fc);
        } else if (format.kind == TableKind::kOrders || format.kind == TableKind::kIdentity) {
          OnFirstParty(source, format.kind, row, &fc);
        } else {
          OnSideRow(source, format.kind, row, &fc);
        }
      },
      on_progress);
  progress.Done();
  result_.files.push_back(fc);
  return Status::OK();
}

// Long on purpose: the commit is one ordered sequence of writes (segments, dictionaries, id runs, side
// tables, then the manifest rename); keeping it in one function keeps the crash-safety order visible.
Status IngestRun::Commit() {
  const std::string& dir = store_.dir();
  ids_.Seal();  // its hash set is only needed while rows arrive; freed before the segments are encoded
  Manifest next = m_;
  next.generation = generation_;
  // 1. Event segments, one per day touched, rows in segment order: the rows held and the day's spilled runs
  // merged, sorted and written on two threads; each day's rows are freed once written.
  std::vector<Day> days;
  for (auto& [d, rows] : days_) days.push_back(d);
  for (auto& [d, files] : spills_) days.push_back(d);
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  if (!days.empty()) {
    // What the brand facts need of one day: each brand's rows and SPUs.
    struct BrandDay {
      uint32_t brand;
      uint64_t rows = 0;
      std::vector<uint32_t> spus;
    };
    std::vector<std::vector<BrandDay>> facts(days.size());
    std::vector<uint64_t> day_rows(days.size(), 0);
    auto write_day = [&](size_t k) -> Status {
      const Day d = days[k];
      Rows rows;
      if (auto it = day_index_.find(d); it != day_index_.end()) rows.swap(days_[it->second].second);
      if (auto it = spills_.find(d); it != spills_.end()) {
        for (const SpillFile& f : it->second) {
          AIPS_ASSIGN_OR_RETURN(Segment seg, Segment::Open(f.path, d));
          AIPS_RETURN_IF_ERROR(seg.AppendAllRows(&rows));
        }
      }
      day_rows[k] = rows.size();
      AIPS_RETURN_IF_ERROR(WriteDayRows(SegmentPath(dir, SegmentInfo{d, generation_, rows.size()}), d, rows));
      uint32_t last_spu = kNoId;
      for (const EventRow& r : rows) {  // sorted by (brand, spu, ...)
        if (facts[k].empty() || facts[k].back().brand != r.brand) {
          facts[k].push_back({r.brand, 0, {}});
          last_spu = kNoId;
        }
        ++facts[k].back().rows;
        if (r.spu != kNoId && r.spu != last_spu) facts[k].back().spus.push_back(r.spu);
        last_spu = r.spu;
      }
      return Status::OK();
    };
    AIPS_RETURN_IF_ERROR(ForEachOnTwoThreads(days.size(), write_day));
    for (size_t k = 0; k < days.size(); ++k) next.segments.push_back({days[k], generation_, day_rows[k]});
    SortSegments(&next.segments);
    // Brand facts and snapshot invalidation.
    next.brands.resize(dicts_[kDictBrand]->size());
    std::vector<std::vector<uint32_t>> spus(next.brands.size());  // a brand's SPUs of each day (repeats)
    std::vector<Day> min_day(next.brands.size(), kNoDay), max_day(next.brands.size(), kNoDay);
    std::vector<uint64_t> count(next.brands.size(), 0);
    for (size_t k = 0; k < days.size(); ++k) {
      const Day day = days[k];
      for (const BrandDay& f : facts[k]) {
        count[f.brand] += f.rows;
        spus[f.brand].insert(spus[f.brand].end(), f.spus.begin(), f.spus.end());
        if (min_day[f.brand] == kNoDay || day < min_day[f.brand]) min_day[f.brand] = day;
        if (max_day[f.brand] == kNoDay || day > max_day[f.brand]) max_day[f.brand] = day;
      }
    }
    for (uint32_t b = 0; b < next.brands.size(); ++b) {
      if (count[b] == 0) continue;
      BrandInfo& bi = next.brands[b];
      for (uint32_t s : spus[b])
        if (!std::binary_search(bi.spus.begin(), bi.spus.end(), s))
          bi.spus.insert(std::upper_bound(bi.spus.begin(), bi.spus.end(), s), s);
      bi.first_day = bi.first_day == kNoDay ? min_day[b] : std::min(bi.first_day, min_day[b]);
      bi.last_day = std::max(bi.last_day, max_day[b]);
      bi.rows += count[b];
      if (bi.snap.through != kNoDay && bi.snap.through >= min_day[b]) bi.snap.through = min_day[b] - 1;
      std::string name(dicts_[kDictBrand]->Name(b));
      auto cat = catalog_.CategoryOf(name);
      auto it = next.category_snaps.find(cat ? *cat : "brand:" + name);
      if (it != next.category_snaps.end() && it->second.through >= min_day[b])
        it->second.through = min_day[b] - 1;
    }
    if (next.timezone.empty()) next.timezone = store_.rules().timezone;
  }
  // 2. Dictionaries, ids, side tables, rejects.
  for (int k = 0; k < kNumDicts; ++k) {
    AIPS_ASSIGN_OR_RETURN(next.dicts[k], dicts_[k]->Flush(DictPath(dir, k, next.dicts[k].file_gen)));
  }
  if (!ids_.empty()) {
    AIPS_RETURN_IF_ERROR(WriteIdRun(dir, generation_, std::move(ids_)));
    next.id_runs.push_back(generation_);
  }
  if (catalog_changed_) {
    AIPS_RETURN_IF_ERROR(SaveCatalog(dir, generation_, catalog_));
    next.tables_generation = generation_;
  }
  if (attrs_changed_) {
    AIPS_RETURN_IF_ERROR(SaveAttributes(dir, generation_, attrs_));
    next.attributes_generation = generation_;
  }
  if (experiments_changed_) {
    AIPS_RETURN_IF_ERROR(SaveExperiments(dir, generation_, experiments_));
    next.experiments_generation = generation_;
  }
  if (fp_changed_) {
    AIPS_RETURN_IF_ERROR(SaveFirstParty(dir, generation_, fp_));
    next.firstparty_generation = generation_;
  }
  if (notes_changed_) {
    AIPS_RETURN_IF_ERROR(SaveNotes(dir, generation_, notes_));
    next.notes_generation = generation_;
  }
  if (consult_changed_) {
    AIPS_RETURN_IF_ERROR(SaveConsult(dir, generation_, consult_));
    next.consult_generation = generation_;
  }
  result_.orders_unmatched_total = fp_.unmatched.size();
  result_.orders_total = fp_.orders;
  result_.orders_matched_total = fp_.matched;
  AIPS_RETURN_IF_ERROR(WriteAt(result_.rejects_file, 0, rejects_));
  AIPS_RETURN_IF_ERROR(SyncDir(dir + "/seg"));
  // 3. The commit. The spilled runs are garbage from here on (RemoveGarbage clears any left behind).
  AIPS_RETURN_IF_ERROR(store_.CommitManifest(std::move(next)));
  for (auto& [d, files] : spills_)
    for (const SpillFile& f : files) (void)RemoveFile(f.path);
  return Status::OK();
}

Status IngestRun::Run(const std::vector<std::string>& files) {
  AIPS_RETURN_IF_ERROR(store_.RemoveGarbage());
  AIPS_RETURN_IF_ERROR(Prepare());
  try {
    for (const std::string& f : files) {
      AIPS_RETURN_IF_ERROR(IngestFile(f));
    }
    Rematch();
  } catch (const SpillFailed& e) {
    return e.status;
  }
  return Commit();
}

Status IngestRun::RunBuffers(const std::vector<InputBuffer>& inputs) {
  AIPS_RETURN_IF_ERROR(store_.RemoveGarbage());
  AIPS_RETURN_IF_ERROR(Prepare());
  try {
    for (const InputBuffer& in : inputs) {
      AIPS_RETURN_IF_ERROR(IngestData(in.name, in.data, nullptr));
    }
    Rematch();
  } catch (const SpillFailed& e) {
    return e.status;
  }
  return Commit();
}

}  // namespace

Result<IngestResult> IngestBuffers(Store& store, const std::vector<InputBuffer>& inputs,
                                   const IngestOptions& options) {
  IngestRun run(store, options);
  AIPS_RETURN_IF_ERROR(run.RunBuffers(inputs));
  return std::move(run.result());
}

Result<IngestResult> Ingest(Store& store, const std::vector<std::string>& files,
                            const IngestOptions& options) {
  IngestRun run(store, options);
  AIPS_RETURN_IF_ERROR(run.Run(files));
  return std::move(run.result());
}

}  // namespace aips
