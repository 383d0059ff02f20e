#include "sim/sim_content.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "fmt/format.h"
#include "sim/rng.h"

namespace aips {

namespace {

// Topic vocabularies by category; the first is the category's rising topic.
const std::array<std::vector<const char*>, 5> kTopics = {{
    {"早C晚A", "抗老精华", "敏感肌修护", "成分党", "平价替代", "熬夜急救", "精华测评", "油皮护肤"},
    {"辅食添加", "宝宝第一口米粉", "有机辅食", "过敏宝宝", "辅食工具", "月龄食谱"},
    {"秋冬显白口红", "黄皮友好", "哑光质地", "小众色号", "口红试色", "伪素颜"},
    {"通勤防晒", "防晒测评", "敏感肌防晒", "户外暴晒", "军训防晒", "防晒喷雾"},
    {"冷萃咖啡", "挂耳推荐", "打工人续命", "咖啡拉花", "低因咖啡", "手冲入门"},
}};

Status Write(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::IOError(fmt::format("cannot create '{}'", path));
  const size_t n = std::fwrite(text.data(), 1, text.size(), f);
  if (std::fclose(f) != 0 || n != text.size()) return Status::IOError(fmt::format("cannot write '{}'", path));
  return Status::OK();
}

std::string Ts(Day day, int secs) {
  return fmt::format("{}T{:02d}:{:02d}:{:02d}+08:00", FormatDate(day), secs / 3600, secs / 60 % 60,
                     secs % 60);
}

}  // namespace

const char* RisingTopic(int category) { return kTopics[static_cast<size_t>(category) % kTopics.size()][0]; }

uint64_t NotesPerBrand(uint64_t users) { return std::clamp<uint64_t>(users / 100, 50, 2000); }

Status WriteContent(const std::string& dir, const std::vector<ContentBrand>& brands, uint64_t users, int days,
                    Day start, uint64_t seed, ContentExtras* extras) {
  sim::Rng rng(seed ^ 0xC0FFEEull, 0x1234567ull);
  const uint64_t k = NotesPerBrand(users);
  std::string notes = "note,author,ts,brand,spu,topics,sentiment,kind\n";
  for (size_t b = 0; b < brands.size(); ++b) {
    const auto& vocab = kTopics[static_cast<size_t>(brands[b].category) % kTopics.size()];
    for (uint64_t i = 0; i < k; ++i) {
      const bool trending = i < k / 10;
      // Trending notes appear in the last third of the period; the others any time from 30 days before.
      const int day =
          trending ? days - 1 - static_cast<int>(rng.Below(static_cast<uint64_t>(std::max(1, days / 3))))
                   : static_cast<int>(rng.Below(static_cast<uint64_t>(days + 30))) - 30;
      std::vector<const char*> topics;
      if (trending) topics.push_back(vocab[0]);
      const int extra = 1 + static_cast<int>(rng.Below(2));
      for (int t = 0; t < extra; ++t) {
        const char* topic = vocab[1 + rng.Below(vocab.size() - 1)];
        if (std::find(topics.begin(), topics.end(), topic) == topics.end()) topics.push_back(topic);
      }
      std::string list;
      for (auto* t : topics) list += (list.empty() ? "" : "|") + std::string(t);
      const auto& spus = brands[b].spus;
      const double u = rng.Uniform();
      notes += fmt::format("n{},u{},{},{},{},{},{},{}\n", b * k + i, 1 + rng.Below(users),
                           Ts(start + day, static_cast<int>(rng.Below(86400))), brands[b].name,
                           spus.empty() || rng.Chance(0.3) ? "" : spus[rng.Below(spus.size())], list,
                           u < 0.7   ? "positive"
                           : u < 0.9 ? "neutral"
                                     : "negative",
                           rng.Chance(0.35) ? "video" : "image");
    }
  }
  AIPS_RETURN_IF_ERROR(Write(dir + "/notes.csv", notes));

  // A home-decoration merchant: its accounts answer private messages; headquarters fast, regional
  // accounts slower, staff slowest and mostly silent at night.
  extras->brands = "homedeco-01,home_decoration\n";
  extras->campaigns =
      fmt::format("homedeco-01-leads,homedeco-01,,{},{}\n", FormatDate(start), FormatDate(start + days - 1));
  for (int d = 0; d < days; ++d)
    extras->spend += fmt::format("homedeco-01-leads,{},{}.00\n", FormatDate(start + d), 800 + rng.Below(700));
  struct Acct {
    std::string id;
    const char* group;
    bool campaign;
    double fast, slow_night;  // share answered within 30 s; share of night conversations answered late
  };
  std::vector<Acct> accts = {{"hd-hq", "headquarters", true, 0.85, 0.1},
                             {"hd-beijing", "regional", true, 0.6, 0.5},
                             {"hd-shanghai", "regional", true, 0.5, 0.6}};
  for (int i = 1; i <= 4; ++i) accts.push_back({fmt::format("hd-staff-{}", i), "staff", false, 0.25, 0.9});
  std::string accounts = "account,group,campaign,brand\n";
  for (auto& a : accts)
    accounts += fmt::format("{},{},{},homedeco-01\n", a.id, a.group, a.campaign ? "homedeco-01-leads" : "");
  AIPS_RETURN_IF_ERROR(Write(dir + "/accounts.csv", accounts));
  std::string msgs = "conversation,account,user,ts,direction,lead\n";
  const uint64_t per_day = std::clamp<uint64_t>(users / 2000, 10, 300);
  uint64_t conv = 0;
  for (int d = 0; d < days; ++d) {
    for (uint64_t c = 0; c < per_day; ++c) {
      const Acct& a = accts[rng.Below(accts.size())];
      const int64_t t0 = (start + d) * int64_t{86400} - 8 * 3600 + static_cast<int64_t>(rng.Below(86400));
      const int hour = static_cast<int>(((t0 + 8 * 3600) % 86400) / 3600);
      const bool night = hour >= 22 || hour < 8;
      const std::string id = fmt::format("cv{}", ++conv), user = fmt::format("u{}", 1 + rng.Below(users));
      auto line = [&](int64_t ts, const char* direction, bool lead) {
        const Day day = static_cast<Day>((ts + 8 * 3600) / 86400);
        const int secs = static_cast<int>((ts + 8 * 3600) % 86400);
        msgs += fmt::format("{},{},{},{},{},{}\n", id, a.id, user, Ts(day, secs), direction, lead ? 1 : 0);
      };
      line(t0, "in", false);
      if (rng.Chance(0.08)) continue;  // never answered
      int64_t delay;
      if (night && rng.Chance(a.slow_night)) {
        delay = 3600 + static_cast<int64_t>(rng.Below(8 * 3600));  // answered in the morning
      } else if (rng.Chance(a.fast)) {
        delay = 3 + static_cast<int64_t>(rng.Below(28));
      } else {
        delay = 31 + static_cast<int64_t>(rng.Below(rng.Chance(0.7) ? 600 : 7200));
      }
      line(t0 + delay, "out", false);
      if (rng.Chance(0.6))
        line(t0 + delay + 20 + static_cast<int64_t>(rng.Below(300)), "in", rng.Chance(0.25));
    }
  }
  return Write(dir + "/messages.csv", msgs);
}

}  // namespace aips
