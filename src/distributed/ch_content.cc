#include "distributed/ch_content.h"

#include "common/bytes.h"
#include "common/date.h"
#include "fmt/format.h"
#include "ingest/content_rows.h"

namespace aips {

namespace {

constexpr size_t kMessageBatch = 250000;

std::string JoinTopics(const std::vector<std::string>& topics) {
  std::string out;  // topics never hold '|': it separates them in the input (SplitBarList)
  for (const std::string& t : topics) out += (out.empty() ? "" : "|") + t;
  return out;
}

void Field(std::string_view v, std::string* out) {
  AppendTsv(v, out);
  *out += '\t';
}

}  // namespace

std::vector<std::string> ChContentSchema(const ChStore& ch) {
  const std::string& db = ch.url().database;
  std::vector<std::string> ddl = {
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {}.notes (note String, author String, ts Int64, day Date, brand "
          "String, spu String, topics String, sentiment UInt8, kind UInt8, version UInt64) ENGINE = "
          "MergeTree ORDER BY note",
          db),
      fmt::format("CREATE TABLE IF NOT EXISTS {}.accounts (account String, `group` UInt8, campaign String, "
                  "brand String, version UInt64) ENGINE = MergeTree ORDER BY account",
                  db),
  };
  for (std::string& sql :
       ch.ShardedTableDdl("messages",
                          "key UInt64, conversation String, conv UInt64, account String, user String, ts "
                          "Int64, day Date, hour "
                          "UInt8, out UInt8, lead UInt8, run UInt64, seq UInt64",
                          "MergeTree PARTITION BY toYYYYMM(day) ORDER BY (conv, ts)", "conv"))
    ddl.push_back(std::move(sql));
  return ddl;
}

Status ChContentLoad::Load() {
  if (loaded_) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(
      ChRows notes,
      ch_.Select(fmt::format("SELECT note, argMax(author, version), argMax(ts, version), argMax(brand, "
                             "version), argMax(spu, version), argMax(topics, version), argMax(sentiment, "
                             "version), argMax(kind, version) FROM {} GROUP BY note",
                             ch_.Table("notes"))));
  for (auto& r : notes) {
    if (r.size() != 8) return Status::IOError("unexpected answer from ClickHouse (notes)");
    NoteRow n{r[1],
              r[3],
              r[4],
              ChI64(r[2]),
              SplitBarList(r[5]),
              static_cast<uint8_t>(ChI64(r[6])),
              static_cast<uint8_t>(ChI64(r[7]))};
    notes_.emplace(r[0], std::move(n));
  }
  AIPS_ASSIGN_OR_RETURN(
      ChRows accounts,
      ch_.Select(fmt::format("SELECT account, argMax(`group`, version), argMax(campaign, version), "
                             "argMax(brand, version) FROM {} GROUP BY account",
                             ch_.Table("accounts"))));
  for (auto& r : accounts) {
    if (r.size() != 4) return Status::IOError("unexpected answer from ClickHouse (accounts)");
    accounts_.emplace(r[0], Account{static_cast<AccountGroup>(ChI64(r[1])), r[2], r[3]});
  }
  loaded_ = true;
  return Status::OK();
}

namespace {

// A later row for the same id replaces it; an identical one changes nothing.
template <typename Row>
ChContentLoad::Outcome Upsert(std::map<std::string, Row>* all, std::map<std::string, Row>* changed,
                              std::string id, Row row) {
  auto [it, fresh] = all->try_emplace(id, row);
  if (!fresh && it->second == row) return ChContentLoad::Outcome::kUnchanged;
  it->second = row;
  (*changed)[std::move(id)] = std::move(row);
  return ChContentLoad::Outcome::kChanged;
}

}  // namespace

Result<ChContentLoad::Outcome> ChContentLoad::AddNote(std::string id, NoteRow n) {
  AIPS_RETURN_IF_ERROR(Load());
  return Upsert(&notes_, &notes_changed_, std::move(id), std::move(n));
}

Result<ChContentLoad::Outcome> ChContentLoad::AddAccount(std::string id, Account a) {
  AIPS_RETURN_IF_ERROR(Load());
  return Upsert(&accounts_, &accounts_changed_, std::move(id), std::move(a));
}

Result<ChContentLoad::Outcome> ChContentLoad::AddMessage(Message m, uint32_t tag) {
  const uint64_t key = MessageKey(m);
  if (!message_keys_.insert(key).second) return Outcome::kUnchanged;
  const uint64_t conv = Hash64(m.conversation);
  const Day day = mapper_.LocalDay(m.ts);
  const int hour = absl::ToCivilHour(absl::FromUnixSeconds(m.ts), zone_).hour();
  std::string row = fmt::format("{}\t", key);
  Field(m.conversation, &row);
  row += fmt::format("{}\t", conv);
  Field(m.account, &row);
  Field(m.user, &row);
  row += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}", m.ts, FormatDate(day), hour, m.out ? 1 : 0, m.lead ? 1 : 0,
                     run_, seq_++);
  messages_.push_back({key, tag, static_cast<uint32_t>(ch_.ShardOf(conv)), std::move(row)});
  if (messages_.size() >= kMessageBatch) AIPS_RETURN_IF_ERROR(SendMessages(&stored_tags_));
  return Outcome::kChanged;
}

