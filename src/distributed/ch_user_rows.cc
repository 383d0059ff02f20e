#include "distributed/ch_user_rows.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_split.h"
#include "common/bytes.h"
#include "fmt/format.h"
#include "ingest/content_rows.h"

namespace aips {

namespace {

std::string KeysTsv(const auto& users) {
  std::string tsv;
  for (uint64_t u : users) fmt::format_to(std::back_inserter(tsv), "{}\n", u);
  return tsv;
}

// The hashes of the users a file's valid rows name; `user_of` gives a row's user ("" for a row it rejects).
template <typename UserOf>
absl::flat_hash_set<uint64_t> UsersOfFile(std::string_view data, const FileFormat& format, UserOf user_of) {
  absl::flat_hash_set<uint64_t> users;
  ForEachRow(data, format,
             [&](const InputRow& row) {
               if (std::string_view u = user_of(row); !u.empty()) users.insert(Hash64(u));
             },
             {});
  return users;
}

}  // namespace

Result<uint64_t> ChNextUserSeq(ChStore& ch) {
  AIPS_ASSIGN_OR_RETURN(ChRows r, ch.Select(fmt::format("SELECT max(m) FROM (SELECT max(seq) AS m FROM {})",
                                                        ch.Table("user_seq"))));
  if (r.empty() || r[0].empty()) return 1;
  return ChU64(r[0][0]) + 1;
}

Status ChWriteUserSeq(ChStore& ch, uint64_t base, const std::vector<ChSeqRow>& rows) {
  if (rows.empty()) return Status::OK();
  absl::flat_hash_set<uint64_t> users;
  for (const ChSeqRow& r : rows) users.insert(r.user);
  AIPS_ASSIGN_OR_RETURN(
      auto stored,
      ch.FoundKeys(fmt::format("SELECT user FROM {} WHERE user IN _keys GROUP BY user", ch.Table("user_seq")),
                   KeysTsv(users)));
  std::vector<std::string> by_shard(ch.shards());
  for (const ChSeqRow& r : rows) {
    if (stored.contains(r.user)) continue;
    AppendBinary<uint64_t>(r.user, &by_shard[r.shard]);
    AppendBinary<uint64_t>(base + r.ordinal, &by_shard[r.shard]);
    AppendBinaryString(r.id, &by_shard[r.shard]);
  }
  for (size_t s = 0; s < by_shard.size(); ++s) {
    if (by_shard[s].empty()) continue;
    AIPS_RETURN_IF_ERROR(
        ch.InsertShard(s, ch.Local("user_seq"), "user, seq, user_id", by_shard[s], "RowBinary"));
  }
  return Status::OK();
}

std::string ChSavedCrowdRow(const SavedCrowd& c, uint64_t saved_us) {
  std::string row;
  for (const std::string* f : {&c.tenant, &c.name}) {
    AppendTsv(*f, &row);
    row += '\t';
  }
  row += fmt::format("{}\t{}\t", c.version, c.saved_at);
  AppendTsv(c.definition, &row);
  row += fmt::format("\t{}\t{}\n", c.size, saved_us);
  return row;
}

Status ChAttributesLoad::PrepareFile(std::string_view data, const FileFormat& format) {
  return PrepareUsers(UsersOfFile(data, format, [](const InputRow& row) {
    std::string_view user;
    std::vector<std::string> tags;
    RowError err;
    return ParseAttributesRow(row, &user, &tags, &err) ? user : std::string_view();
  }));
}

Status ChAttributesLoad::PrepareUsers(const absl::flat_hash_set<uint64_t>& users) {
  if (users.empty()) return Status::OK();
  // Tags never hold '|' (the input separates them with it) and are never empty.
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch_.SelectWithTable(fmt::format("SELECT user, arrayStringConcat(argMax(tags, version), '|') FROM {} "
                                      "WHERE user IN _users GROUP BY user",
                                      ch_.Table("attributes")),
                          "_users", "user UInt64", KeysTsv(users)));
  for (auto& r : rows) {
    std::vector<std::string> tags;
    if (!r.at(1).empty()) tags = absl::StrSplit(r[1], '|');
    std::sort(tags.begin(), tags.end());
    stored_[ChU64(r[0])] = std::move(tags);
  }
  return Status::OK();
}

