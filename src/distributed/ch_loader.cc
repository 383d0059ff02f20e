#include "distributed/ch_loader.h"
#include "store/manifest.h"

#include <algorithm>
#include <memory>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "common/bytes.h"
#include "common/date.h"
#include "common/file_util.h"
#include "distributed/ch_content.h"
#include "distributed/ch_user_rows.h"
#include "fmt/format.h"
#include "ingest/content_rows.h"
#include "ingest/event_parser.h"
#include "ingest/progress.h"
#include "ingest/row_source.h"
#include "ingest/side_rows.h"

namespace aips {

namespace {

constexpr uint32_t kNoFile = ChEventWriter::kNoTag;

class ChLoad {
 public:
  ChLoad(ChStore& ch, const IngestOptions& opt)
      : ch_(ch), opt_(opt), mapper_(absl::UTCTimeZone()), attributes_(ch), experiments_(ch) {}

  Status Run(const std::vector<std::string>& files);
  Status RunBuffers(const std::vector<InputBuffer>& inputs, std::vector<std::string>* reject_records,
                    size_t max_records);
  IngestResult& result() { return result_; }

 private:
  Status Prepare();
  Status IngestFile(const std::string& file);
  // One input's rows; `mapped` (or null) is the file they come from, released as rows are read.
  Status IngestData(const std::string& source, std::string_view data, MappedFile* mapped);
  void Reject(const std::string& source, const InputRow& row, std::string_view field, std::string_view reason,
              bool redact = false);
  Status OnEvent(const std::string& source, std::string_view data, const InputRow& row);
  // Rejects (redacted) a row of a user erased by `aips forget`; false when the user is not one.
  bool Forgotten(std::string_view user) const {
    return !forgotten_.empty() && forgotten_.contains(ForgetFingerprint(user));
  }
  bool RefuseForgotten(const std::string& source, const InputRow& row, std::string_view user) {
    if (!Forgotten(user)) return false;
    Reject(source, row, "user_id", kForgottenUserReason, true);
    return true;
  }
  void OnSideRow(const std::string& source, TableKind kind, const InputRow& row);
  Status OnFirstParty(const std::string& source, TableKind kind, const InputRow& row);
  Status MatchOrder(const std::string& order_id, const PendingOrder& o, bool* matched);
  Status Add(const ParsedEvent& ev, uint64_t key, uint32_t file);
  // Books the rows the writer found already stored as duplicates.
  void BookDuplicates();
  void OnAttributes(const std::string& source, const InputRow& row);
  void OnExperiment(const std::string& source, const InputRow& row);
  // A row of notes, messages or accounts (distributed/ch_content.h).
  Status OnContent(const std::string& source, TableKind kind, const InputRow& row);
  // Matches the kept unmatched orders against an identity map that grew in this run.
  Status Rematch();
  Status Commit();
  FileCounts& fc() { return result_.files.back(); }

