#include "serve/metrics.h"

#include "fmt/format.h"

namespace aips {

namespace {
constexpr double kBounds[7] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0};
}

void Metrics::Request(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> l(mu_);
  Route& r = routes_[route];
  ++r.by_class[status / 100];
  ++r.count;
  r.seconds += seconds;
  int b = 0;
  while (b < 7 && seconds > kBounds[b]) ++b;
  for (int i = b; i < 8; ++i) ++r.buckets[i];
}

void Metrics::Ingested(uint64_t accepted, uint64_t rejected, uint64_t duplicates) {
  std::lock_guard<std::mutex> l(mu_);
  accepted_ += accepted;
  rejected_ += rejected;
  duplicates_ += duplicates;
}

void Metrics::Computed(double seconds) {
  std::lock_guard<std::mutex> l(mu_);
  ++computes_;
  compute_seconds_ += seconds;
}

void Metrics::OutOfMemory() {
  std::lock_guard<std::mutex> l(mu_);
  ++out_of_memory_;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> l(mu_);
  std::string o;
  o += "# HELP aips_http_requests_total HTTP requests by route and status class.\n# TYPE "
       "aips_http_requests_total counter\n";
  for (auto& [route, r] : routes_)
    for (auto& [cls, n] : r.by_class)
      o += fmt::format("aips_http_requests_total{{route=\"{}\",code=\"{}xx\"}} {}\n", route, cls, n);
  o += "# HELP aips_http_request_seconds Request latency by route.\n# TYPE aips_http_request_seconds "
       "histogram\n";
  for (auto& [route, r] : routes_) {
    for (int i = 0; i < 8; ++i) {
      o += fmt::format("aips_http_request_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
                       i < 7 ? fmt::format("{}", kBounds[i]) : "+Inf", r.buckets[i]);
    }
    o += fmt::format("aips_http_request_seconds_sum{{route=\"{}\"}} {}\n", route, r.seconds);
    o += fmt::format("aips_http_request_seconds_count{{route=\"{}\"}} {}\n", route, r.count);
  }
  o += "# HELP aips_rows_ingested_total Rows by outcome of ingest through the API.\n# TYPE "
       "aips_rows_ingested_total counter\n";
  o += fmt::format("aips_rows_ingested_total{{outcome=\"accepted\"}} {}\n", accepted_);
  o += fmt::format("aips_rows_ingested_total{{outcome=\"rejected\"}} {}\n", rejected_);
  o += fmt::format("aips_rows_ingested_total{{outcome=\"duplicate\"}} {}\n", duplicates_);
  o += "# HELP aips_snapshot_compute_seconds Time spent computing snapshots for requests.\n# TYPE "
       "aips_snapshot_compute_seconds summary\n";
  o += fmt::format("aips_snapshot_compute_seconds_sum {}\naips_snapshot_compute_seconds_count {}\n",
                   compute_seconds_, computes_);
  o += "# HELP aips_http_out_of_memory_total Requests answered 503 because memory ran out (a memory "
       "limit; docs/reliability.md).\n# TYPE aips_http_out_of_memory_total counter\n";
  o += fmt::format("aips_http_out_of_memory_total {}\n", out_of_memory_);
  return o;
}

}  // namespace aips