Status ChContentLoad::SendMessages(std::vector<uint32_t>* stored_tags) {
  if (messages_.empty()) return Status::OK();
  std::string keys;
  for (const PendingMessage& p : messages_) fmt::format_to(std::back_inserter(keys), "{}\n", p.key);
  AIPS_ASSIGN_OR_RETURN(
      auto stored,
      ch_.FoundKeys(fmt::format("SELECT key FROM {} WHERE key IN _keys", ch_.Table("messages")), keys));
  std::vector<std::string> rows(ch_.shards());
  for (const PendingMessage& p : messages_) {
    if (stored.contains(p.key)) {
      stored_tags->push_back(p.tag);
      continue;
    }
    rows[p.shard] += p.row;
    rows[p.shard] += '\n';
  }
  const std::string local = ch_.Local("messages");
  for (size_t s = 0; s < rows.size(); ++s) {
    AIPS_RETURN_IF_ERROR(ch_.InsertShard(
        s, local, "key, conversation, conv, account, user, ts, day, hour, out, lead, run, seq", rows[s],
        "TabSeparated"));
  }
  messages_.clear();
  return Status::OK();
}

Status ChContentLoad::Commit(std::vector<uint32_t>* stored_tags) {
  AIPS_RETURN_IF_ERROR(SendMessages(&stored_tags_));
  stored_tags->insert(stored_tags->end(), stored_tags_.begin(), stored_tags_.end());
  stored_tags_.clear();
  DayMapper mapper(zone_);
  std::string tsv;
  for (auto& [id, n] : notes_changed_) {
    Field(id, &tsv);
    Field(n.author, &tsv);
    tsv += fmt::format("{}\t{}\t", n.ts, FormatDate(mapper.LocalDay(n.ts)));
    Field(n.brand, &tsv);
    Field(n.spu, &tsv);
    Field(JoinTopics(n.topics), &tsv);
    tsv += fmt::format("{}\t{}\t{}\n", n.sentiment, n.kind, run_);
  }
  AIPS_RETURN_IF_ERROR(ch_.InsertEverywhere(
      "notes", "note, author, ts, day, brand, spu, topics, sentiment, kind, version", tsv));
  tsv.clear();
  for (auto& [id, a] : accounts_changed_) {
    Field(id, &tsv);
    tsv += fmt::format("{}\t", static_cast<int>(a.group));
    Field(a.campaign, &tsv);
    AppendTsv(a.brand, &tsv);
    tsv += fmt::format("\t{}\n", run_);
  }
  AIPS_RETURN_IF_ERROR(ch_.InsertEverywhere("accounts", "account, `group`, campaign, brand, version", tsv));
  notes_changed_.clear();
  accounts_changed_.clear();
  return Status::OK();
}

}  // namespace aips
