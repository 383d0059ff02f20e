// A member's conversion per stage and GMV in a campaign's window, judged with the engine's stage code.
#include "sim/outcome.h"

#include <gtest/gtest.h>

namespace aips::sim {
namespace {

SimEvent Ev(int day, Action a, int spu = -1, int64_t cents = 0) {
  SimEvent e;
  e.day = day;
  e.action = a;
  e.spu = spu;
  e.cents = cents;
  e.channel = a == Action::kPurchase ? 1 : 0;
  e.sentiment = a == Action::kPost ? 1 : 0;
  return e;
}

constexpr uint8_t kI = 1, kTI = 2, kP = 4, kS = 8;

TEST(OutcomeJudgeTest, NoEventsNoConversion) {
  const OutcomeJudge judge;
  const Outcome o = judge.Judge({}, -1, 0, 30);
  EXPECT_EQ(o.converted, 0);
  EXPECT_EQ(o.gmv_cents, 0);
}

TEST(OutcomeJudgeTest, ConvertsToEveryStageReachedInTheWindowAboveTheStageBefore) {
  const OutcomeJudge judge;
  // A on day 5 (before the flight), then I, TI, P and S during it.
  std::vector<SimEvent> ev = {Ev(5, Action::kImpression), Ev(12, Action::kClick), Ev(14, Action::kCollect),
                              Ev(20, Action::kPurchase, 1, 12900), Ev(24, Action::kPost, 1)};
  EXPECT_EQ(judge.Judge(ev, -1, 10, 40).converted, kI | kTI | kP | kS);
  EXPECT_EQ(judge.Judge(ev, -1, 10, 40).gmv_cents, 12900);
  // The window ends before the purchase: I and TI only, no GMV.
  EXPECT_EQ(judge.Judge(ev, -1, 10, 19).converted, kI | kTI);
  EXPECT_EQ(judge.Judge(ev, -1, 10, 19).gmv_cents, 0);
  // Already at TI the day before the flight: only higher stages count.
  EXPECT_EQ(judge.Judge(ev, -1, 15, 40).converted, kP | kS);
}

TEST(OutcomeJudgeTest, StagesLeaveTheirWindows) {
  const OutcomeJudge judge;
  // A click on day 0 holds I through day 29; by day 39 the user is back to none, and a click on day 41
  // converts again.
  std::vector<SimEvent> ev = {Ev(0, Action::kClick), Ev(41, Action::kClick)};
  EXPECT_EQ(judge.Judge(ev, -1, 40, 60).converted, kI);
  EXPECT_EQ(judge.Judge(ev, -1, 20, 60).converted, 0);  // I the day before: no conversion to I
}

TEST(OutcomeJudgeTest, SpuScopeSeesOnlyItsSpuButGmvIsTheBrands) {
  const OutcomeJudge judge;
  std::vector<SimEvent> ev = {Ev(3, Action::kClick, 2), Ev(4, Action::kPurchase, 2, 5000),
                              Ev(6, Action::kPurchase, 1, 7000), Ev(8, Action::kSearch)};
  // A stage at or above s counts for s: a purchase converts to I, TI and P.
  EXPECT_EQ(judge.Judge(ev, 1, 0, 10).converted, kI | kTI | kP);  // SPU 1: its purchase only
  EXPECT_EQ(judge.Judge(ev, 1, 5, 5).converted, 0);               // its purchase is after day 5
  EXPECT_EQ(judge.Judge(ev, 2, 0, 10).converted, kI | kTI | kP);
  EXPECT_EQ(judge.Judge(ev, 2, 4, 10).converted, kTI | kP);  // at I the day before
  EXPECT_EQ(judge.Judge(ev, 1, 0, 10).gmv_cents, 12000);
  EXPECT_EQ(judge.Judge(ev, 1, 5, 10).gmv_cents, 7000);
}

TEST(OutcomeJudgeTest, FirstPartyPurchasesCount) {
  const OutcomeJudge judge;
  SimEvent fp = Ev(7, Action::kPurchase, 0, 19900);
  fp.channel = kFirstParty;
  EXPECT_EQ(judge.Judge({&fp, 1}, -1, 0, 10).converted, kI | kTI | kP);
  EXPECT_EQ(judge.Judge({&fp, 1}, -1, 0, 10).gmv_cents, 19900);
}

TEST(OutcomeJudgeTest, FlightOnTheFirstDay) {
  const OutcomeJudge judge;
  std::vector<SimEvent> ev = {Ev(0, Action::kImpression), Ev(0, Action::kLike)};
  EXPECT_EQ(judge.Judge(ev, -1, 0, 5).converted, kI);
}

}  // namespace
}  // namespace aips::sim
