// In-process timings of aips for the workloads of bench/run.py (issue #7), on a data directory that
// `aips ingest` and `aips compute` have filled. Prints one JSON document: per workload the milliseconds of
// every run and the answer (checked against the peers' by bench/run.py).
//
//   aips_bench --data DIR --brand B --competitor C --date D --from D0 --runs N [--sample-days D1,D2,...]
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "CLI/CLI.hpp"
#include "common/allocator_tuning.h"
#include "common/json_writer.h"
#include "embedded/cold_scan.h"
#include "embedded/embedded_engine.h"
#include "engine/crowd_expr.h"
#include "fmt/format.h"
#include "model/snapshot.h"

namespace aips {
namespace {

double Ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

[[noreturn]] void Die(const Status& s) {
  fmt::print(stderr, "aips_bench: {}\n", s.message());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) Die(r.status());
  return std::move(r).value();
}

void Times(JsonWriter& w, const std::vector<double>& ms) {
  w.Key("ms").BeginArray();
  for (double v : ms) w.Double(v);
  w.EndArray();
}

void Sizes(JsonWriter& w, const std::array<uint64_t, 6>& s) {
  w.BeginArray();
  for (int i = 1; i <= 5; ++i) w.Int(static_cast<int64_t>(s[static_cast<size_t>(i)]));
  w.EndArray();
}

struct Setup {
  Store* store;
  Dictionary* brands;
  Dictionary* channels;
  std::map<std::string, std::unique_ptr<RuleMatcher>> matchers;  // by category
  const RuleMatcher& MatcherOf(const std::string& brand) {
    std::string cat = Check(store->CategoryOfBrand(brand));
    auto& m = matchers[cat];
    if (!m) m = std::make_unique<RuleMatcher>(store->rules().ForCategory(cat), *channels);
    return *m;
  }
};

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"aips in-process benchmark workloads"};
  std::string data, brand, competitor, date_s, from_s, sample, only;
  int runs = 3, warm_runs = 20;
  app.add_option("--data", data)->required();
  app.add_option("--brand", brand)->required();
  app.add_option("--competitor", competitor)->required();
  app.add_option("--date", date_s)->required();
  app.add_option("--from", from_s)->required();
  app.add_option("--runs", runs);
  app.add_option("--warm-runs", warm_runs, "Runs of the warm (in-process) workloads (default 20)");
  app.add_option("--only", only, "Run only these workloads (b,c,d,e,f; default all)");
  bool self_check = false;
  app.add_flag("--self-check", self_check,
               "Also check that the cold scan's fast path and its general counters agree for every brand");
  app.add_option("--sample-days", sample, "Days whose stage sizes of every brand are printed (workload e)");
  CLI11_PARSE(app, argc, argv);
  const Day date = Check(ParseDate(date_s)), from = Check(ParseDate(from_s));
  auto engine = Check(EmbeddedEngine::Open(data));
  Setup su{&engine->store(),
           Check(engine->store().dict(kDictBrand)),
           Check(engine->store().dict(kDictChannel)),
           {}};
  const Manifest& m = su.store->manifest();
  const uint32_t users = m.dicts[kDictUser].count;
  const uint32_t bid = *Check(su.store->FindBrand(brand));
  auto want = [&](char c) { return only.empty() || only.find(c) != std::string::npos; };
  if (self_check) {
    auto src = Check(StoreEventSource::Open(*su.store, m.FirstDay(), m.LastDay()));
    ColdScanner fast(users), general(users, true);
    for (uint32_t b = 0; b < su.brands->size(); ++b) {
      const RuleMatcher& mt = su.MatcherOf(std::string(su.brands->Name(b)));
      if (Check(fast.Sizes(*src, mt, b, kBrandScope, {from, date})) !=
              Check(general.Sizes(*src, mt, b, kBrandScope, {from, date})) ||
          Check(fast.Flow(*src, mt, b, kBrandScope, from, date)) !=
              Check(general.Flow(*src, mt, b, kBrandScope, from, date))) {
        Die(Status::Corruption(fmt::format("cold scan: fast path and counters disagree on brand #{}", b)));
      }
    }
  }
  JsonWriter w;
  w.BeginObject();

  // b/c cold: open the day segments of the window and scan the brand's rows (a fresh scanner each run).
  if (want('b')) {
    std::vector<double> ms;
    std::array<uint64_t, 6> answer{};
    for (int r = -1; r < runs; ++r) {  // r = -1: untimed warm-up (the OS page cache, as a peer's buffers)
      auto t0 = std::chrono::steady_clock::now();
      const RuleMatcher& mt = su.MatcherOf(brand);
      auto src = Check(StoreEventSource::Open(*su.store, date - mt.rules().MaxWindow() + 1, date));
      ColdScanner sc(users);
      answer = Check(sc.Sizes(*src, mt, bid, kBrandScope, {date}))[0];
      if (r >= 0) ms.push_back(Ms(t0));
    }
    w.Key("b_cold").BeginObject();
    Times(w, ms);
    w.Key("answer");
    Sizes(w, answer);
    w.EndObject();
  }
  if (want('c')) {
    std::vector<double> ms;
    std::array<std::array<uint64_t, 6>, 6> answer{};
    for (int r = -1; r < runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      const RuleMatcher& mt = su.MatcherOf(brand);
      auto src = Check(StoreEventSource::Open(*su.store, from - mt.rules().MaxWindow() + 1, date));
      ColdScanner sc(users);
      answer = Check(sc.Flow(*src, mt, bid, kBrandScope, from, date));
      if (r >= 0) ms.push_back(Ms(t0));
    }
    w.Key("c_cold").BeginObject();
    Times(w, ms);
    w.Key("answer").BeginArray();
    for (auto& row : answer) {
      w.BeginArray();
      for (auto v : row) w.Int(static_cast<int64_t>(v));
      w.EndArray();
    }
    w.EndArray().EndObject();
  }
  // b/c warm: from the maintained snapshots (the first call opens the snapshot file).
  if (want('b') || want('c')) {
    ScopeRef scope{brand, std::nullopt};
    Check(engine->Stages(scope, date));
    Check(engine->Flow(scope, from, date));
    std::vector<double> sms, fms;
    StagesResult st;
    FlowResult fl;
    for (int r = 0; r < warm_runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      st = Check(engine->Stages(scope, date));
      sms.push_back(Ms(t0));
      t0 = std::chrono::steady_clock::now();
      fl = Check(engine->Flow(scope, from, date));
      fms.push_back(Ms(t0));
    }
    w.Key("b_warm").BeginObject();
    Times(w, sms);
    w.Key("answer").BeginArray();
    for (auto v : st.stages) w.Int(static_cast<int64_t>(v));
    w.EndArray().EndObject();
    w.Key("c_warm").BeginObject();
    Times(w, fms);
    w.Key("answer").BeginArray();
    for (auto& row : fl.matrix) {
      w.BeginArray();
      for (auto v : row) w.Int(static_cast<int64_t>(v));
      w.EndArray();
    }
    w.EndArray().EndObject();
  }
  // d: every brand's stage sizes on one day, from the events, on two threads.
  if (want('d')) {
    std::vector<double> ms;
    std::map<std::string, std::array<uint64_t, 6>> answer;
    for (int r = -1; r < runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      int max_w = 1;
      for (uint32_t b = 0; b < su.brands->size(); ++b)
        max_w = std::max(max_w, su.MatcherOf(std::string(su.brands->Name(b))).rules().MaxWindow());
      auto src = Check(StoreEventSource::Open(*su.store, date - max_w + 1, date));
      std::atomic<uint32_t> next{0};
      std::mutex mu;
      Status failed;
      auto work = [&] {
        ColdScanner sc(users);
        for (;;) {
          const uint32_t b = next++;
          if (b >= su.brands->size()) return;
          const std::string name(su.brands->Name(b));
          const RuleMatcher* mt;
          {
            std::lock_guard<std::mutex> l(mu);
            mt = &su.MatcherOf(name);
          }
          auto sizes = sc.Sizes(*src, *mt, b, kBrandScope, {date});
          std::lock_guard<std::mutex> l(mu);
          if (!sizes.ok())
            failed = sizes.status();
          else
            answer[name] = sizes.value()[0];
        }
      };
      std::thread other(work);
      work();
      other.join();
      if (!failed.ok()) Die(failed);
      if (r >= 0) ms.push_back(Ms(t0));
    }
    w.Key("d_cold").BeginObject();
    Times(w, ms);
    w.Key("answer").BeginObject();
    for (auto& [name, s] : answer) {
      w.Key(name);
      Sizes(w, s);
    }
    w.EndObject().EndObject();
  }
  // e: every brand's (and SPU's) daily snapshots from its first day through the last, in memory, two threads.
  if (want('e')) {
    std::vector<double> ms;
    size_t snapshot_bytes = 0;
    for (int r = 0; r < std::max(1, runs / 2); ++r) {
      auto t0 = std::chrono::steady_clock::now();
      auto src = Check(StoreEventSource::Open(*su.store, m.FirstDay(), m.LastDay()));
      std::atomic<uint32_t> next{0};
      std::atomic<size_t> bytes{0};
      std::mutex mu;
      Status failed;
      auto work = [&] {
        for (;;) {
          const uint32_t b = next++;
          if (b >= m.brands.size()) return;
          const BrandInfo& bi = m.brands[b];
          if (bi.first_day == kNoDay) continue;
          const RuleMatcher* mt;
          {
            std::lock_guard<std::mutex> l(mu);
            mt = &su.MatcherOf(std::string(su.brands->Name(b)));
          }
          auto out = ComputeBrand(*src, b, bi.spus, *mt, SubjectRun{bi.first_day, m.LastDay()}, 1);
          if (!out.ok()) {
            std::lock_guard<std::mutex> l(mu);
            failed = out.status();
            return;
          }
          bytes += out->snapshot.size();
        }
      };
      std::thread other(work);
      work();
      other.join();
      if (!failed.ok()) Die(failed);
      ms.push_back(Ms(t0));
      snapshot_bytes = bytes;
    }
    // Members summed over scopes and days, from the stored snapshots.
    uint64_t member_days = 0, scopes = 0;
    std::map<std::string, std::vector<std::array<uint64_t, 6>>> samples;
    std::vector<Day> sample_days;
    for (size_t p = 0; p < sample.size();) {
      size_t c = sample.find(',', p);
      sample_days.push_back(Check(ParseDate(sample.substr(p, c == std::string::npos ? c : c - p))));
      p = c == std::string::npos ? sample.size() : c + 1;
    }
    Dictionary* spus = Check(su.store->dict(kDictSpu));
    for (uint32_t b = 0; b < m.brands.size(); ++b) {
      const std::string name(su.brands->Name(b));
      std::vector<std::optional<std::string>> scope_list{std::nullopt};
      for (uint32_t s : m.brands[b].spus) scope_list.emplace_back(std::string(spus->Name(s)));
      for (auto& spu : scope_list) {
        ++scopes;
        TrendResult t = Check(engine->Trend(ScopeRef{name, spu}, m.FirstDay(), m.LastDay()));
        for (auto& d : t.days)
          for (auto v : d) member_days += v;
        if (spu) continue;
        for (Day d : sample_days) {
          std::array<uint64_t, 6> s{};
          for (int i = 0; i < 5; ++i)
            s[static_cast<size_t>(i + 1)] = t.days[static_cast<size_t>(d - t.from)][static_cast<size_t>(i)];
          samples[name].push_back(s);
        }
      }
    }
    w.Key("e_refresh").BeginObject();
    Times(w, ms);
    w.Key("scopes")
        .Int(static_cast<int64_t>(scopes))
        .Key("snapshot_bytes")
        .Int(static_cast<int64_t>(snapshot_bytes));
    w.Key("member_days").Int(static_cast<int64_t>(member_days));
    w.Key("answer").BeginObject();
    for (auto& [name, list] : samples) {
      w.Key(name).BeginArray();
      for (auto& s : list) Sizes(w, s);
      w.EndArray();
    }
    w.EndObject().EndObject();
  }
  // f: a crowd expression count (two stage sets, `and not`).
  if (want('f')) {
    const std::string expr = fmt::format(
        "stage(brand: \"{}\", date: \"{}\") in [TI, P, S] and not stage(brand: \"{}\", date: \"{}\") in [A, "
        "I, TI, P, S]",
        competitor, date_s, brand, date_s);
    auto node = Check(ParseCrowdExpr(expr));
    Check(engine->EvalCrowd(*node, ""));
    std::vector<double> ms;
    uint64_t n = 0;
    for (int r = 0; r < warm_runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      n = Check(engine->EvalCrowd(*node, "")).cardinality();
      ms.push_back(Ms(t0));
    }
    w.Key("f_crowd").BeginObject();
    Times(w, ms);
    w.Key("expression").String(expr).Key("answer").Int(static_cast<int64_t>(n)).EndObject();
  }
  w.EndObject();
  fmt::print("{}\n", w.str());
  return 0;
}

}  // namespace aips

int main(int argc, char** argv) {
  aips::TuneAllocator();  // as the aips binary does
  return aips::Main(argc, argv);
}
