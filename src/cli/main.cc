// aips: the AIPS crowd-asset engine. See `aips --help` and docs/cli.md.
#include <cstdio>
#include <exception>

#include "cli/cli.h"
#include "common/allocator_tuning.h"
#include "fmt/format.h"

namespace aips::cli {

int& ExitCode() {
  static int code = 0;
  return code;
}

void Fail(const Status& s) {
  fmt::print(stderr, "aips: {}\n", s.IsInvalidArgument() || s.IsNotFound() ? s.message() : s.ToString());
  ExitCode() = s.ExitCode();
}

Result<std::optional<Day>> OptionalDate(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<Day>();
  auto d = ParseDate(text);
  if (!d.ok()) return Status::InvalidArgument(fmt::format("{}: {}", option, d.status().message()));
  return std::optional<Day>(d.value());
}

}  // namespace aips::cli

int main(int argc, char** argv) {
  aips::TuneAllocator();
  using namespace aips::cli;
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
  RegisterRules(app);
  RegisterSimulate(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "aips: internal error: {}\n", e.what());
    return 1;
  }
  return ExitCode();
}