  ChStore& ch_;
  const IngestOptions& opt_;
  DayMapper mapper_;
  absl::flat_hash_set<uint64_t> forgotten_;  // ForgetFingerprint of every user erased with blocking
  uint64_t run_ = 0;
  Catalog catalog_, catalog_before_;
  FirstPartyData fp_;
  std::set<std::string> orders_seen_;
  std::string identity_rows_, order_rows_, reject_rows_;
  bool identity_changed_ = false;
  absl::flat_hash_set<uint64_t> keys_;  // event keys of this run
  std::unique_ptr<ChEventWriter> writer_;
  std::unique_ptr<ChContentLoad> content_;
  ChAttributesLoad attributes_;
  ChExperimentsLoad experiments_;
  uint64_t content_hash_ = 0;
  bool have_content_hash_ = false;
  IngestResult result_;
  std::vector<std::string>* reject_records_ = nullptr;  // the first max_records_ rejects as JSON records
  size_t max_records_ = 0;
};

Status ChLoad::Prepare() {
  run_ = ChVersion();
  AIPS_ASSIGN_OR_RETURN(Rules rules, ch_.LoadRules());
  AIPS_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(rules.timezone));
  mapper_ = DayMapper(zone);
  AIPS_ASSIGN_OR_RETURN(catalog_, ch_.LoadCatalog());
  catalog_before_ = catalog_;
  AIPS_RETURN_IF_ERROR(ch_.LoadFirstParty(&fp_, &orders_seen_));
  AIPS_RETURN_IF_ERROR(ch_.LoadForgotten(&forgotten_));
  writer_ = opt_.batch_rows > 0 ? std::make_unique<ChEventWriter>(ch_, opt_.batch_rows)
                                : std::make_unique<ChEventWriter>(ch_);
  content_ = std::make_unique<ChContentLoad>(ch_, run_, zone);
  result_.rejects_file = fmt::format("SELECT * FROM {} WHERE run = {}", ch_.Table("rejects"), run_);
  return Status::OK();
}

void ChLoad::Reject(const std::string& source, const InputRow& row, std::string_view field,
                    std::string_view reason, bool redact) {
  reject_rows_ += fmt::format("{}\t", run_);
  AppendTsv(source, &reject_rows_);
  reject_rows_ += fmt::format("\t{}\t", row.line);
  AppendTsv(field, &reject_rows_);
  reject_rows_ += '\t';
  AppendTsv(reason, &reject_rows_);
  reject_rows_ += '\t';
  AppendTsv(RejectedRowText(row, redact), &reject_rows_);
  reject_rows_ += '\n';
  ++result_.rejected;
  ++fc().rejected;
  if (reject_records_ != nullptr && reject_records_->size() < max_records_)
    reject_records_->push_back(RejectRecord(source, row, field, reason, redact));
  if (result_.first_errors.size() < 10) {
    result_.first_errors.push_back(
        fmt::format("{}:{}: {}{}{}", source, row.line, field, field.empty() ? "" : ": ", reason));
  }
}

Status ChLoad::Add(const ParsedEvent& ev, uint64_t key, uint32_t file) {
  return writer_->Add(ev, key, mapper_.LocalDay(ev.ts), file);
}

void ChLoad::BookDuplicates() {
  for (uint32_t f : writer_->TakeDuplicates()) {
    if (f == kNoFile) continue;
    --result_.accepted;
    --result_.files[f].accepted;
    ++result_.duplicates;
    ++result_.files[f].duplicates;
  }
}

Status ChLoad::OnEvent(const std::string& source, std::string_view data, const InputRow& row) {
  ParsedEvent ev;
  RowError err;
  if (!ParseInputRow(row, &ev, &err)) {
    Reject(source, row, err.field, err.reason, err.redact);
    return Status::OK();
  }
  if (RefuseForgotten(source, row, ev.user)) return Status::OK();
  uint64_t key;
  if (!ev.event_id.empty()) {
    key = Hash64(ev.event_id);
  } else {
    // No event_id: the row's place in this exact input, so that loading the same file again adds nothing.
    if (!have_content_hash_) {
      content_hash_ = Hash64(data);
      have_content_hash_ = true;
    }
    key = Hash64(fmt::format("{:016x}#{}", content_hash_, row.line));
  }
  if (!keys_.insert(key).second) {
    ++result_.duplicates;
    ++fc().duplicates;
    return Status::OK();
  }
  ++result_.accepted;
  ++fc().accepted;
  return Add(ev, key, static_cast<uint32_t>(result_.files.size() - 1));
}

void ChLoad::OnSideRow(const std::string& source, TableKind kind, const InputRow& row) {
  RowError err;
  switch (ApplySideRow(kind, row, &catalog_, &err)) {
    case SideOutcome::kRejected:
      return Reject(source, row, err.field, err.reason);
    case SideOutcome::kChanged:
      ++result_.accepted;
      ++fc().accepted;
      return;
    case SideOutcome::kUnchanged:
      ++result_.duplicates;
      ++fc().duplicates;
      return;
  }
}

Status ChLoad::MatchOrder(const std::string& order_id, const PendingOrder& o, bool* matched) {
  *matched = false;
  auto user = fp_.identity.find(o.key);
  if (user == fp_.identity.end()) return Status::OK();
  *matched = true;
  ++fp_.matched;
  const std::string event_id = "fp:" + order_id;
  const uint64_t key = Hash64(event_id);
  if (!keys_.insert(key).second) return Status::OK();
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
  return Add(ev, key, kNoFile);
}

Status ChLoad::OnFirstParty(const std::string& source, TableKind kind, const InputRow& row) {
  FirstPartyRow r;
  RowError err;
  if (!ParseFirstPartyRow(kind, row, &r, &err)) {
    Reject(source, row, err.field, err.reason, err.redact);
    return Status::OK();
  }
  if (kind == TableKind::kIdentity) {
    if (RefuseForgotten(source, row, r.user)) return Status::OK();
    if (!fp_.SetIdentity(r.key, r.user)) {
      ++result_.duplicates;
      ++fc().duplicates;
      return Status::OK();
    }
    for (const std::string* f : {&r.id_type, &r.id_hash, &r.user}) {
      AppendTsv(*f, &identity_rows_);
      identity_rows_ += '\t';
    }
    identity_rows_ += fmt::format("{}\n", run_);
    identity_changed_ = true;
    ++result_.accepted;
    ++fc().accepted;
    return Status::OK();
  }
  if (!orders_seen_.insert(r.order_id).second) {
    ++result_.duplicates;
    ++fc().duplicates;
    return Status::OK();
  }
  for (const std::string* f : {&r.order_id, &r.id_type, &r.id_hash}) {
    AppendTsv(*f, &order_rows_);
    order_rows_ += '\t';
  }
  order_rows_ += fmt::format("{}\t", r.order.ts);
  AppendTsv(r.order.brand, &order_rows_);
  order_rows_ += '\t';
  AppendTsv(r.order.spu, &order_rows_);
  order_rows_ += fmt::format("\t{}\t{}\n", r.order.amount, run_);
  ++fp_.orders;
  ++result_.orders;
  bool matched = false;
  AIPS_RETURN_IF_ERROR(MatchOrder(r.order_id, r.order, &matched));
  if (matched) {
    ++result_.orders_matched;
    ++fc().matched;
  } else {
    fp_.unmatched.emplace(r.order_id, std::move(r.order));
  }
  ++result_.accepted;
  ++fc().accepted;
  return Status::OK();
}

void ChLoad::OnExperiment(const std::string& source, const InputRow& row) {
  std::string_view campaign, user;
  bool treatment = false;
  RowError err;
  if (!ParseExperimentRow(row, &campaign, &user, &treatment, &err))
    return Reject(source, row, err.field, err.reason, err.redact);
  if (RefuseForgotten(source, row, user)) return;
  const uint64_t hash = Hash64(user);
  writer_->SeeUser(hash, user);
  const std::string c(campaign);
  switch (experiments_.Assign(c, hash, treatment)) {
    case Experiments::Assigned::kNew:
      ++result_.accepted;
      ++fc().accepted;
      return;
    case Experiments::Assigned::kSame:
      ++result_.duplicates;
      ++fc().duplicates;
      return;
    case Experiments::Assigned::kConflict:
      return Reject(source, row, "group", ExperimentConflictReason(treatment, c), false);
  }
}

void ChLoad::OnAttributes(const std::string& source, const InputRow& row) {
  std::string_view user;
  std::vector<std::string> tags;
  RowError err;
  if (!ParseAttributesRow(row, &user, &tags, &err))
    return Reject(source, row, err.field, err.reason, err.redact);
  if (RefuseForgotten(source, row, user)) return;
  const uint64_t hash = Hash64(user);
  writer_->SeeUser(hash, user);
  const bool changed = attributes_.Apply(hash, std::move(tags));
  ++(changed ? result_.accepted : result_.duplicates);
  ++(changed ? fc().accepted : fc().duplicates);
}

Status ChLoad::OnContent(const std::string& source, TableKind kind, const InputRow& row) {
  RowError err;
  const uint32_t file = static_cast<uint32_t>(result_.files.size() - 1);
  Result<ChContentLoad::Outcome> o = ChContentLoad::Outcome::kRejected;
  if (kind == TableKind::kNotes) {
    std::string id;
    NoteRow n;
    if (ParseNoteRow(row, &id, &n, &err)) {
      // The content stays; its link to an erased person does not.
      if (Forgotten(n.author)) n.author.clear();
      o = content_->AddNote(std::move(id), std::move(n));
    }
  } else if (kind == TableKind::kMessages) {
    Message m;
    if (ParseMessageRow(row, &m, &err)) {
      if (RefuseForgotten(source, row, m.user)) return Status::OK();
      o = content_->AddMessage(std::move(m), file);
    }
  } else {
    std::string id;
    Account a;
    if (ParseAccountRow(row, &id, &a, &err)) o = content_->AddAccount(std::move(id), std::move(a));
  }
  if (!o.ok()) return o.status();
  switch (o.value()) {
    case ChContentLoad::Outcome::kRejected:
      Reject(source, row, err.field, err.reason, err.redact);
      return Status::OK();
    case ChContentLoad::Outcome::kChanged:
      ++result_.accepted;
      ++fc().accepted;
      return Status::OK();
    case ChContentLoad::Outcome::kUnchanged:
      ++result_.duplicates;
      ++fc().duplicates;
      return Status::OK();
  }
  return Status::OK();
}

Status ChLoad::IngestFile(const std::string& file) {
  std::string owned;
  MappedFile mapped;
  std::string_view data;
  if (file == "-") {
    AIPS_ASSIGN_OR_RETURN(owned, ReadStdin());
    data = owned;
  } else {
    auto mf = MappedFile::Open(file);
    if (!mf.ok()) return Status::IOError(fmt::format("cannot read input: {}", mf.status().message()));
    mapped = std::move(mf).value();
    data = mapped.view();
  }
  return IngestData(file == "-" ? "<stdin>" : file, data, file == "-" ? nullptr : &mapped);
}

Status ChLoad::IngestData(const std::string& source, std::string_view data, MappedFile* mapped) {
  AIPS_ASSIGN_OR_RETURN(FileFormat format, DetectFormat(data, opt_.kind, source));
  result_.files.push_back(FileCounts{source, format.kind});
  have_content_hash_ = false;
  if (format.kind == TableKind::kAttributes) AIPS_RETURN_IF_ERROR(attributes_.PrepareFile(data, format));
  if (format.kind == TableKind::kExperiments) AIPS_RETURN_IF_ERROR(experiments_.PrepareFile(data, format));
  Progress progress(
      opt_.progress,
      fmt::format("load {}", source.size() > 30 ? "..." + source.substr(source.size() - 27) : source),
      data.size());
  Status failed;
  ForEachRow(
      data, format,
      [&](const InputRow& row) {
        if (!failed.ok()) return;
        Status s;
        switch (format.kind) {
          case TableKind::kEvents:
            s = OnEvent(source, data, row);
            break;
          case TableKind::kOrders:
          case TableKind::kIdentity:
            s = OnFirstParty(source, format.kind, row);
            break;
          case TableKind::kAttributes:
            OnAttributes(source, row);
            break;
          case TableKind::kExperiments:
            OnExperiment(source, row);
            break;
          case TableKind::kNotes:
          case TableKind::kMessages:
          case TableKind::kAccounts:
            s = OnContent(source, format.kind, row);
            break;
          default:
            OnSideRow(source, format.kind, row);
        }
        if (!s.ok()) failed = s;
      },
      [&](size_t done) {
        progress.Update(done);
        if (mapped != nullptr) mapped->DropPrefix(done);  // keep resident memory flat
      });
  progress.Done();
  return failed;
}

Status ChLoad::Rematch() {
  if (!identity_changed_) return Status::OK();
  for (auto o = fp_.unmatched.begin(); o != fp_.unmatched.end();) {
    bool matched = false;
    AIPS_RETURN_IF_ERROR(MatchOrder(o->first, o->second, &matched));
    if (!matched) {
      ++o;
      continue;
    }
    ++result_.orders_rematched;
    o = fp_.unmatched.erase(o);
  }
  return Status::OK();
}

Status ChLoad::Commit() {
  AIPS_RETURN_IF_ERROR(Rematch());  // once, after every file: kept orders the run's identity rows now match
  AIPS_RETURN_IF_ERROR(writer_->Finish());
  BookDuplicates();
  AIPS_RETURN_IF_ERROR(attributes_.Commit(run_));
  AIPS_RETURN_IF_ERROR(experiments_.Commit(run_));
  AIPS_RETURN_IF_ERROR(ch_.SaveCatalogChanges(catalog_before_, catalog_, run_));
  std::vector<uint32_t> stored_messages;  // files of the messages found already stored
  AIPS_RETURN_IF_ERROR(content_->Commit(&stored_messages));
  for (uint32_t f : stored_messages) {
    --result_.accepted;
    --result_.files[f].accepted;
    ++result_.duplicates;
    ++result_.files[f].duplicates;
  }
  AIPS_RETURN_IF_ERROR(
      ch_.InsertEverywhere("identity", "id_type, id_hash, user_id, version", identity_rows_));
  AIPS_RETURN_IF_ERROR(ch_.InsertEverywhere(
      "orders", "order_id, id_type, id_hash, ts, brand, spu, amount, version", order_rows_));
  AIPS_RETURN_IF_ERROR(
      ch_.InsertEverywhere("rejects", "run, source, line, field, reason, row", reject_rows_));
  std::string files;
  for (auto& f : result_.files) files += (files.empty() ? "" : ", ") + f.source;
  std::string load = fmt::format("{}\t", run_);
  AppendTsv(files, &load);
  load += fmt::format("\t{}\t{}\t{}\n", result_.accepted, result_.duplicates, result_.rejected);
  AIPS_RETURN_IF_ERROR(ch_.InsertEverywhere("loads", "run, files, accepted, duplicates, rejected", load));
  result_.orders_total = fp_.orders;
  result_.orders_matched_total = fp_.matched;
  result_.orders_unmatched_total = fp_.unmatched.size();
  return Status::OK();
}

Status ChLoad::Run(const std::vector<std::string>& files) {
  AIPS_RETURN_IF_ERROR(Prepare());
  Status s;
  for (const std::string& f : files) {
    s = IngestFile(f);
    if (!s.ok()) break;
  }
  if (s.ok()) return Commit();
  (void)writer_->Finish();  // never leave the sender running
  return s;
}

Status ChLoad::RunBuffers(const std::vector<InputBuffer>& inputs, std::vector<std::string>* reject_records,
                          size_t max_records) {
  reject_records_ = reject_records;
  max_records_ = max_records;
  AIPS_RETURN_IF_ERROR(Prepare());
  Status s;
  for (const InputBuffer& in : inputs) {
    s = IngestData(in.name, in.data, nullptr);
    if (!s.ok()) break;
  }
  if (s.ok()) return Commit();
  (void)writer_->Finish();  // never leave the sender running
  return s;
}

}  // namespace

