// The content and consultation tables (notes, accounts, messages: docs/insights.md) on ClickHouse
// (docs/distributed.md, "Content tables"). The same validation as the embedded ingest (ingest/content_rows),
// the same replace/duplicate rules, written idempotently:
// - notes and accounts are small keyed tables on every node (the shard-local topic queries join events with
//   `notes`); every row carries a `version` and the latest version of an id wins. A run writes only the
//   ids whose row changed against what is stored.
// - messages are sharded by conversation (messages_local + Distributed `messages` sharded by
//   intHash64(conv)): every per-conversation aggregate of `aips consult` runs on the shard that holds the
//   conversation. Each message carries a key (a hash of every field, as the embedded engine's duplicate
//   test); keys already stored are looked up before a batch is written and skipped, so a re-run after a
//   kill adds nothing. `run` and `seq` keep the arrival order (ties of the first `in` message).
// Local day and hour (night) are computed at load time in the rules' time zone, like the events' `day`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "common/date.h"
#include "distributed/ch_store.h"
#include "ingest/event_parser.h"
#include "ingest/row_source.h"
#include "ingest/tables.h"
#include "store/content.h"

namespace aips {

// CREATE TABLE statements of the content tables (run on every node by ChStore's schema).
std::vector<std::string> ChContentSchema(const ChStore& ch);

class ChContentLoad {
 public:
  ChContentLoad(ChStore& ch, uint64_t run, absl::TimeZone zone) : ch_(ch), run_(run), zone_(zone) {}

  enum class Outcome { kRejected, kChanged, kUnchanged };
  // One parsed row of a notes, accounts or messages table (the loader parses with ingest/content_rows;
  // aips copy reads them from a data directory). A message is kChanged until Commit finds it already
  // stored; `tag` is handed back for each such message.
  Result<Outcome> AddNote(std::string id, NoteRow n);
  Result<Outcome> AddAccount(std::string id, Account a);
  Result<Outcome> AddMessage(Message m, uint32_t tag);
  // Writes the changed notes and accounts and the new messages; *stored_tags receives the tag of each
  // message that was found already stored (a duplicate).
  Status Commit(std::vector<uint32_t>* stored_tags);

 private:
  Status Load();
  Status SendMessages(std::vector<uint32_t>* stored_tags);
  ChStore& ch_;
  uint64_t run_;
  absl::TimeZone zone_;
  DayMapper mapper_{zone_};  // one per load: it keeps the zone's current offset between rows
  bool loaded_ = false;
  std::map<std::string, NoteRow> notes_, notes_changed_;
  std::map<std::string, Account> accounts_, accounts_changed_;
  struct PendingMessage {
    uint64_t key;
    uint32_t tag, shard;
    std::string row;  // TabSeparated, without its newline
  };
  std::vector<PendingMessage> messages_;
  absl::flat_hash_set<uint64_t> message_keys_;  // keys of this run
  std::vector<uint32_t> stored_tags_;           // of batches sent before Commit
  uint64_t seq_ = 0;
};

}  // namespace aips
