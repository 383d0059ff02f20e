// The vocabulary of docs/definitions.md: stages, actions, sentiments. Codes are stable: they are stored on
// disk.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace aips {

// Ordered none < A < I < TI < P < S (docs/definitions.md#measures).
enum class Stage : uint8_t { kNone = 0, kA = 1, kI = 2, kTI = 3, kP = 4, kS = 5 };
inline constexpr int kNumStages = 5;  // A..S; index = code - 1

inline constexpr std::array<std::string_view, 6> kStageCodes = {"none", "A", "I", "TI", "P", "S"};
inline constexpr std::array<std::string_view, 6> kStageNamesZh = {"无",       "认知", "兴趣",
                                                                  "深度兴趣", "购买", "分享"};
inline constexpr std::array<std::string_view, 6> kStageNamesEn = {"none",          "Awareness", "Interest",
                                                                  "True Interest", "Purchase",  "Share"};

inline std::string_view StageCode(Stage s) { return kStageCodes[static_cast<int>(s)]; }
inline std::optional<Stage> ParseStage(std::string_view s) {
  for (int i = 0; i < 6; ++i)
    if (kStageCodes[i] == s) return static_cast<Stage>(i);
  return std::nullopt;
}

enum class Action : uint8_t {
  kImpression = 0,
  kClick,
  kLike,
  kDeepRead,
  kCollect,
  kComment,
  kShare,
  kFollow,
  kScreenshot,
  kSearch,
  kProductClick,
  kAddToCart,
  kStoreVisit,
  kPurchase,
  kPost,
};
inline constexpr int kNumActions = 15;
inline constexpr std::array<std::string_view, kNumActions> kActionNames = {
    "impression", "click",  "like",          "deep_read",   "collect",     "comment",  "share", "follow",
    "screenshot", "search", "product_click", "add_to_cart", "store_visit", "purchase", "post"};

inline std::string_view ActionName(Action a) { return kActionNames[static_cast<int>(a)]; }
inline std::optional<Action> ParseAction(std::string_view s) {
  for (int i = 0; i < kNumActions; ++i)
    if (kActionNames[i] == s) return static_cast<Action>(i);
  return std::nullopt;
}

enum class Sentiment : uint8_t { kNone = 0, kPositive = 1, kNeutral = 2, kNegative = 3 };
inline constexpr std::array<std::string_view, 4> kSentimentNames = {"", "positive", "neutral", "negative"};
inline std::optional<Sentiment> ParseSentiment(std::string_view s) {
  for (int i = 1; i < 4; ++i)
    if (kSentimentNames[i] == s) return static_cast<Sentiment>(i);
  return std::nullopt;
}

}  // namespace aips