ChEventWriter::ChEventWriter(ChStore& ch, size_t batch_rows) : ch_(ch), batch_rows_(batch_rows) {
  rows_.assign(ch_.shards(), {});
  users_rows_.assign(ch_.shards(), {});
}

ChEventWriter::~ChEventWriter() {
  if (sender_.joinable()) sender_.join();
}

Status ChEventWriter::Add(const ParsedEvent& ev, uint64_t key, Day day, uint32_t tag) {
  const uint64_t user = Hash64(ev.user);
  const uint32_t shard = static_cast<uint32_t>(ch_.ShardOf(user));
  std::string& t = rows_[shard];
  const size_t begin = t.size();
  AppendBinary<uint64_t>(key, &t);
  AppendBinaryString(ev.event_id, &t);
  AppendBinary<uint64_t>(user, &t);
  AppendBinary<uint16_t>(static_cast<uint16_t>(day),
                         &t);  // Date: days since 1970 (events are in [2000, 2100))
  AppendBinary<int64_t>(ev.ts, &t);
  AppendBinaryString(ev.brand, &t);
  AppendBinaryString(ev.spu, &t);
  AppendBinary<int8_t>(static_cast<int8_t>(ev.action), &t);
  AppendBinaryString(ev.campaign, &t);
  AppendBinaryString(ev.note, &t);
  AppendBinary<int64_t>(ev.amount, &t);
  AppendBinaryString(ev.channel, &t);
  AppendBinary<int8_t>(static_cast<int8_t>(ev.sentiment), &t);
  pending_.push_back({key, tag, shard, begin, t.size(), day});
  if (users_.insert(user).second) {
    AppendBinary<uint64_t>(user, &users_rows_[shard]);
    AppendBinaryString(ev.user, &users_rows_[shard]);
  }
  SeeUser(user, ev.user);
  if (pending_.size() >= batch_rows_) return Flush();
  return Status::OK();
}

