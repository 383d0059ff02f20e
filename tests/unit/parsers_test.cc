#include <gtest/gtest.h>

#include "common/decimal.h"
#include "ingest/csv_reader.h"
#include "ingest/event_parser.h"

namespace aips {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view data,
                                              std::vector<std::string>* errors = nullptr,
                                              std::vector<uint64_t>* lines = nullptr) {
  CsvReader r(data);
  CsvRecord rec;
  std::vector<std::vector<std::string>> out;
  while (r.Next(&rec)) {
    if (!rec.error.empty()) {
      if (errors) errors->push_back(rec.error);
      continue;
    }
    out.emplace_back(rec.fields.begin(), rec.fields.end());
    if (lines) lines->push_back(rec.line);
  }
  return out;
}

TEST(CsvReader, SplitsQuotesCrlfAndBom) {
  auto rows = ReadAll(
      "\xEF\xBB\xBF"
      "a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n\r\n2,,\"multi\nline\"\n3,z,");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "x,y", "say \"hi\""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "", "multi\nline"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"3", "z", ""}));
}

TEST(CsvReader, CountsPhysicalLinesAcrossQuotedNewlines) {
  std::vector<uint64_t> lines;
  ReadAll("h\n\"a\nb\"\nc\n\nd\n", nullptr, &lines);
  EXPECT_EQ(lines, (std::vector<uint64_t>{1, 2, 4, 6}));
}

TEST(CsvReader, UnbalancedQuoteLosesOnlyItsLine) {
  std::vector<std::string> errors;
  std::vector<uint64_t> lines;
  CsvReader r("h\n1,\"open\n2,ok\n3,ok\n");
  CsvRecord rec;
  std::vector<std::string> firsts;
  while (r.Next(&rec)) {
    if (rec.error.empty())
      firsts.emplace_back(rec.fields[0]);
    else
      errors.push_back(rec.error);
  }
  EXPECT_EQ(errors.size(), 1u);
  EXPECT_EQ(firsts, (std::vector<std::string>{"h", "2", "3"}));
}

TEST(Decimal, ParsesExactly) {
  EXPECT_EQ(ParseDecimal("12.5").value(), 12500000);
  EXPECT_EQ(ParseDecimal("0.000001").value(), 1);
  EXPECT_EQ(ParseDecimal("-3").value(), -3000000);
  EXPECT_EQ(ParseDecimal(".5").value(), 500000);
  EXPECT_FALSE(ParseDecimal("1e3").ok());
  EXPECT_FALSE(ParseDecimal("1.2345678").ok());
  EXPECT_FALSE(ParseDecimal("99999999999999").ok());
  EXPECT_FALSE(ParseDecimal("").ok());
  EXPECT_FALSE(ParseDecimal(".").ok());
  EXPECT_EQ(FormatDecimal(12500000), "12.5");
  EXPECT_EQ(FormatDecimal(-1), "-0.000001");
  EXPECT_EQ(FormatDecimal(0), "0");
}

RawEvent Raw(std::initializer_list<std::pair<int, std::string_view>> fields) {
  RawEvent r;
  for (auto& [f, v] : fields) {
    r.value[f] = v;
    r.present[f] = true;
  }
  return r;
}

TEST(EventParser, AcceptsAValidEventAndDefaultsChannel) {
  ParsedEvent e;
  RowError err;
  ASSERT_TRUE(ParseEvent(Raw({{kFieldTs, "2024-01-01T00:00:00Z"},
                              {kFieldUserId, "u"},
                              {kFieldBrand, "b"},
                              {kFieldAction, "purchase"},
                              {kFieldAmount, "10.01"}}),
                         &e, &err))
      << err.reason;
  EXPECT_EQ(e.action, Action::kPurchase);
  EXPECT_EQ(e.amount, 10010000);
  EXPECT_EQ(e.channel, "onsite");
}

TEST(EventParser, RejectsWithFieldAndReason) {
  ParsedEvent e;
  RowError err;
  EXPECT_FALSE(ParseEvent(Raw({{kFieldTs, "2024-01-01T00:00:00Z"},
                               {kFieldUserId, "u"},
                               {kFieldBrand, "b"},
                               {kFieldAction, "post"},
                               {kFieldSentiment, "meh"}}),
                          &e, &err));
  EXPECT_EQ(err.field, "sentiment");
  EXPECT_FALSE(ParseEvent(Raw({{kFieldTs, "2024-01-01T00:00:00Z"},
                               {kFieldUserId, "u"},
                               {kFieldBrand, "b"},
                               {kFieldAction, "click"},
                               {kFieldAmount, "-1"}}),
                          &e, &err));
  EXPECT_EQ(err.field, "amount");
  std::string big(kMaxFieldBytes + 1, 'x');
  EXPECT_FALSE(ParseEvent(Raw({{kFieldTs, "2024-01-01T00:00:00Z"},
                               {kFieldUserId, big},
                               {kFieldBrand, "b"},
                               {kFieldAction, "click"}}),
                          &e, &err));
  EXPECT_EQ(err.field, "user_id");
  EXPECT_FALSE(ParseEvent(Raw({{kFieldTs, "2024-01-01T00:00:00Z"},
                               {kFieldUserId, std::string_view("a\0b", 3)},
                               {kFieldBrand, "b"},
                               {kFieldAction, "click"}}),
                          &e, &err));
  EXPECT_EQ(err.reason, "contains a NUL byte");
}

}  // namespace
}  // namespace aips
