// Content and consultation tables (issue #9, docs/insights.md), kept whole between ingests:
// - notes (DIR/notes-<gen>.bin): content metadata — a note's author, posting time, brand, SPU, topics,
//   sentiment and kind. A note row is not an event; engagement comes from the events carrying the note id.
// - consultations (DIR/consult-<gen>.bin): the accounts of local-service merchants (group, the campaign
//   whose spend they share, the brand they answer for) and their private-message rows.
// Framed (docs/formats.md §13, §14); the manifest names the current file of each.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "aips/status.h"

namespace aips {

struct NoteRow {
  std::string author, brand, spu;
  int64_t ts = 0;                   // Unix seconds
  std::vector<std::string> topics;  // distinct, in input order
  uint8_t sentiment = 0;            // as in events: 0 none, 1 positive, 2 neutral, 3 negative
  uint8_t kind = 0;                 // 0 image, 1 video
  bool operator==(const NoteRow&) const = default;
};

struct NotesTable {
  std::map<std::string, NoteRow> notes;  // note id -> row (a later row for the same note replaces it)

  std::string Encode() const;
  static Result<NotesTable> Decode(std::string_view file, const std::string& name);
};

enum class AccountGroup : uint8_t { kHeadquarters = 0, kRegional = 1, kStaff = 2 };
inline constexpr const char* kAccountGroupNames[] = {"headquarters", "regional", "staff"};

struct Account {
  AccountGroup group = AccountGroup::kHeadquarters;
  std::string campaign;  // "" = none: its spend share is unknown, so is its cost per lead
  std::string brand;     // the brand it answers for ("" = the campaign's brand, if any)
  bool operator==(const Account&) const = default;
};

struct Message {
  std::string conversation, account, user;
  int64_t ts = 0;
  bool out = false;   // direction: false = in (from the user), true = out (the account's reply)
  bool lead = false;  // contact details were left in this message
};

// A hash of every field of a message: two messages with the same key are duplicates.
uint64_t MessageKey(const Message& m);

struct ConsultData {
  std::map<std::string, Account> accounts;
  std::vector<Message> messages;  // in arrival order

  // Adds a message; false when one with the same fields is stored (a duplicate). The first call indexes
  // the stored messages, so readers, which never add, do not pay for that index.
  bool Add(Message m);

  std::string Encode() const;
  static Result<ConsultData> Decode(std::string_view file, const std::string& name);

 private:
  bool indexed_ = false;
  absl::flat_hash_set<uint64_t> keys_;  // a hash of every field of each message, once indexed
};

std::string NotesPath(const std::string& dir, uint64_t generation);
std::string ConsultPath(const std::string& dir, uint64_t generation);
// generation 0: nothing stored yet (empty).
Result<NotesTable> LoadNotes(const std::string& dir, uint64_t generation);
Status SaveNotes(const std::string& dir, uint64_t generation, const NotesTable& t);
Result<ConsultData> LoadConsult(const std::string& dir, uint64_t generation);
Status SaveConsult(const std::string& dir, uint64_t generation, const ConsultData& c);

}  // namespace aips