void ChEventWriter::SeeUser(uint64_t user, std::string_view id) {
  if (!seen_.insert(user).second) return;
  seq_rows_.push_back(ChSeqRow{user, seq_next_++, std::string(id), ch_.ShardOf(user)});
}

Status ChEventWriter::Send(Batch& b) {
  // User numbers first: a user is numbered before any of its rows is stored, so a killed run leaves no
  // stored user without its number (the re-run finds the number stored and keeps it).
  AIPS_RETURN_IF_ERROR(ChWriteUserSeq(ch_, *seq_base_, b.seq));
  if (b.pending.empty()) return Status::OK();
  Day lo = b.pending[0].day, hi = lo;
  std::string keys;
  keys.reserve(b.pending.size() * 21);
  for (const Pending& p : b.pending) {
    lo = std::min(lo, p.day);
    hi = std::max(hi, p.day);
    fmt::format_to(std::back_inserter(keys), "{}\n", p.key);
  }
  // Keys already stored (a retried batch, a re-run after a failure, the same file twice), stored and then
  // dropped by retention, or the event ids of a data directory copied here (aips copy).
  AIPS_ASSIGN_OR_RETURN(
      auto stored,
      ch_.FoundKeys(fmt::format("SELECT key FROM {0} WHERE day >= {2} AND day <= {3} AND key IN _keys "
                                "UNION ALL SELECT key FROM {1} WHERE day >= {2} AND day <= {3} AND key IN "
                                "_keys UNION ALL SELECT key FROM {4} WHERE key IN _keys",
                                ch_.Table("events"), ch_.Table("dropped_keys"), ChDate(lo), ChDate(hi),
                                ch_.Table("imported_ids")),
                    keys));
  if (!stored.empty()) {
    std::vector<std::string> kept(b.rows.size());
    for (const Pending& p : b.pending) {
      if (stored.contains(p.key)) {
        b.duplicate_tags.push_back(p.tag);
        continue;
      }
      kept[p.shard].append(b.rows[p.shard], p.begin, p.end - p.begin);
    }
    b.rows.swap(kept);
  }
  for (size_t s = 0; s < b.rows.size(); ++s) {
    AIPS_RETURN_IF_ERROR(ch_.InsertShard(s, ch_.EventsLocal(), kChEventColumns, b.rows[s], "RowBinary"));
    AIPS_RETURN_IF_ERROR(ch_.InsertShard(s, ch_.UsersLocal(), "user, user_id", b.users[s], "RowBinary"));
  }
  return Status::OK();
}

