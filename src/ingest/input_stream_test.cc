// InputStream: pieces end at row boundaries (never inside a quoted CSV field), every CSV piece after the
// first starts with the header, line offsets give the input's line numbers, and the pieces together are
// exactly the input.
#include "ingest/input_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace aips {
namespace {

// Feeds `text` through a pipe (written on a second thread) and collects the pieces.
std::vector<std::pair<std::string, int64_t>> Pieces(const std::string& text, bool jsonl, size_t piece_bytes,
                                                    std::string* all = nullptr) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  std::thread writer([&] {
    size_t at = 0;
    while (at < text.size()) {
      ssize_t n = write(fds[1], text.data() + at, std::min<size_t>(7, text.size() - at));
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
    close(fds[1]);
  });
  std::vector<std::pair<std::string, int64_t>> out;
  {
    InputStream in(fds[0], "test", piece_bytes);
    EXPECT_TRUE(in.Start().ok());
    in.SetFormat(jsonl);
    InputPiece p;
    while (in.Next(&p)) out.emplace_back(std::string(p.data), p.line_offset);
    EXPECT_TRUE(in.status().ok());
  }
  writer.join();
  close(fds[0]);
  if (all) {
    for (size_t i = 0; i < out.size(); ++i) {
      std::string_view d = out[i].first;
      if (i > 0 && !jsonl) d.remove_prefix(d.find('\n') + 1);
      *all += d;
    }
  }
  return out;
}

TEST(InputStream, CsvPiecesRepeatTheHeaderAndEndAtRows) {
  std::string text = "user_id,action,note\n";
  for (int i = 0; i < 200; ++i) text += "u" + std::to_string(i) + ",view,\"a\nb, \"\"c\"\"\"\n";
  std::string all;
  auto pieces = Pieces(text, false, 100, &all);
  ASSERT_GT(pieces.size(), 10u);
  EXPECT_EQ(all, text);
  int64_t line = 1;  // the input's line of each piece's first data row, counted from the text
  for (size_t i = 0; i < pieces.size(); ++i) {
    const std::string& d = pieces[i].first;
    EXPECT_EQ(d.rfind("user_id,action,note\n", 0), 0u) << i;
    EXPECT_EQ(d.back(), '\n');
    // Every row is two physical lines ("a\nb"), so a cut inside quotes would leave an odd count.
    const auto nl = std::count(d.begin(), d.end(), '\n');
    EXPECT_EQ((nl - 1) % 2, 0) << i;
    // The first data row is the piece's line 2: its input line is 2 + offset.
    EXPECT_EQ(2 + pieces[i].second, line + 1) << i;
    line += nl - 1;
    if (i == 0) line = nl;
  }
}

TEST(InputStream, JsonLinesAndTheLastRowWithoutNewline) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "{\"user_id\":\"u" + std::to_string(i) + "\",\"x\":\"q\\\"\"}\n";
  text += "{\"user_id\":\"last\"}";
  std::string all;
  auto pieces = Pieces(text, true, 64, &all);
  EXPECT_EQ(all, text);
  int64_t lines = 0;
  for (auto& [d, offset] : pieces) {
    EXPECT_EQ(offset, lines);
    lines += std::count(d.begin(), d.end(), '\n');
  }
  EXPECT_EQ(pieces.back().first, "{\"user_id\":\"last\"}");
}

TEST(InputStream, EmptyInputAndReadAll) {
  EXPECT_EQ(Pieces("", false, 64).size(), 1u);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string text = "name,category\nb1,beauty\n";
  ASSERT_EQ(write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fds[1]);
  InputStream in(fds[0], "test", 64);
  ASSERT_TRUE(in.Start().ok());
  auto all = in.ReadAll();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value(), text);
  close(fds[0]);
}

}  // namespace
}  // namespace aips
