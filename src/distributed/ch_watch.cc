#include "distributed/ch_watch.h"

#include <algorithm>

#include "common/bytes.h"
#include "fmt/format.h"

namespace aips {

ChCommitWatch::ChCommitWatch(ChUrl url, std::unique_ptr<ChClient> client)
    : url_(std::move(url)), client_(std::move(client)) {}

ChCommitWatch::~ChCommitWatch() = default;

Result<std::unique_ptr<ChCommitWatch>> ChCommitWatch::Open(const std::string& url) {
  AIPS_ASSIGN_OR_RETURN(ChUrl parsed, ParseChUrl(url));
  AIPS_ASSIGN_OR_RETURN(auto client, OpenChClient(parsed, parsed.entry));
  return std::unique_ptr<ChCommitWatch>(new ChCommitWatch(std::move(parsed), std::move(client)));
}

Result<uint64_t> ChCommitWatch::Token() {
  const std::string db = ChQuote(url_.database);
  const std::string sql = fmt::format(
      "SELECT table, toUInt64(sum(rows)) FROM system.parts WHERE database = {} AND active AND table NOT IN "
      "('events', 'events_local', 'users', 'users_local') GROUP BY table "
      "UNION ALL SELECT '', toUInt64(count()) FROM system.mutations WHERE database = {}",
      db, db);
  std::lock_guard<std::mutex> l(mu_);
  AIPS_ASSIGN_OR_RETURN(ChRows rows, client_->Select(sql));
  std::sort(rows.begin(), rows.end());  // UNION ALL answers in any order
  std::string text;
  for (auto& r : rows) {
    for (auto& f : r) text += f + '\t';
    text += '\n';
  }
  return Hash64(text);
}

Result<bool> ChCommitWatch::HasData() {
  std::lock_guard<std::mutex> l(mu_);
  AIPS_ASSIGN_OR_RETURN(
      ChRows r,
      client_->Select(fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = 'events'",
                                  ChQuote(url_.database))));
  return !r.empty() && !r[0].empty() && r[0][0] != "0";
}

}  // namespace aips
