// `aips batch`: many commands in one process (docs/cli.md). Each input line is a JSON array of one
// command's arguments (without the program name); each answer is one JSON Lines record with the command's
// exit code, standard output and standard error. Engines that are expensive to start — the in-process
// ClickHouse of `--engine chdb:DIR` loads a 566 MB library and boots a server — start once per batch
// instead of once per command, and a chdb directory (one process at a time) serves every command.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "common/json_writer.h"
#include "fmt/format.h"
#include "simdjson.h"

namespace aips::cli {

namespace {

// Runs `fn` with file descriptors 1 and 2 pointed at temporary files; returns what was written to each.
template <typename Fn>
Status Captured(Fn fn, std::string* out, std::string* err) {
  FILE* files[2] = {std::tmpfile(), std::tmpfile()};
  if (files[0] == nullptr || files[1] == nullptr) {
    for (FILE* f : files)
      if (f != nullptr) std::fclose(f);
    return Status::IOError("batch: cannot create a temporary file for a command's output");
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved[2] = {::dup(1), ::dup(2)};
  ::dup2(::fileno(files[0]), 1);
  ::dup2(::fileno(files[1]), 2);
  fn();
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(saved[0], 1);
  ::dup2(saved[1], 2);
  std::string* into[2] = {out, err};
  for (int i = 0; i < 2; ++i) {
    ::close(saved[i]);
    std::rewind(files[i]);
    char buf[65536];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, files[i])) > 0) into[i]->append(buf, n);
    std::fclose(files[i]);
  }
  return Status::OK();
}

// The arguments of one input line: InvalidArgument unless it is a JSON array of strings.
Result<std::vector<std::string>> ParseLine(const std::string& line) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  simdjson::ondemand::array arr;
  if (parser.iterate(padded).get(doc) || doc.get_array().get(arr))
    return Status::InvalidArgument(
        "a line must be a JSON array of arguments, e.g. [\"stages\",\"--brand\",\"b\"]");
  std::vector<std::string> args;
  for (auto v : arr) {
    std::string_view s;
    if (v.get_string().get(s)) return Status::InvalidArgument("every argument must be a JSON string");
    args.emplace_back(s);
  }
  if (args.empty()) return Status::InvalidArgument("an empty array names no command");
  if (args[0] == "batch") return Status::InvalidArgument("batch cannot run inside batch");
  return args;
}

// One record: {"line":N,"exit":C,"stdout":"…","stderr":"…"}.
std::string Record(size_t line, int exit_code, const std::string& out, const std::string& err) {
  JsonWriter w;
  w.BeginObject().Key("line").Int(static_cast<int64_t>(line)).Key("exit").Int(exit_code);
  w.Key("stdout").String(out).Key("stderr").String(err).EndObject();
  return w.str() + "\n";
}

int RunBatch() {
  std::string line;
  size_t n = 0;
  while (std::getline(std::cin, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::string out, err;
    int code = 2;
    auto args = ParseLine(line);
    if (!args.ok()) {
      err = fmt::format("aips: line {}: {}\n", n, args.status().message());
    } else {
      std::vector<std::string> storage = {"aips"};
      storage.insert(storage.end(), args->begin(), args->end());
      std::vector<char*> argv;
      for (auto& s : storage) argv.push_back(s.data());
      Status s = Captured([&] { code = RunAips(static_cast<int>(argv.size()), argv.data()); }, &out, &err);
      if (!s.ok()) {
        Fail(s);
        return 1;
      }
    }
    const std::string rec = Record(n, code, out, err);
    std::fwrite(rec.data(), 1, rec.size(), stdout);
    std::fflush(stdout);  // a reader waiting for this answer gets it now
  }
  return 0;
}

}  // namespace

void RegisterBatch(CLI::App& app) {
  auto* c = app.add_subcommand(
      "batch",
      "Run many commands in one process: one JSON array of arguments per input line, one JSON Lines answer "
      "per command");
  c->footer(
      "Input (stdin), one command per line, without the program name; lines starting with # are skipped:\n"
      "  [\"stages\",\"--engine\",\"chdb:/srv/aips\",\"--brand\",\"serum-01\",\"--json\"]\n"
      "Output (stdout), one record per command, in order, flushed as each finishes:\n"
      "  {\"line\":1,\"exit\":0,\"stdout\":\"{...}\\n\",\"stderr\":\"\"}\n"
      "Worth it where starting an engine is expensive (--engine chdb:DIR boots ClickHouse in the process, "
      "and "
      "a chdb directory belongs to one process at a time). The batch itself exits 0 unless its own I/O "
      "fails.");
  c->callback([] { ExitCode() = RunBatch(); });
}

}  // namespace aips::cli
