#include "serve/engine_pool.h"

#include <chrono>
#include <exception>

namespace aips {

bool AnswerCache::Get(const std::string& key, std::string* body, std::string* content_type) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  lru_.splice(lru_.begin(), lru_, it->second);
  *body = it->second->body;
  *content_type = it->second->content_type;
  ++hits_;
  return true;
}

void AnswerCache::Put(const std::string& key, const std::string& body, const std::string& content_type) {
  const size_t size = key.size() + body.size() + content_type.size();
  if (size > max_bytes_ / 4) return;  // one answer never takes more than a quarter of the cache
  std::lock_guard<std::mutex> l(mu_);
  if (index_.count(key)) return;
  lru_.push_front(Entry{key, body, content_type});
  index_[key] = lru_.begin();
  bytes_ += size;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const Entry& old = lru_.back();
    bytes_ -= old.key.size() + old.body.size() + old.content_type.size();
    index_.erase(old.key);
    lru_.pop_back();
  }
}

size_t AnswerCache::bytes() const {
  std::lock_guard<std::mutex> l(mu_);
  return bytes_;
}

uint64_t AnswerCache::hits() const {
  std::lock_guard<std::mutex> l(mu_);
  return hits_;
}

Generation::Lease::~Lease() {
  if (!e_) return;
  if (std::uncaught_exceptions() > exceptions_) {
    g_->Discard(std::move(e_));
  } else {
    g_->Release(std::move(e_));
  }
}

Result<Generation::Lease> Generation::Acquire() {
  std::unique_lock<std::mutex> l(mu_);
  freed_.wait(l, [&] { return !free_.empty() || open_ < max_engines_; });
  if (!free_.empty()) {
    std::unique_ptr<QueryEngine> e = std::move(free_.back());
    free_.pop_back();
    return Lease(this, std::move(e));
  }
  ++open_;  // reserved while it opens (outside the lock: opening reads the manifest and catalog)
  l.unlock();
  auto give_back = [&] {
    l.lock();
    --open_;
    freed_.notify_one();
  };
  Result<std::unique_ptr<QueryEngine>> opened = Status::IOError("engine not opened");
  try {
    opened = OpenEngine(source_);
    // An engine opened after a newer commit would mix two commits in one generation: not handed out.
    if (opened.ok() && CommitToken(source_) != token_) opened = Status::Busy(std::string(kGenerationRetired));
  } catch (...) {
    give_back();
    throw;
  }
  if (!opened.ok()) {
    give_back();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void Generation::Release(std::unique_ptr<QueryEngine> e) {
  std::lock_guard<std::mutex> l(mu_);
  free_.push_back(std::move(e));
  freed_.notify_one();
}

void Generation::Discard(std::unique_ptr<QueryEngine> e) {
  e.reset();  // closed outside the lock
  std::lock_guard<std::mutex> l(mu_);
  --open_;
  freed_.notify_one();
}

Result<std::shared_ptr<const TenantRegistry>> Generation::Registry() {
  std::lock_guard<std::mutex> l(registry_mu_);
  if (!registry_) {
    AIPS_ASSIGN_OR_RETURN(auto store, OpenTenantStore(source_));
    AIPS_ASSIGN_OR_RETURN(TenantRegistry reg, store->Load());
    registry_ = std::make_shared<const TenantRegistry>(std::move(reg));
  }
  return registry_;
}

EnginePool::EnginePool(EngineSource source, EnginePoolOptions options)
    : source_(std::move(source)), options_(options) {
  Refresh();
  watcher_ = std::thread([this] {
    std::unique_lock<std::mutex> l(stop_mu_);
    while (!stop_cv_.wait_for(l, std::chrono::milliseconds(options_.poll_ms), [&] { return stopping_; })) {
      l.unlock();
      try {
        Refresh();
      } catch (const std::exception&) {  // no memory for a new generation now: the next poll tries again
      }
      l.lock();
    }
  });
}

EnginePool::~EnginePool() {
  {
    std::lock_guard<std::mutex> l(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  watcher_.join();
}

std::shared_ptr<Generation> EnginePool::Current() {
  std::lock_guard<std::mutex> l(mu_);
  return current_;
}

void EnginePool::Refresh() {
  std::lock_guard<std::mutex> l(mu_);  // the token is read under the lock: refreshes never go back
  const uint64_t token = CommitToken(source_);
  if (current_ && current_->token() == token) return;
  current_ = std::make_shared<Generation>(source_, token, options_.max_engines, options_.cache_bytes);
}

}  // namespace aips
