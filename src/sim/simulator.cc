#include "sim/simulator.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include "common/file_util.h"
#include "common/parallel.h"
#include "fmt/format.h"
#include "sim/event_writer.h"
#include "sim/rng.h"
#include "sim/sim_content.h"
#include "sim/sim_truth.h"
#include "sim/sim_users.h"
#include "sim/sim_world.h"

namespace aips {

namespace {

using sim::kCategories;
using sim::kNumCategories;
using sim::Rng;

Status WriteText(const std::string& path, const std::string& text) {
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) return Status::IOError(fmt::format("cannot create '{}'", path));
  size_t n = fwrite(text.data(), 1, text.size(), f);
  if (fclose(f) != 0 || n != text.size()) return Status::IOError(fmt::format("cannot write '{}'", path));
  return Status::OK();
}

constexpr const char* kEventsHeader =
    "event_id,ts,user_id,brand,spu,action,campaign,note,amount,channel,sentiment\n";

// The rows the two writers wrote, into the result.
void Count(const sim::EventWriter& w0, const sim::EventWriter& w1, SimResult* res) {
  res->events = w0.events() + w1.events();
  res->duplicates = w0.duplicates() + w1.duplicates();
  res->bad_rows = w0.bad() + w1.bad();
}

// Users [lo, hi) on two threads: the first half into w0 and out0, the second into w1 and out1.
void SimulateHalves(const SimOptions& opt, const sim::World& w, Day start, uint64_t lo, uint64_t hi,
                    sim::EventWriter& w0, sim::EventWriter& w1, sim::UsersOut* out0, sim::UsersOut* out1) {
  const uint64_t mid = lo + (hi - lo) / 2;
  RunInParallel(2, [&](int i) {
    if (i == 0) {
      sim::SimulateUsers(opt, w, start, lo, mid, w0, out0);
    } else {
      sim::SimulateUsers(opt, w, start, mid, hi, w1, out1);
    }
  });
}

// Users on two threads, each a half of the users, the second half's events appended after the first's.
Status WriteEvents(const SimOptions& opt, const sim::World& w, Day start, sim::UsersOut* out0,
                   sim::UsersOut* out1, SimResult* res) {
  const std::string path = opt.out_dir + "/events.csv", part = opt.out_dir + "/events.csv.part";
  FILE* f0 = fopen(path.c_str(), "wb");
  FILE* f1 = fopen(part.c_str(), "w+b");
  if (!f0 || !f1) {
    if (f0) fclose(f0);
    if (f1) fclose(f1);
    return Status::IOError(fmt::format("cannot create '{}'", path));
  }
  fputs(kEventsHeader, f0);
  {
    sim::EventWriter w0(f0, start, opt, 0), w1(f1, start, opt, uint64_t{1} << 40);
    SimulateHalves(opt, w, start, 0, opt.users, w0, w1, out0, out1);
    w0.Flush();
    w1.Flush();
    Count(w0, w1, res);
  }
  rewind(f1);
  std::vector<char> buf(1 << 22);
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f1)) > 0) fwrite(buf.data(), 1, n, f0);
  bool ok = fclose(f0) == 0;
  fclose(f1);
  std::remove(part.c_str());
  if (!ok) return Status::IOError(fmt::format("cannot write '{}'", path));
  return Status::OK();
}

// The per-user side tables: file name and header, and the rows of a UsersOut.
struct SideTable {
  const char* file;
  const char* header;
  std::string sim::UsersOut::*rows;
};
constexpr SideTable kSideTables[] = {
    {"user_attributes.csv", "user_id,tags\n", &sim::UsersOut::tags},
    {"orders.csv", "order_id,id_type,id_hash,ts,brand,spu,amount\n", &sim::UsersOut::orders},
    {"identity.csv", "id_type,id_hash,user_id\n", &sim::UsersOut::identity},
    {"experiments.csv", "campaign,user_id,group\n", &sim::UsersOut::experiments},
};

// Users in blocks, each block simulated on two threads and written to standard output before the next;
// the side tables' rows are appended to their files after each block too, so memory stays flat.
Status StreamEvents(const SimOptions& opt, const sim::World& w, Day start, sim::UsersOut* out0,
                    sim::UsersOut* out1, SimResult* res) {
  constexpr uint64_t kBlock = 100000;
  std::vector<std::unique_ptr<FILE, int (*)(FILE*)>> side;
  for (const SideTable& t : kSideTables) {
    const std::string path = opt.out_dir + "/" + t.file;
    side.emplace_back(fopen(path.c_str(), "wb"), &fclose);
    if (!side.back()) return Status::IOError(fmt::format("cannot create '{}'", path));
    fputs(t.header, side.back().get());
  }
  fputs(kEventsHeader, stdout);
  sim::EventWriter w0(nullptr, start, opt, 0), w1(nullptr, start, opt, uint64_t{1} << 40);
  for (uint64_t lo = 0; lo < opt.users; lo += kBlock) {
    SimulateHalves(opt, w, start, lo, std::min(opt.users, lo + kBlock), w0, w1, out0, out1);
    for (sim::EventWriter* wr : {&w0, &w1}) {
      fwrite(wr->buffer().data(), 1, wr->buffer().size(), stdout);
      wr->buffer().clear();
    }
    if (ferror(stdout)) return Status::IOError("cannot write events to standard output");
    for (size_t k = 0; k < side.size(); ++k) {
      for (sim::UsersOut* o : {out0, out1}) {
        std::string& rows = o->*kSideTables[k].rows;
        fwrite(rows.data(), 1, rows.size(), side[k].get());
        rows.clear();
      }
      if (ferror(side[k].get()))
        return Status::IOError(fmt::format("cannot write '{}'", kSideTables[k].file));
    }
  }
  Count(w0, w1, res);
  if (fflush(stdout) != 0) return Status::IOError("cannot write events to standard output");
  return Status::OK();
}

}  // namespace

