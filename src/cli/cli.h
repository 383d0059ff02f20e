// The `aips` command line: one Register* function per command group. Each command prints a table for
// people or, with --json, exactly one JSON document on standard output; messages go to standard error.
// Exit codes: 0 success, 2 the caller's mistake (unknown brand, malformed date, bad option), 1 anything
// else (unreadable input, a store that cannot be written or is damaged).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "aips/status.h"
#include "common/date.h"
#include "engine/engine.h"

namespace aips::cli {

// Set by a command's callback.
int& ExitCode();

// Parses and runs one command line (argv[0] = the program name) and returns its exit code. Runs again
// in the same process for `aips batch`.
int RunAips(int argc, char** argv);

// Prints "aips: <message>" to stderr and records the status's exit code.
void Fail(const Status& s);

// Parses an optional --date style option ("" = absent).
Result<std::optional<Day>> OptionalDate(const std::string& text, const char* option);

// Where a command's data lives: a data directory (--data DIR, the embedded engine) or a ClickHouse
// database (--engine clickhouse://HOST:HTTP_PORT/DATABASE[?cluster=NAME&nodes=H:P,...]); exactly one.
struct Where {
  std::string data, engine;
};
void AddWhere(CLI::App* c, Where* w, const std::string& data_help = "Data directory");
// InvalidArgument unless exactly one of --data and --engine is given.
Status CheckWhere(const Where& w);
Result<std::unique_ptr<QueryEngine>> OpenQueryEngine(const Where& w);

void RegisterIngest(CLI::App& app);
void RegisterCompute(CLI::App& app);
void RegisterQueries(CLI::App& app);
void RegisterReport(CLI::App& app);
void RegisterCampaign(CLI::App& app);
void RegisterLift(CLI::App& app);
void RegisterForecast(CLI::App& app);
void RegisterCategory(CLI::App& app);
void RegisterServe(CLI::App& app);
void RegisterCrowd(CLI::App& app);
void RegisterActReports(CLI::App& app);
void RegisterLookalike(CLI::App& app);
void RegisterCheck(CLI::App& app);
void RegisterBackup(CLI::App& app);
void RegisterRetain(CLI::App& app);
void RegisterForget(CLI::App& app);
void RegisterInsights(CLI::App& app);
void RegisterRepair(CLI::App& app);
void RegisterRewrite(CLI::App& app);
void RegisterRules(CLI::App& app);
void RegisterSimulate(CLI::App& app);
void RegisterCopy(CLI::App& app);
void RegisterBatch(CLI::App& app);

}  // namespace aips::cli
