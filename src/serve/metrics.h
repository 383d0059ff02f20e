// Server metrics in the Prometheus text format (docs/http-api.md, "/metrics"): requests and latency per
// route and status class, rows ingested and rejected, snapshot compute time, requests refused for want of
// memory. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace aips {

class Metrics {
 public:
  void Request(const std::string& route, int status, double seconds);
  void Ingested(uint64_t accepted, uint64_t rejected, uint64_t duplicates);
  void Computed(double seconds);
  // A request answered 503 because memory ran out (serve/api.h, OutOfMemoryReply).
  void OutOfMemory();
  std::string Render() const;

 private:
  struct Route {
    std::map<int, uint64_t> by_class;  // 2, 4, 5 (xx)
    uint64_t count = 0;
    double seconds = 0;
    uint64_t buckets[8] = {};  // <= 1, 5, 10, 50, 100, 500, 1000 ms, +Inf
  };
  mutable std::mutex mu_;
  std::map<std::string, Route> routes_;
  uint64_t accepted_ = 0, rejected_ = 0, duplicates_ = 0;
  uint64_t computes_ = 0;
  uint64_t out_of_memory_ = 0;
  double compute_seconds_ = 0;
};

}  // namespace aips