Status ChEventWriter::Wait() {
  if (sender_.joinable()) sender_.join();
  if (!inflight_) return Status::OK();
  if (inflight_->thrown) std::rethrow_exception(std::exchange(inflight_->thrown, nullptr));
  duplicates_.insert(duplicates_.end(), inflight_->duplicate_tags.begin(), inflight_->duplicate_tags.end());
  Status s = inflight_->status;
  inflight_.reset();
  return s;
}

Status ChEventWriter::Flush() {
  AIPS_RETURN_IF_ERROR(Wait());
  if (pending_.empty() && seq_rows_.empty()) return Status::OK();
  if (!seq_base_) {
    AIPS_ASSIGN_OR_RETURN(uint64_t base, ChNextUserSeq(ch_));
    seq_base_ = base;
  }
  inflight_ = std::make_unique<Batch>();
  inflight_->pending.swap(pending_);
  inflight_->seq.swap(seq_rows_);
  inflight_->rows.swap(rows_);
  inflight_->users.swap(users_rows_);
  rows_.assign(inflight_->rows.size(), {});
  users_rows_.assign(inflight_->users.size(), {});
  Batch* b = inflight_.get();
  sender_ = std::thread([this, b] {
    try {
      b->status = Send(*b);
    } catch (...) {  // a std::thread must not end by an exception (std::terminate): Wait() rethrows it
      b->thrown = std::current_exception();
    }
  });
  return Status::OK();
}

Status ChEventWriter::Finish() {
  AIPS_RETURN_IF_ERROR(Flush());
  return Wait();
}

std::vector<uint32_t> ChEventWriter::TakeDuplicates() {
  std::vector<uint32_t> out;
  out.swap(duplicates_);
  return out;
}

Result<IngestResult> IngestBuffersToClickHouse(ChStore& ch, const std::vector<InputBuffer>& inputs,
                                               const IngestOptions& options,
                                               std::vector<std::string>* reject_records, size_t max_records) {
  ChLoad load(ch, options);
  AIPS_RETURN_IF_ERROR(load.RunBuffers(inputs, reject_records, max_records));
  return std::move(load.result());
}

Result<IngestResult> IngestToClickHouse(ChStore& ch, const std::vector<std::string>& files,
                                        const IngestOptions& options) {
  ChLoad load(ch, options);
  AIPS_RETURN_IF_ERROR(load.Run(files));
  return std::move(load.result());
}

}  // namespace aips
