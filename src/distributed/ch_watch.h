// The commit token of an aips database on ClickHouse (front/open_engine.h CommitToken), read by the
// server every 200 ms to know when to start a new generation of warm engines and cached answers.
//
// One cheap query to the URL's node, on metadata only: the rows of the active parts of every table of
// the database except the events and users (the small tables every node holds: loads, rules, side
// tables, first-party data, tenants, api_keys, saved crowds and whatever tables are added later), plus
// the number of mutations ever run on the database. Events are not counted: `ingest` writes them first
// and its `loads` row last, so the token moves once per finished load, with everything it wrote; `forget`
// moves it by its mutations; `rules set`, `tenant add`, `key create` and a saved crowd by their rows.
// Merges keep a MergeTree's row count, so background merges do not move it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "distributed/ch_client.h"

namespace aips {

class ChCommitWatch {
 public:
  // InvalidArgument for a malformed URL.
  static Result<std::unique_ptr<ChCommitWatch>> Open(const std::string& url);
  ~ChCommitWatch();
  // The token now; IOError when the server does not answer. Thread-safe.
  Result<uint64_t> Token();
  // True when the database holds aips events (the events table exists).
  Result<bool> HasData();

 private:
  ChCommitWatch(ChUrl url, std::unique_ptr<ChClient> client);
  ChUrl url_;
  std::mutex mu_;
  std::unique_ptr<ChClient> client_;
};

}  // namespace aips
