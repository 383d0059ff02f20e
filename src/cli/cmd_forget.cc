// aips forget: erase users (store/forget.h), then rebuild the snapshots it invalidated.
#include <fstream>

#include "cli/cli.h"
#include "common/json_writer.h"
#include "distributed/ch_store.h"
#include "fmt/format.h"
#include "front/open_engine.h"
#include "store/forget.h"

namespace aips::cli {

namespace {

Status ReadUsersFile(const std::string& path, std::vector<std::string>* users) {
  std::ifstream in(path);
  if (!in) return Status::IOError(fmt::format("cannot read --users-file '{}'", path));
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line != "user_id") users->push_back(line);
  }
  return Status::OK();
}

// The counts, as one JSON object or a sentence; the same fields from every engine.
void PrintForget(const ForgetResult& r, size_t requested, bool recomputed, bool dry_run, bool json) {
  if (json) {
    JsonWriter w;
    w.BeginObject();
    w.Key("users_requested").Int(static_cast<int64_t>(requested));
    w.Key("users_found").Int(static_cast<int64_t>(r.users_found));
    w.Key("events_removed").Int(static_cast<int64_t>(r.events_removed));
    w.Key("segments_rewritten").Int(static_cast<int64_t>(r.segments_rewritten));
    w.Key("brands_affected").Int(static_cast<int64_t>(r.brands_affected));
    w.Key("identity_links_removed").Int(static_cast<int64_t>(r.identity_links_removed));
    w.Key("attribute_tags_removed").Int(static_cast<int64_t>(r.attribute_tags_removed));
    w.Key("crowds_changed").Int(static_cast<int64_t>(r.crowds_changed));
    w.Key("assignments_removed").Int(static_cast<int64_t>(r.assignments_removed));
    w.Key("reject_lines_removed").Int(static_cast<int64_t>(r.reject_lines_removed));
    w.Key("messages_removed").Int(static_cast<int64_t>(r.messages_removed));
    w.Key("notes_unlinked").Int(static_cast<int64_t>(r.notes_unlinked));
    w.Key("snapshot_files_deleted").Int(static_cast<int64_t>(r.snapshot_files_deleted));
    w.Key("id_shapes_hashed").Int(static_cast<int64_t>(r.id_shapes_hashed));
    w.Key("snapshots_recomputed").Bool(recomputed);
    w.Key("blocked").Bool(r.blocked);
    w.Key("dry_run").Bool(dry_run).EndObject();
    fmt::print("{}\n", w.str());
    return;
  }
  const char* verb = dry_run ? "would erase" : "erased";
  fmt::print(
      "{} {} of {} users: {} events ({} segments rewritten, {} brands), {} identity links, {} "
      "attribute tags, {} saved crowds, {} experiment assignments, {} rejected-row lines, {} messages, {} "
      "note "
      "authorships\n",
      verb, r.users_found, requested, r.events_removed, r.segments_rewritten, r.brands_affected,
      r.identity_links_removed, r.attribute_tags_removed, r.crowds_changed, r.assignments_removed,
      r.reject_lines_removed, r.messages_removed, r.notes_unlinked);
  if (r.id_shapes_hashed > 0)
    fmt::print("{} {} event-id prefixes naming them{}\n", dry_run ? "would hash" : "hashed",
               r.id_shapes_hashed, dry_run ? "" : " (the runs keep every id)");
  if (dry_run) return;
  if (r.snapshot_files_deleted > 0)
    fmt::print("{} snapshot files deleted; {}\n", r.snapshot_files_deleted,
               recomputed ? "snapshots recomputed" : "they are recomputed on the next query or compute");
  if (r.blocked) fmt::print("later ingests refuse rows of these users (--no-block to allow them)\n");
}

// ClickHouse: the users' rows go by mutations on every node (docs/distributed.md); there are no snapshots.
void ForgetOnClickHouse(const std::string& url, const std::vector<std::string>& users, bool block,
                        bool dry_run, bool json) {
  auto store = ChStore::Connect(url, ChStore::Mode::kWrite);
  if (!store.ok()) return Fail(store.status());
  auto r = store.value()->Forget(users, block, dry_run);
  if (!r.ok()) return Fail(r.status());
  PrintForget(r.value(), users.size(), false, dry_run, json);
}

}  // namespace

void RegisterForget(CLI::App& app) {
  struct Args {
    Where where;
    std::string users_file;
    std::vector<std::string> users;
    bool no_block = false, dry_run = false, json = false, no_compute = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c =
      app.add_subcommand("forget", "Erase users everywhere (events, links, tags, crowds, snapshots)");
  AddWhere(c, &a->where);
  c->add_option("--user", a->users, "A platform user id to erase (repeatable)");
  c->add_option("--users-file", a->users_file,
                "A file of user ids, one per line (a 'user_id' header is skipped)");
  c->add_flag("--no-block", a->no_block, "Do not refuse the users' rows in later ingests");
  c->add_flag("--no-compute", a->no_compute,
              "Leave the invalidated snapshots to the next query or compute instead of rebuilding them now");
  c->add_flag("--dry-run", a->dry_run, "Count what would be erased; change nothing");
  c->add_flag("--json", a->json, "Print the counts as one JSON object");
  c->footer(
      "Erases in one commit: the users' events (day segments rewritten without them), their names in the\n"
      "user dictionary (tombstoned; no other id changes), their identity-map links and attribute tags; "
      "saved\n"
      "crowds and rejected-row files lose them too. The affected brands' and the category crowds'\n"
      "snapshots are deleted and rebuilt. Later ingests refuse the users' rows (events, identity,\n"
      "attributes) unless --no-block; the store keeps only a keyed fingerprint for that. Ingests and\n"
      "computes wait while it runs; queries go on and see the state before or after.\n"
      "Example:\n  aips forget --data store --user u123 --user u456\n"
      "  aips forget --data store --users-file erasure-requests.csv --json");
  c->callback([a] {
    std::vector<std::string> users = a->users;
    if (!a->users_file.empty()) {
      if (Status s = ReadUsersFile(a->users_file, &users); !s.ok()) return Fail(s);
    }
    if (users.empty())
      return Fail(Status::InvalidArgument("name the users to erase: --user U or --users-file F"));
    if (Status s = CheckWhere(a->where); !s.ok()) return Fail(s);
    if (!a->where.engine.empty())
      return ForgetOnClickHouse(a->where.engine, users, !a->no_block, a->dry_run, a->json);
    bool had_snapshots = false;
    ForgetResult r;
    {
      auto store = Store::Open(a->where.data, Store::Mode::kRead);
      if (!store.ok()) return Fail(store.status());  // a directory that holds no store is not created
      if (Status s = store.value()->UpgradeToWrite(); !s.ok()) return Fail(s);
      for (auto& b : store.value()->manifest().brands) had_snapshots |= b.snap.through != kNoDay;
      auto f = ForgetUsers(*store.value(), users, !a->no_block, a->dry_run);
      if (!f.ok()) return Fail(f.status());
      r = f.value();
    }  // the write lock is released here; compute takes its own
    bool recomputed = false;
    if (!a->dry_run && !a->no_compute && had_snapshots && r.snapshot_files_deleted > 0) {
      if (Status s = RecomputeSnapshots(a->where.data); !s.ok()) return Fail(s);
      recomputed = true;
    }
    PrintForget(r, users.size(), recomputed, a->dry_run, a->json);
  });
}

}  // namespace aips::cli
