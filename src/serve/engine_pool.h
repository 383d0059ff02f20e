// The server's warm engines (issue #14 §3). `aips serve` keeps, per data source, one *generation*: the
// engines opened on the commit that was current when it was made, and everything derived from them (the
// engines' own caches of snapshots, materialised days and per-user arrays, and the rendered answers in
// `answers`). A request takes the current generation at its start and finishes on it, whatever commits
// meanwhile. A watcher thread checks the data directory's commit token (front/open_engine.h) every
// `poll_ms`; when it moves, new requests get a new generation, and the old one is freed when its last
// request ends. So a commit by any process (the server's own ingest, `aips ingest`, `compute`,
// `forget`, `retain`) becomes visible within poll_ms, without a restart.
//
// Memory bound: at most `max_engines` engines per live generation (a request that finds all of them
// busy waits for one), plus `cache_bytes` of rendered answers per generation; at most two generations
// are alive at once in steady state (the current one and one finishing its last requests).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "aips/status.h"
#include "engine/engine.h"
#include "front/open_engine.h"
#include "store/tenants.h"

namespace aips {

inline constexpr std::string_view kGenerationRetired = "the data changed while the request began; ask again";

// Rendered answers of one generation, by request key (route, parameters, caller), least recently used
// first out once their bytes pass the bound. Thread-safe.
class AnswerCache {
 public:
  explicit AnswerCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  // True and *body/*content_type set when the key is cached.
  bool Get(const std::string& key, std::string* body, std::string* content_type);
  void Put(const std::string& key, const std::string& body, const std::string& content_type);
  size_t bytes() const;
  uint64_t hits() const;

 private:
  struct Entry {
    std::string key, body, content_type;
  };
  mutable std::mutex mu_;
  size_t max_bytes_, bytes_ = 0;
  uint64_t hits_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

class Generation {
 public:
  Generation(EngineSource source, uint64_t token, size_t max_engines, size_t cache_bytes)
      : source_(std::move(source)), token_(token), max_engines_(max_engines), answers_(cache_bytes) {
    free_.reserve(max_engines_);  // so that giving an engine back (in ~Lease) never allocates
  }

  // An engine borrowed for one request; returned to the generation when the lease ends, or closed (its
  // slot given back) when the lease ends by an exception (std::bad_alloc): an engine interrupted half-way
  // through filling its caches is not lent again.
  class Lease {
   public:
    Lease(Generation* g, std::unique_ptr<QueryEngine> e)
        : g_(g), e_(std::move(e)), exceptions_(std::uncaught_exceptions()) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;  // would drop the held engine without giving its slot back
    ~Lease();
    QueryEngine& operator*() const { return *e_; }
    QueryEngine* operator->() const { return e_.get(); }

   private:
    Generation* g_;
    std::unique_ptr<QueryEngine> e_;
    int exceptions_;  // in flight when the lease began: more at its end means it ends by one
  };

  // A free engine, or a new one while fewer than max_engines are open; otherwise waits for one. Busy
  // (kGenerationRetired) when the data moved on since the generation began: the caller refreshes. An
  // exception while opening an engine (std::bad_alloc) gives its slot back and reaches the caller.
  Result<Lease> Acquire();
  uint64_t token() const { return token_; }
  AnswerCache& answers() { return answers_; }
  // The tenants and keys of this generation (read once; a change to them starts a new generation).
  Result<std::shared_ptr<const TenantRegistry>> Registry();

 private:
  void Release(std::unique_ptr<QueryEngine> e);
  void Discard(std::unique_ptr<QueryEngine> e);
  EngineSource source_;
  uint64_t token_;
  size_t max_engines_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<QueryEngine>> free_;
  size_t open_ = 0;
  AnswerCache answers_;
  std::mutex registry_mu_;
  std::shared_ptr<const TenantRegistry> registry_;
};

struct EnginePoolOptions {
  size_t max_engines = 4;           // per generation
  size_t cache_bytes = 256u << 20;  // rendered answers per generation
  int poll_ms = 200;                // how often the commit token is read
};

class EnginePool {
 public:
  EnginePool(EngineSource source, EnginePoolOptions options);
  ~EnginePool();  // stops the watcher
  // The current generation (kept alive by the returned pointer for as long as the caller needs it).
  std::shared_ptr<Generation> Current();
  // Reads the commit token now and starts a new generation when it moved (the server calls this after
  // its own writes, so that their answers are visible to the next request at once). May throw
  // std::bad_alloc; the watcher tries again at its next poll.
  void Refresh();

 private:
  EngineSource source_;
  EnginePoolOptions options_;
  std::mutex mu_;
  std::shared_ptr<Generation> current_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace aips
