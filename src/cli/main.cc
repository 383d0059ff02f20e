// aips: the AIPS crowd-asset engine. See `aips --help` and docs/cli.md.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/cli.h"
#ifdef AIPS_FAULT_INJECTION
#include <cstdlib>
#include <memory>

#include "common/fault_env.h"
#endif
#include "common/allocator_tuning.h"
#include "common/memory_limit.h"
#include "distributed/ch_chdb.h"
#include "fmt/format.h"

namespace aips::cli {

int& ExitCode() {
  static int code = 0;
  return code;
}

void Fail(const Status& s) {
  if (s.IsOutOfMemory()) {
    fmt::print(stderr, "aips: {}\n", OutOfMemoryMessage(s.message()));  // names the limit
  } else {
    fmt::print(stderr, "aips: {}\n", s.IsInvalidArgument() || s.IsNotFound() ? s.message() : s.ToString());
  }
  ExitCode() = s.ExitCode();
}

Result<std::optional<Day>> OptionalDate(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<Day>();
  auto d = ParseDate(text);
  if (!d.ok()) return Status::InvalidArgument(fmt::format("{}: {}", option, d.status().message()));
  return std::optional<Day>(d.value());
}

namespace {

// Edit distance, for "did you mean" on a mistyped command.
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// "ingest", "crowd export": the command being run ("aips" before one is known).
std::string CommandName(const CLI::App& app) {
  std::string name;
  for (const CLI::App* level = &app;;) {
    auto subs = level->get_subcommands();
    if (subs.empty()) break;
    level = subs.back();
    name += (name.empty() ? "" : " ") + level->get_name();
  }
  return name.empty() ? "aips" : name;
}

// An exception that ended the command, as one line on stderr; the exit code. An allocation that fails ends
// the process before it gets here (ExitOnOutOfMemory); a std::bad_alloc a library throws itself, or a
// thread the system refuses, on any thread (common/parallel.h), is named as out of memory with the limit
// in force too (common/memory_limit.h).
int Report(const std::exception& e, const std::string& command) {
  try {
    if (auto cause = OutOfMemoryCause(e)) {
      fmt::print(stderr, "aips: {}\n", OutOfMemoryMessage(command + " stopped: " + *cause));
    } else {
      fmt::print(stderr, "aips: internal error: {}\n", e.what());
    }
  } catch (...) {  // no memory even for the message
    std::fputs("aips: out of memory\n", stderr);
  }
  return 1;
}

}  // namespace

// Exit code 2 and the closest command on stderr when argv[1] names no command; 0 otherwise.
int CheckCommandName(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return 0;
  const std::string typed = argv[1];
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == typed) return 0;
    const size_t d = Distance(typed, sub->get_name());
    if (d < best_d) best_d = d, best = sub->get_name();
  }
  if (best_d <= std::max<size_t>(2, typed.size() / 3)) {
    fmt::print(stderr, "aips: unknown command '{}'; did you mean '{}'? (aips --help lists every command)\n",
               typed, best);
  } else {
    fmt::print(stderr, "aips: unknown command '{}' (aips --help lists every command)\n", typed);
  }
  return 2;
}

int RunAips(int argc, char** argv) {
  ExitCode() = 0;
  CLI::App app{
      "aips — the AIPS crowd-asset engine (认知 Awareness → 兴趣 Interest → 深度兴趣 True Interest → 购买 "
      "Purchase "
      "→ 分享 Share).\n\nTypical use:\n"
      "  aips simulate --out world --users 20000 --days 90      # a realistic demo world\n"
      "  aips ingest --data store world/*.csv                   # events and side tables\n"
      "  aips compute --data store                              # daily snapshots\n"
      "  aips stages --data store --brand serum-01              # stage sizes on the last day\n"
      "  aips flow --data store --brand serum-01 --from 2024-10-01 --to 2024-10-31\n",
      "aips"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  RegisterIngest(app);
  RegisterCompute(app);
  RegisterQueries(app);
  RegisterReport(app);
  RegisterCampaign(app);
  RegisterLift(app);
  RegisterForecast(app);
  RegisterCategory(app);
  RegisterServe(app);
  RegisterCrowd(app);
  RegisterActReports(app);
  RegisterLookalike(app);
  RegisterCheck(app);
  RegisterBackup(app);
  RegisterRetain(app);
  RegisterForget(app);
  RegisterInsights(app);
  RegisterRepair(app);
  RegisterRewrite(app);
  RegisterRules(app);
  RegisterSimulate(app);
  RegisterCopy(app);
  RegisterBatch(app);
  if (argc == 1) {  // a bare `aips`: the command list
    fmt::print("{}", app.help());
    return 0;
  }
  if (int code = CheckCommandName(app, argc, argv)) return code;
  // An allocation that fails from here on ends the process with this command's name (common/memory_limit.h).
  app.parse_complete_callback([&app] { ExitOnOutOfMemory(CommandName(app)); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // The same "aips: ..." wording as every other error, and where to look.
    std::string command;
    for (const CLI::App* sub : app.get_subcommands()) command = " " + sub->get_name();
    fmt::print(stderr, "aips: {} (aips{} --help)\n", e.what(), command);
    return 2;
  } catch (const std::exception& e) {
    return Report(e, CommandName(app));
  }
  return ExitCode();
}

}  // namespace aips::cli

int main(int argc, char** argv) {
  aips::TuneAllocator();
  aips::ExitOnOutOfMemory("aips");
#ifdef AIPS_FAULT_INJECTION
  // aips_fault (tests only): AIPS_FAULT=ERRNO:OP:N fails the N-th write, fsync or rename.
  std::unique_ptr<aips::FaultEnv> fault;
  if (const char* spec = std::getenv("AIPS_FAULT"); spec != nullptr && *spec != '\0') {
    auto f = aips::FaultEnv::FromSpec(spec);
    if (!f.ok()) {
      fmt::print(stderr, "aips: {}\n", f.status().message());
      return 2;
    }
    fault = std::move(f).value();
    aips::SetFileEnv(fault.get());
  }
#endif
  int code = 1;
  try {
    code = aips::cli::RunAips(argc, argv);
  } catch (const std::exception& e) {  // before a command runs (setting up the command line)
    code = aips::cli::Report(e, "aips");
  }
  aips::ShutdownChdb();  // joins the in-process ClickHouse's threads (--engine chdb:DIR) before exit
  return code;
}
