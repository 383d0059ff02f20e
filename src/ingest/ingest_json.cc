#include "ingest/ingest_json.h"

#include "common/json_writer.h"

namespace aips {

std::string IngestResultJson(const IngestResult& res, std::string_view extra) {
  auto n = [](uint64_t v) { return static_cast<int64_t>(v); };
  JsonWriter w;
  w.BeginObject().Key("accepted").Int(n(res.accepted)).Key("rejected").Int(n(res.rejected));
  w.Key("duplicates")
      .Int(n(res.duplicates))
      .Key("rejects_file")
      .String(res.rejects_file)
      .Key("spilled_runs")
      .Int(n(res.spilled_runs))
      .Key("files")
      .BeginArray();
  for (auto& f : res.files) {
    w.BeginObject().Key("source").String(f.source).Key("kind").String(TableKindName(f.kind));
    w.Key("accepted")
        .Int(n(f.accepted))
        .Key("rejected")
        .Int(n(f.rejected))
        .Key("duplicates")
        .Int(n(f.duplicates));
    if (f.kind == TableKind::kOrders) w.Key("matched").Int(n(f.matched));
    w.EndObject();
  }
  w.EndArray();
  // First-party orders (docs/first-party.md): match rate of this upload, and the directory's totals.
  w.Key("first_party")
      .BeginObject()
      .Key("orders")
      .Int(n(res.orders))
      .Key("matched")
      .Int(n(res.orders_matched));
  w.Key("match_rate");
  if (res.orders == 0) {
    w.Null();
  } else {
    w.Double(static_cast<double>(res.orders_matched) / static_cast<double>(res.orders));
  }
  w.Key("rematched").Int(n(res.orders_rematched)).Key("unmatched_kept").Int(n(res.orders_unmatched_total));
  w.Key("total_orders").Int(n(res.orders_total)).Key("total_matched").Int(n(res.orders_matched_total));
  w.EndObject();
  std::string out = w.str();
  out += extra;
  out += '}';
  return out;
}

}  // namespace aips
