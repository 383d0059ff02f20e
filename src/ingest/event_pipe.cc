#include "ingest/event_pipe.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "common/bytes.h"

namespace aips {

namespace {

constexpr size_t kBatchRows = 16384;
constexpr size_t kMaxQueued = 4;

std::pair<uint32_t, uint32_t> Put(std::string_view s, std::string* arena) {
  const auto at = static_cast<uint32_t>(arena->size());
  arena->append(s);
  return {at, static_cast<uint32_t>(s.size())};
}

}  // namespace

ParsedEvent PipedBatch::Event(const PipedRow& r) const {
  ParsedEvent ev;
  ev.event_id = Text(r.text[PipedRow::kEventId]);
  ev.user = Text(r.text[PipedRow::kUser]);
  ev.brand = Text(r.text[PipedRow::kBrand]);
  ev.spu = Text(r.text[PipedRow::kSpu]);
  ev.campaign = Text(r.text[PipedRow::kCampaign]);
  ev.note = Text(r.text[PipedRow::kNote]);
  ev.channel = Text(r.text[PipedRow::kChannel]);
  ev.ts = r.ts;
  ev.amount = r.amount;
  ev.has_amount = r.has_amount;
  ev.action = r.action;
  ev.sentiment = r.sentiment;
  return ev;
}

namespace {

using Sink = std::function<void(std::unique_ptr<PipedBatch>)>;

// Every row of every piece into batches; each full batch, and the last, to `sink`.
void Produce(const PieceSource& next, const FileFormat& format, DayMapper mapper, const StoredIds& stored,
             const std::function<void(size_t)>& progress, const Sink& sink) {
  auto batch = std::make_unique<PipedBatch>();
  InputPiece piece;
  while (next(&piece)) {
    ForEachRow(
        piece.data, format,
        [&](const InputRow& row) {
          PipedRow r;
          r.line = static_cast<uint64_t>(static_cast<int64_t>(row.line) + piece.line_offset);
          auto reject = [&](std::string_view field, std::string_view reason) {
            r.rejected = true;
            r.field = Put(field, &batch->arena);
            r.reason = Put(reason, &batch->arena);
            r.raw = Put(r.redact ? std::string_view() : row.raw.substr(0, 4096), &batch->arena);
          };
          ParsedEvent ev;
          RowError err;
          if (!ParseInputRow(row, &ev, &err)) {
            r.redact = err.redact;
            reject(err.field, err.reason);
          } else {
            r.text[PipedRow::kEventId] = Put(ev.event_id, &batch->arena);
            r.text[PipedRow::kUser] = Put(ev.user, &batch->arena);
            r.text[PipedRow::kBrand] = Put(ev.brand, &batch->arena);
            r.text[PipedRow::kSpu] = Put(ev.spu, &batch->arena);
            r.text[PipedRow::kCampaign] = Put(ev.campaign, &batch->arena);
            r.text[PipedRow::kNote] = Put(ev.note, &batch->arena);
            r.text[PipedRow::kChannel] = Put(ev.channel, &batch->arena);
            r.ts = ev.ts;
            r.amount = ev.amount;
            r.has_amount = ev.has_amount;
            r.action = ev.action;
            r.sentiment = ev.sentiment;
            r.day = mapper.LocalDay(ev.ts);
            if (!ev.event_id.empty()) {
              r.id_hash = Hash64(ev.event_id);
              r.stored_id = stored.Contains(ev.event_id, r.id_hash);
            }
          }
          batch->rows.push_back(r);
          if (batch->rows.size() >= kBatchRows) {
            sink(std::move(batch));
            batch = std::make_unique<PipedBatch>();
          }
        },
        progress);
  }
  if (!batch->rows.empty()) sink(std::move(batch));
}

struct Cancelled {};  // thrown on the parsing thread once the consumer has stopped

// The batches between the two threads.
class Queue {
 public:
  // Parsing thread: waits for room (kMaxQueued); nullptr closes the queue. Throws Cancelled after Cancel().
  void Push(std::unique_ptr<PipedBatch> b) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return queue_.size() < kMaxQueued || cancelled_; });
    if (cancelled_) throw Cancelled{};
    if (b) {
      queue_.push_back(std::move(b));
    } else {
      closed_ = true;
    }
    cv_.notify_all();
  }
  // Parsing thread: it ended with an exception; Pop() rethrows it.
  void Fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> l(mu_);
    error_ = std::move(e);
    closed_ = true;
    cv_.notify_all();
  }
  // Calling thread: the next batch in input order; nullptr after the last.
  std::unique_ptr<PipedBatch> Pop() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return nullptr;
    }
    auto b = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return b;
  }
  // Calling thread: no more batches are wanted.
  void Cancel() {
    std::lock_guard<std::mutex> l(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<PipedBatch>> queue_;
  bool closed_ = false, cancelled_ = false;
  std::exception_ptr error_;
};

}  // namespace

namespace {

void Pipe(const PieceSource& next, const FileFormat& format, DayMapper mapper, const StoredIds& stored,
          const std::function<void(size_t)>& progress,
          const std::function<void(const PipedBatch&)>& consume) {
  Queue queue;
  std::thread parser;
  try {
    parser = std::thread([&] {
      try {
        Produce(next, format, mapper, stored, progress,
                [&](std::unique_ptr<PipedBatch> b) { queue.Push(std::move(b)); });
        queue.Push(nullptr);
      } catch (const Cancelled&) {
      } catch (...) {
        queue.Fail(std::current_exception());
      }
    });
  } catch (const std::exception&) {  // no thread (std::system_error EAGAIN): parse here, batch by batch
    Produce(next, format, mapper, stored, progress, [&](std::unique_ptr<PipedBatch> b) { consume(*b); });
    return;
  }
  try {
    while (auto b = queue.Pop()) consume(*b);
  } catch (...) {
    queue.Cancel();
    parser.join();
    throw;
  }
  parser.join();
}

}  // namespace

void PipeEventPieces(const PieceSource& next, const FileFormat& format, DayMapper mapper,
                     const StoredIds& stored, const std::function<void(const PipedBatch&)>& consume) {
  Pipe(next, format, mapper, stored, nullptr, consume);
}

void PipeEvents(std::string_view data, const FileFormat& format, DayMapper mapper, const StoredIds& stored,
                const std::function<void(size_t)>& progress,
                const std::function<void(const PipedBatch&)>& consume) {
  bool given = false;
  Pipe(
      [&](InputPiece* piece) {
        if (given) return false;
        given = true;
        piece->data = data;
        piece->line_offset = 0;
        return true;
      },
      format, mapper, stored, progress, consume);
}

}  // namespace aips
