// Micro-benchmarks (Google Benchmark) of the hot paths, each reporting the rows or bytes per second it
// reaches: the CSV and JSON Lines readers (with event validation), dictionary encoding, rule evaluation
// and the bitmap operations of flows and crowds. `build/aips_micro_bench` (make bench runs it too).
#include <benchmark/benchmark.h>

#include <random>

#include "fmt/format.h"
#include "ingest/event_parser.h"
#include "ingest/row_source.h"
#include "model/stage_engine.h"
#include "roaring/roaring.hh"
#include "store/dictionary.h"

namespace aips {
namespace {

constexpr int kRows = 200000;

std::string Events(bool jsonl) {
  std::mt19937_64 rng(7);
  std::string out =
      jsonl ? "" : "event_id,ts,user_id,brand,spu,action,campaign,note,amount,channel,sentiment\n";
  for (int i = 0; i < kRows; ++i) {
    const int a = static_cast<int>(rng() % 13);
    const auto action = kActionNames[static_cast<size_t>(a)];
    const std::string ts =
        fmt::format("2024-09-{:02}T{:02}:{:02}:00+08:00", 1 + rng() % 28, rng() % 24, rng() % 60);
    if (jsonl) {
      out += fmt::format(
          "{{\"event_id\":\"e{}\",\"ts\":\"{}\",\"user_id\":\"u{}\",\"brand\":\"serum-0{}\",\"spu\":\"s{}\","
          "\"action\":\"{}\",\"note\":\"n{}\"}}\n",
          i, ts, rng() % 2000000, rng() % 10, rng() % 50, action, rng() % 100000);
    } else {
      out += fmt::format("e{},{},u{},serum-0{},s{},{},,n{},,,\n", i, ts, rng() % 2000000, rng() % 10,
                         rng() % 50, action, rng() % 100000);
    }
  }
  return out;
}

void ReadAndValidate(benchmark::State& state, bool jsonl) {
  const std::string data = Events(jsonl);
  auto format = DetectFormat(data, std::nullopt, "bench");
  if (!format.ok()) return state.SkipWithError(format.status().message().c_str());
  size_t valid = 0;
  for (auto _ : state) {
    ForEachRow(data, format.value(),
               [&](const InputRow& row) {
                 ParsedEvent ev;
                 RowError err;
                 valid += ParseInputRow(row, &ev, &err);
               },
               {});
  }
  benchmark::DoNotOptimize(valid);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}

void BM_CsvReadValidate(benchmark::State& state) { ReadAndValidate(state, false); }
void BM_JsonlReadValidate(benchmark::State& state) { ReadAndValidate(state, true); }

void BM_DictionaryGetOrAdd(benchmark::State& state) {
  std::vector<std::string> names;
  std::mt19937_64 rng(3);
  for (int i = 0; i < kRows; ++i) names.push_back(fmt::format("u{}", rng() % 100000));  // half repeat
  for (auto _ : state) {
    Dictionary d;
    uint64_t sum = 0;
    for (const std::string& n : names) sum += d.GetOrAdd(n);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_RuleMask(benchmark::State& state) {
  Dictionary channels;
  channels.GetOrAdd("onsite");
  RuleMatcher m(DefaultRules().defaults, channels);
  std::vector<uint8_t> actions(1 << 20);
  std::mt19937 rng(1);
  for (auto& a : actions) a = static_cast<uint8_t>(rng() % kNumActions);
  for (auto _ : state) {
    uint32_t acc = 0;
    for (uint8_t a : actions) acc += m.Mask(a, 0, 0);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(actions.size()));
}

Roaring RandomSet(uint32_t n, uint32_t universe, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Roaring r;
  while (r.cardinality() < n) r.add(static_cast<uint32_t>(rng() % universe));
  r.runOptimize();
  return r;
}

void BM_BitmapAndCardinality(benchmark::State& state) {
  const Roaring a = RandomSet(static_cast<uint32_t>(state.range(0)), 2000000, 1);
  const Roaring b = RandomSet(static_cast<uint32_t>(state.range(0)), 2000000, 2);
  for (auto _ : state) benchmark::DoNotOptimize(a.and_cardinality(b));
  state.SetItemsProcessed(state.iterations() * state.range(0) * 2);
}

void BM_BitmapAndNot(benchmark::State& state) {
  const Roaring a = RandomSet(static_cast<uint32_t>(state.range(0)), 2000000, 1);
  const Roaring b = RandomSet(static_cast<uint32_t>(state.range(0)), 2000000, 2);
  for (auto _ : state) benchmark::DoNotOptimize((a - b).cardinality());
  state.SetItemsProcessed(state.iterations() * state.range(0) * 2);
}

BENCHMARK(BM_CsvReadValidate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_JsonlReadValidate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DictionaryGetOrAdd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RuleMask)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BitmapAndCardinality)->Arg(44000)->Arg(400000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BitmapAndNot)->Arg(44000)->Arg(400000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace aips

BENCHMARK_MAIN();