bool ChAttributesLoad::Apply(uint64_t user, std::vector<std::string> tags) {
  std::sort(tags.begin(), tags.end());
  auto now = changed_.find(user);
  const std::vector<std::string>* current = nullptr;
  if (now != changed_.end()) {
    current = &now->second;
  } else if (auto s = stored_.find(user); s != stored_.end()) {
    current = &s->second;
  }
  const bool changed = current ? *current != tags : !tags.empty();
  if (changed) changed_[user] = std::move(tags);
  return changed;
}

Status ChAttributesLoad::Commit(uint64_t run) {
  std::vector<std::string> by_shard(ch_.shards());
  for (auto& [user, tags] : changed_) {
    std::string& t = by_shard[ch_.ShardOf(user)];
    AppendBinary<uint64_t>(user, &t);
    AppendBinaryVarUInt(tags.size(), &t);  // Array(String): the length, then the strings
    for (const std::string& tag : tags) AppendBinaryString(tag, &t);
    AppendBinary<uint64_t>(run, &t);
  }
  for (size_t s = 0; s < by_shard.size(); ++s) {
    if (by_shard[s].empty()) continue;
    AIPS_RETURN_IF_ERROR(
        ch_.InsertShard(s, ch_.Local("attributes"), "user, tags, version", by_shard[s], "RowBinary"));
  }
  changed_.clear();
  return Status::OK();
}

std::string ChExperimentGroupSql(const std::string& table, const std::string& campaign, bool treatment) {
  return fmt::format(
      "SELECT user FROM {} WHERE campaign = {} GROUP BY user HAVING argMin(treatment, version) = {}", table,
      ChQuote(campaign), treatment ? 1 : 0);
}

Status ChExperimentsLoad::PrepareFile(std::string_view data, const FileFormat& format) {
  return PrepareUsers(UsersOfFile(data, format, [](const InputRow& row) {
    std::string_view campaign, user;
    bool treatment = false;
    RowError err;
    return ParseExperimentRow(row, &campaign, &user, &treatment, &err) ? user : std::string_view();
  }));
}

Status ChExperimentsLoad::PrepareUsers(const absl::flat_hash_set<uint64_t>& users) {
  if (users.empty()) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(
      ChRows rows,
      ch_.SelectWithTable(fmt::format("SELECT campaign, user, argMin(treatment, version) FROM {} "
                                      "WHERE user IN _users GROUP BY campaign, user",
                                      ch_.Table("experiments")),
                          "_users", "user UInt64", KeysTsv(users)));
  for (auto& r : rows) groups_[{r.at(0), ChU64(r.at(1))}] = r.at(2) == "1";
  return Status::OK();
}

Experiments::Assigned ChExperimentsLoad::Assign(const std::string& campaign, uint64_t user, bool treatment) {
  auto [it, fresh] = groups_.try_emplace({campaign, user}, treatment);
  if (fresh) {
    added_.emplace_back(campaign, user);
    return Experiments::Assigned::kNew;
  }
  return it->second == treatment ? Experiments::Assigned::kSame : Experiments::Assigned::kConflict;
}

Status ChExperimentsLoad::Commit(uint64_t run) {
  std::vector<std::string> by_shard(ch_.shards());
  for (auto& [campaign, user] : added_) {
    std::string& t = by_shard[ch_.ShardOf(user)];
    AppendBinaryString(campaign, &t);
    AppendBinary<uint64_t>(user, &t);
    AppendBinary<uint8_t>(groups_.at({campaign, user}) ? 1 : 0, &t);
    AppendBinary<uint64_t>(run, &t);
  }
  for (size_t s = 0; s < by_shard.size(); ++s) {
    if (by_shard[s].empty()) continue;
    AIPS_RETURN_IF_ERROR(ch_.InsertShard(s, ch_.Local("experiments"), "campaign, user, treatment, version",
                                         by_shard[s], "RowBinary"));
  }
  added_.clear();
  return Status::OK();
}

}  // namespace aips
