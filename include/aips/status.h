// Status and Result<T>: the error model of every data path in aips.
//
// A Status is OK (costs one null pointer) or carries a code and a one-line message meant for the
// user ("unknown brand 'acme'"). Expected failures (bad input, missing files, damaged data) are
// returned, never thrown; exceptions are caught only at the CLI and HTTP edges.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace aips {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kInvalidArgument,  // the caller asked for something malformed (exit code 2)
    kNotFound,         // a named brand, SPU, file ... does not exist (exit code 2)
    kCorruption,       // a stored file failed its checksum or invariants
    kIOError,          // the operating system refused a read or write
    kBusy,             // another process holds the data directory's write lock
    kUnsupported,      // this engine cannot answer the question (exit code 2)
    kOutOfMemory,      // the system refused memory or address space (a memory limit; exit code 1)
  };

  Status() = default;
  Status(const Status& other) : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Busy(std::string msg) { return Status(Code::kBusy, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(Code::kUnsupported, std::move(msg)); }
  static Status OutOfMemory(std::string msg) { return Status(Code::kOutOfMemory, std::move(msg)); }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsIOError() const { return code() == Code::kIOError; }
  bool IsOutOfMemory() const { return code() == Code::kOutOfMemory; }

  // The message alone ("" when OK).
  const std::string& message() const {
    static const std::string kEmpty;
    return rep_ ? rep_->msg : kEmpty;
  }
  // "OK" or "<kind>: <message>".
  std::string ToString() const;

  // Exit code for a command that failed with this status: 0 OK, 2 caller error, 1 otherwise.
  int ExitCode() const {
    if (ok()) return 0;
    return (IsInvalidArgument() || IsNotFound() || code() == Code::kUnsupported) ? 2 : 1;
  }

 private:
  struct Rep {
    Code code;
    std::string msg;
  };
  Status(Code code, std::string msg) : rep_(std::make_unique<Rep>(Rep{code, std::move(msg)})) {}
  std::unique_ptr<Rep> rep_;
};

inline std::string Status::ToString() const {
  switch (code()) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "invalid argument: " + message();
    case Code::kNotFound:
      return "not found: " + message();
    case Code::kCorruption:
      return "corruption: " + message();
    case Code::kIOError:
      return "I/O error: " + message();
    case Code::kBusy:
      return "busy: " + message();
    case Code::kUnsupported:
      return "unsupported: " + message();
    case Code::kOutOfMemory:
      return "out of memory: " + message();
  }
  return message();
}

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace aips

#define AIPS_CONCAT_INNER(a, b) a##b
#define AIPS_CONCAT(a, b) AIPS_CONCAT_INNER(a, b)

#define AIPS_RETURN_IF_ERROR(expr) \
  do {                             \
    ::aips::Status _st = (expr);   \
    if (!_st.ok()) return _st;     \
  } while (0)

#define AIPS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#define AIPS_ASSIGN_OR_RETURN(lhs, expr) AIPS_ASSIGN_OR_RETURN_IMPL(AIPS_CONCAT(_res_, __LINE__), lhs, expr)