Result<SimResult> Simulate(const SimOptions& opt) {
  if (opt.users == 0 || opt.days < 1 || opt.days > 3650) {
    return Status::InvalidArgument("--users must be positive and --days in [1, 3650]");
  }
  if (!(opt.holdout_share >= 0 && opt.holdout_share <= 1))
    return Status::InvalidArgument("--holdout-share must be in [0, 1]");
  AIPS_RETURN_IF_ERROR(MakeDirs(opt.out_dir));
  const Day start = opt.start == kNoDay ? DaysFromCivil(2024, 9, 1) : opt.start;
  int n_brands =
      opt.brands > 0 ? opt.brands : static_cast<int>(std::clamp<uint64_t>(opt.users / 20000, 15, 100));
  n_brands = std::max(n_brands, kNumCategories);
  const sim::World w = sim::BuildWorld(opt, n_brands);
  SimResult res;
  res.brands = n_brands;
  res.first_brand = w.brands[0].name;
  for (auto& b : w.brands) res.spus += static_cast<int>(b.spus.size());
  res.campaigns = static_cast<int>(w.campaigns.size());

  // Side tables.
  std::string cats = "category,decision_cycle_days\n", brands = "brand,category\n";
  for (auto& c : kCategories) cats += fmt::format("{},{}\n", c.name, c.cycle);
  for (auto& b : w.brands)
    brands += fmt::format("{},{}\n", b.name, kCategories[static_cast<size_t>(b.category)].name);
  std::string camps = "campaign,brand,spu,start,end\n", spend = "campaign,date,spend\n";
  Rng rng(opt.seed ^ 0x5EED5EEDull);
  for (auto& c : w.campaigns) {
    const sim::Brand& b = w.brands[static_cast<size_t>(c.brand)];
    camps +=
        fmt::format("{},{},{},{},{}\n", c.name, b.name, c.spu >= 0 ? b.spus[static_cast<size_t>(c.spu)] : "",
                    FormatDate(start + c.start), FormatDate(start + c.end));
    for (int d = c.start; d <= c.end; ++d) {
      spend += fmt::format("{},{},{}.{:02d}\n", c.name, FormatDate(start + d), 2000 + rng.Below(18000),
                           rng.Below(100));
    }
  }
  // Notes, and a local-service merchant's accounts and messages (sim/sim_content.h).
  std::vector<ContentBrand> content;
  for (auto& b : w.brands) content.push_back({b.name, b.category, b.spus});
  ContentExtras extras;
  AIPS_RETURN_IF_ERROR(WriteContent(opt.out_dir, content, opt.users, opt.days, start, opt.seed, &extras));
  cats += "home_decoration,45\n";
  brands += extras.brands;
  camps += extras.campaigns;
  spend += extras.spend;
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/categories.csv", cats));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/brands.csv", brands));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/campaigns.csv", camps));
  AIPS_RETURN_IF_ERROR(WriteText(opt.out_dir + "/spend.csv", spend));

  sim::UsersOut out0, out1;
  sim::InitUsersOut(w, &out0);
  sim::InitUsersOut(w, &out1);
  AIPS_RETURN_IF_ERROR(opt.events_stdout ? StreamEvents(opt, w, start, &out0, &out1, &res)
                                         : WriteEvents(opt, w, start, &out0, &out1, &res));
  if (!opt.events_stdout) {  // (streamed: written block by block)
    for (const SideTable& t : kSideTables)
      AIPS_RETURN_IF_ERROR(
          WriteText(opt.out_dir + "/" + t.file, std::string(t.header) + out0.*t.rows + out1.*t.rows));
  }
  for (size_t c = 0; c < out0.campaigns.size(); ++c) out0.campaigns[c].Add(out1.campaigns[c]);
  out0.plants.Add(out1.plants);
  AIPS_RETURN_IF_ERROR(
      WriteText(opt.out_dir + "/truth.json", sim::TruthJson(opt, w, start, out0.campaigns, out0.plants)));
  res.assignments = out0.assignments + out1.assignments;
  for (const sim::Campaign& c : w.campaigns) res.holdouts += c.holdout ? 1 : 0;
  return res;
}

}  // namespace aips
