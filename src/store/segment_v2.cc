#include "store/segment_v2.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <numeric>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/bitpack.h"

namespace aips {

namespace {

constexpr size_t kBlockHeader = 40;
constexpr unsigned kRawTs = 64;  // ts_width meaning "ts − ts_base as raw u64"

struct Kind {
  uint8_t action, sentiment;
  uint16_t channel;
  uint32_t Key() const { return action | uint32_t{sentiment} << 8 | uint32_t{channel} << 16; }
};

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// A sorted distinct table: count implied by the caller; first value u32, then frames of the deltas.
void PutTable(const std::vector<uint32_t>& table, std::string* out) {
  if (table.empty()) return;
  Put<uint32_t>(out, table[0]);
  std::vector<uint32_t> deltas(table.size() - 1);
  for (size_t i = 1; i < table.size(); ++i) deltas[i - 1] = table[i] - table[i - 1];
  PackFrames(deltas.data(), deltas.size(), out);
}

// Distinct values of one column, sorted, and each row's code into the table.
void PutDictColumn(std::span<const EventRow> rows, uint32_t EventRow::*member, std::vector<uint32_t>* table,
                   std::string* out) {
  table->clear();
  for (const EventRow& r : rows) table->push_back(r.*member);
  std::sort(table->begin(), table->end());
  table->erase(std::unique(table->begin(), table->end()), table->end());
  PutTable(*table, out);
  std::vector<uint32_t> codes(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    codes[i] = static_cast<uint32_t>(std::lower_bound(table->begin(), table->end(), rows[i].*member) -
                                     table->begin());
  }
  Pack(codes.data(), codes.size(), BitWidth(table->size() - 1), out);
}

uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

}  // namespace

void EncodeBlockV2(std::span<const EventRow> rows, std::string* out) {
  const size_t n = rows.size();
  // SPU runs and user deltas (0 at the start of each run; the run holds its first user).
  struct Run {
    uint32_t spu, rows, first_user;
  };
  std::vector<Run> runs;
  std::vector<uint32_t> deltas(n);
  for (size_t i = 0; i < n; ++i) {
    if (i == 0 || rows[i].spu != rows[i - 1].spu) {
      runs.push_back({rows[i].spu, 0, rows[i].user});
      deltas[i] = 0;
    } else {
      deltas[i] = rows[i].user - rows[i - 1].user;
    }
    ++runs.back().rows;
  }
  // ts relative to the block's minimum.
  int64_t ts_min = rows[0].ts, ts_max = rows[0].ts;
  for (const EventRow& r : rows) ts_min = std::min(ts_min, r.ts), ts_max = std::max(ts_max, r.ts);
  const uint64_t ts_span = static_cast<uint64_t>(ts_max) - static_cast<uint64_t>(ts_min);
  const unsigned ts_width = BitWidth(ts_span) <= 32 ? BitWidth(ts_span) : kRawTs;
  // Kinds, the commonest first.
  absl::flat_hash_map<uint32_t, uint32_t> kind_count;
  for (const EventRow& r : rows) ++kind_count[Kind{r.action, r.sentiment, r.channel}.Key()];
  std::vector<std::pair<uint32_t, uint32_t>> kinds(kind_count.begin(), kind_count.end());  // key, count
  std::sort(kinds.begin(), kinds.end(),
            [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  absl::flat_hash_map<uint32_t, uint32_t> kind_code;
  for (size_t k = 0; k < kinds.size(); ++k) kind_code[kinds[k].first] = static_cast<uint32_t>(k);
  // Amounts: sparse.
  std::vector<uint32_t> amount_pos;
  uint64_t gcd = 0;
  bool has_min = false;
  for (size_t i = 0; i < n; ++i) {
    const int64_t a = rows[i].amount;
    if (a == 0) continue;
    amount_pos.push_back(static_cast<uint32_t>(i));
    has_min |= a == INT64_MIN;
    gcd = Gcd(gcd, a < 0 ? 0 - static_cast<uint64_t>(a) : static_cast<uint64_t>(a));
  }
  if (has_min) gcd = 1;  // keeps gcd within int64 and a / gcd exact
  std::vector<uint32_t> campaigns, notes;

  // Header.
  Put<uint32_t>(out, static_cast<uint32_t>(n));
  Put<uint32_t>(out, static_cast<uint32_t>(runs.size()));
  Put<uint32_t>(out, static_cast<uint32_t>(kinds.size()));
  const size_t table_sizes_at = out->size();
  Put<uint32_t>(out, 0);  // n_campaigns, set below
  Put<uint32_t>(out, 0);  // n_notes, set below
  Put<uint32_t>(out, static_cast<uint32_t>(amount_pos.size()));
  Put<int64_t>(out, ts_min);
  out->push_back(static_cast<char>(ts_width));
  out->append(7, '\0');
  // SPU runs.
  for (const Run& r : runs) Put(out, r);
  // Users.
  PackFrames(deltas.data(), n, out);
  // ts.
  if (ts_width == kRawTs) {
    for (const EventRow& r : rows)
      Put<uint64_t>(out, static_cast<uint64_t>(r.ts) - static_cast<uint64_t>(ts_min));
  } else {
    std::vector<uint32_t> rel(n);
    for (size_t i = 0; i < n; ++i) rel[i] = static_cast<uint32_t>(static_cast<uint64_t>(rows[i].ts) - ts_min);
    Pack(rel.data(), n, ts_width, out);
  }
  // Kinds.
  for (auto& [key, count] : kinds) Put<uint32_t>(out, key);
  if (kinds.size() > 1) {
    std::vector<uint32_t> flags(n), escaped;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t code = kind_code[Kind{rows[i].action, rows[i].sentiment, rows[i].channel}.Key()];
      flags[i] = code != 0;
      if (code) escaped.push_back(code);
    }
    Pack(flags.data(), n, 1, out);
    Pack(escaped.data(), escaped.size(), BitWidth(kinds.size() - 1), out);
  }
  // Campaign and note.
  PutDictColumn(rows, &EventRow::campaign, &campaigns, out);
  PutDictColumn(rows, &EventRow::note, &notes, out);
  const uint32_t sizes[2] = {static_cast<uint32_t>(campaigns.size()), static_cast<uint32_t>(notes.size())};
  std::memcpy(out->data() + table_sizes_at, sizes, 8);
  // Amounts.
  if (!amount_pos.empty()) {
    Put<uint64_t>(out, gcd);
    std::vector<uint32_t> gaps(amount_pos.size());
    for (size_t k = 0; k < gaps.size(); ++k)
      gaps[k] = k ? amount_pos[k] - amount_pos[k - 1] - 1 : amount_pos[0];
    PackFrames(gaps.data(), gaps.size(), out);
    for (uint32_t i : amount_pos) {
      const int64_t q = rows[i].amount / static_cast<int64_t>(gcd);
      PutVarint(out, (static_cast<uint64_t>(q) << 1) ^ static_cast<uint64_t>(q >> 63));
    }
  }
  out->append(kUnpackSlack, '\0');
}

namespace {

// Reads a block's sections in order, never past `end` (the start of the block's trailing slack).
struct Cursor {
  const uint8_t* p;
  const uint8_t* end;
  bool Take(size_t bytes, const uint8_t** at) {
    if (static_cast<size_t>(end - p) < bytes) return false;
    *at = p;
    p += bytes;
    return true;
  }
  template <typename T>
  bool Get(T* v) {
    const uint8_t* at;
    if (!Take(sizeof(T), &at)) return false;
    std::memcpy(v, at, sizeof(T));
    return true;
  }
  bool Varint(uint64_t* v) {
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (p >= end) return false;
      const uint8_t b = *p++;
      x |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        *v = x;
        return true;
      }
    }
    return false;
  }
};

Status Bad(const char* why) { return Status::Corruption(why); }

// Bits set in v, without a library call (the build targets baseline x86-64, which lacks popcnt).
size_t PopCount(uint64_t v) {
  v = v - ((v >> 1) & 0x5555555555555555ull);
  v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
  v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<size_t>((v * 0x0101010101010101ull) >> 56);
}

// Storage of decoded columns, recycled per thread: the buffers a thread frees last are kept (a few, of
// any size) for its next blocks, so scans do not pay malloc and first-touch for every block.
struct ColumnPool {
  std::vector<std::pair<uint64_t*, size_t>> free;  // buffer, words
  ~ColumnPool();
};
thread_local bool pool_alive = true;  // false once this thread's pool is gone (thread exit)
thread_local ColumnPool pool;
ColumnPool::~ColumnPool() {
  pool_alive = false;
  for (auto& [p, words] : free) delete[] p;
}
constexpr size_t kPoolBuffers = 4;

std::shared_ptr<uint64_t[]> AcquireColumns(size_t words) {
  uint64_t* p = nullptr;
  size_t have = words;
  if (pool_alive) {
    auto& f = pool.free;
    for (size_t i = f.size(); i-- > 0;) {
      if (f[i].second >= words) {
        p = f[i].first, have = f[i].second;
        f.erase(f.begin() + static_cast<ptrdiff_t>(i));
        break;
      }
    }
  }
  if (!p) p = new uint64_t[words];
  return std::shared_ptr<uint64_t[]>(p, [have](uint64_t* q) {
    if (pool_alive && pool.free.size() < kPoolBuffers) {
      pool.free.emplace_back(q, have);
    } else {
      delete[] q;
    }
  });
}

// The largest of n values (0 if none); a plain reduction the compiler vectorizes.
uint32_t MaxOf(const uint32_t* v, size_t n) {
  uint32_t m = 0;
  for (size_t i = 0; i < n; ++i) m = v[i] > m ? v[i] : m;
  return m;
}

// A sorted table of `count` values (first u32 + frames of deltas) into `table`.
Status GetTable(Cursor* c, size_t count, std::vector<uint32_t>* table) {
  table->resize(count);
  if (count == 0) return Status::OK();
  if (!c->Get(&(*table)[0])) return Bad("table runs past the block");
  AIPS_RETURN_IF_ERROR(UnpackFrames(&c->p, c->end, count - 1, table->data() + 1));
  uint64_t acc = (*table)[0];
  for (size_t i = 1; i < count; ++i) {
    acc += (*table)[i];
    (*table)[i] = static_cast<uint32_t>(acc);
  }
  if (acc > UINT32_MAX) return Bad("table values beyond 32 bits");
  return Status::OK();
}

// Codes at the table's width into `out`, then replaced by the table's values.
Status GetDictColumn(Cursor* c, size_t n, const std::vector<uint32_t>& table, uint32_t* out) {
  if (table.size() == 1) {  // codes of 0 bits
    std::fill(out, out + n, table[0]);
    return Status::OK();
  }
  const unsigned width = BitWidth(table.size() - 1);
  const uint8_t* at;
  if (!c->Take(PackedBytes(n, width), &at)) return Bad("codes run past the block");
  Unpack(at, n, width, out);
  if (MaxOf(out, n) >= table.size()) return Bad("code beyond its table");
  const uint32_t* t = table.data();
  for (size_t i = 0; i < n; ++i) out[i] = t[out[i]];
  return Status::OK();
}

// Runs and user deltas: users as running sums per run, and spu per row unless `spu` is null.
Status DecodeUsers(Cursor* c, const uint8_t* runs, uint32_t n_runs, uint32_t n, uint32_t* user,
                   uint32_t* spu) {
  AIPS_RETURN_IF_ERROR(UnpackFrames(&c->p, c->end, n, user));
  uint64_t row = 0;
  for (uint32_t r = 0; r < n_runs; ++r) {
    uint32_t run[3];  // spu, rows, first user
    std::memcpy(run, runs + 12 * size_t{r}, 12);
    if (run[1] == 0 || run[1] > n - row) return Bad("SPU run rows do not sum to the block's rows");
    uint64_t acc = run[2];
    for (size_t i = row, e = row + run[1]; i < e; ++i) {
      acc += user[i];
      user[i] = static_cast<uint32_t>(acc);
    }
    if (acc > UINT32_MAX) return Bad("user id beyond 32 bits");
    if (spu) std::fill(spu + row, spu + row + run[1], run[0]);
    row += run[1];
  }
  if (row != n) return Bad("SPU run rows do not sum to the block's rows");
  return Status::OK();
}

// ts; `rel` is room for n u32 (another column's, filled later).
Status DecodeTs(Cursor* c, uint32_t n, int64_t ts_base, unsigned ts_width, uint32_t* rel, int64_t* ts) {
  const uint8_t* at;
  if (ts_width == kRawTs) {
    if (!c->Take(8 * size_t{n}, &at)) return Bad("ts runs past the block");
    for (size_t i = 0; i < n; ++i) {
      uint64_t v;
      std::memcpy(&v, at + 8 * i, 8);
      ts[i] = static_cast<int64_t>(static_cast<uint64_t>(ts_base) + v);
    }
    return Status::OK();
  }
  if (!c->Take(PackedBytes(n, ts_width), &at)) return Bad("ts runs past the block");
  Unpack(at, n, ts_width, rel);
  for (size_t i = 0; i < n; ++i) ts[i] = ts_base + int64_t{rel[i]};
  return Status::OK();
}

// The kind table and codes into action, sentiment, channel; `escaped` is room for n u32 (another column's,
// filled later).
Status DecodeKinds(Cursor* c, uint32_t n, uint32_t n_kinds, uint32_t* escaped, uint8_t* action,
                   uint8_t* sentiment, uint16_t* channel) {
  const uint8_t* kinds;
  if (!c->Take(size_t{n_kinds} * 4, &kinds)) return Bad("kind table runs past the block");
  if (n_kinds == 1) {
    Kind k;
    std::memcpy(&k, kinds, 4);
    std::fill(action, action + n, k.action);
    std::fill(sentiment, sentiment + n, k.sentiment);
    std::fill(channel, channel + n, k.channel);
    return Status::OK();
  }
  // Every row gets the commonest kind, then the flagged rows (1 bit per row) their own, in row order.
  const uint8_t* flags;
  if (!c->Take(PackedBytes(n, 1), &flags)) return Bad("kind flags run past the block");
  const size_t words = (size_t{n} + 63) / 64;
  auto word = [&](size_t w) {  // 64 flags; the bytes after the bitmap are inside the block or its slack
    uint64_t v;
    std::memcpy(&v, flags + 8 * w, 8);
    const size_t valid = std::min<size_t>(64, n - 64 * w);
    return valid == 64 ? v : v & ((uint64_t{1} << valid) - 1);
  };
  size_t n_escaped = 0;
  for (size_t w = 0; w < words; ++w) n_escaped += PopCount(word(w));
  const unsigned width = BitWidth(n_kinds - 1);
  const uint8_t* at;
  if (!c->Take(PackedBytes(n_escaped, width), &at)) return Bad("kind codes run past the block");
  Unpack(at, n_escaped, width, escaped);
  if (MaxOf(escaped, n_escaped) >= n_kinds) return Bad("kind code beyond its table");
  Kind k0;
  std::memcpy(&k0, kinds, 4);
  std::fill(action, action + n, k0.action);
  std::fill(sentiment, sentiment + n, k0.sentiment);
  if (k0.channel == 0) {
    std::memset(channel, 0, 2 * size_t{n});  // the usual case; std::fill of u16 stays scalar at -O2
  } else {
    std::fill(channel, channel + n, k0.channel);
  }
  size_t j = 0;
  for (size_t w = 0; w < words; ++w) {
    for (uint64_t bits = word(w); bits; bits &= bits - 1) {
      const size_t i = 64 * w + static_cast<size_t>(std::countr_zero(bits));
      Kind k;
      std::memcpy(&k, kinds + 4 * size_t{escaped[j++]}, 4);
      action[i] = k.action;
      sentiment[i] = k.sentiment;
      channel[i] = k.channel;
    }
  }
  return Status::OK();
}

Status DecodeAmounts(Cursor* c, uint32_t n, uint32_t n_amounts, int64_t* amount) {
  std::fill(amount, amount + n, 0);
  if (n_amounts == 0) return Status::OK();
  uint64_t gcd;
  if (!c->Get(&gcd)) return Bad("amounts run past the block");
  thread_local std::vector<uint32_t> gaps;
  gaps.resize(n_amounts);
  AIPS_RETURN_IF_ERROR(UnpackFrames(&c->p, c->end, n_amounts, gaps.data()));
  uint64_t pos = 0;
  for (uint32_t k = 0; k < n_amounts; ++k) {
    pos += gaps[k] + (k ? 1 : 0);
    if (pos >= n) return Bad("amount row beyond the block");
    uint64_t z;
    if (!c->Varint(&z)) return Bad("amounts run past the block");
    const uint64_t q = (z >> 1) ^ (0 - (z & 1));
    amount[pos] = static_cast<int64_t>(q * gcd);
  }
  return Status::OK();
}

}  // namespace

Result<BrandBlock> DecodeBlockV2(std::string_view block, uint64_t rows, uint32_t cols) {
  if (block.size() < kBlockHeader + kUnpackSlack) return Bad("block too short");
  Cursor c{reinterpret_cast<const uint8_t*>(block.data()),
           reinterpret_cast<const uint8_t*>(block.data()) + block.size() - kUnpackSlack};
  uint32_t n = 0, n_runs = 0, n_kinds = 0, n_campaigns = 0, n_notes = 0, n_amounts = 0;
  int64_t ts_base = 0;
  uint8_t ts_width = 0;
  c.Get(&n), c.Get(&n_runs), c.Get(&n_kinds), c.Get(&n_campaigns), c.Get(&n_notes), c.Get(&n_amounts);
  c.Get(&ts_base), c.Get(&ts_width);
  c.p += 7;
  if (n != rows || n == 0) return Bad("block row count differs from the index");
  // Every 64 rows take at least one byte (a user frame's width), so n is bounded by the block's size
  // before anything is allocated.
  if (n / kFrameRows > block.size()) return Bad("row count too large for the block");
  if (n_runs == 0 || n_runs > n || n_kinds == 0 || n_kinds > n || n_campaigns == 0 || n_campaigns > n ||
      n_notes == 0 || n_notes > n || n_amounts > n) {
    return Bad("table size out of range");
  }
  if (ts_width > 32 && ts_width != kRawTs) return Bad("ts width out of range");

  // One allocation: ts, amount (i64), user, spu, campaign, note (u32), channel (u16), action, sentiment.
  const size_t words = 2 * n + (4 * 4 * size_t{n} + 2 * n + 2 * n + 7) / 8;
  std::shared_ptr<uint64_t[]> storage = AcquireColumns(words);
  char* base = reinterpret_cast<char*>(storage.get());
  int64_t* ts = reinterpret_cast<int64_t*>(base);
  int64_t* amount = ts + n;
  uint32_t* user = reinterpret_cast<uint32_t*>(amount + n);
  uint32_t* spu = user + n;
  uint32_t* campaign = spu + n;
  uint32_t* note = campaign + n;
  uint16_t* channel = reinterpret_cast<uint16_t*>(note + n);
  uint8_t* action = reinterpret_cast<uint8_t*>(channel + n);
  uint8_t* sentiment = action + n;

  // SPU runs and users.
  // Which sections to decode: the asked ones, and those before an asked one whose length is only known by
  // decoding (kinds, campaign and note tables). Users and ts are skipped by their lengths otherwise.
  const bool want_amount = cols & kColAmount;
  const bool want_note = want_amount || (cols & kColNote);
  const bool want_campaign = want_note || (cols & kColCampaign);
  const bool want_kind = want_campaign || (cols & kColKind);

  const uint8_t* runs;
  if (!c.Take(size_t{n_runs} * 12, &runs)) return Bad("SPU runs run past the block");
  if (!(cols & (kColUser | kColSpu))) {
    AIPS_RETURN_IF_ERROR(SkipFrames(&c.p, c.end, n));
  } else {
    AIPS_RETURN_IF_ERROR(DecodeUsers(&c, runs, n_runs, n, user, (cols & kColSpu) ? spu : nullptr));
  }
  if (cols & kColTs) {
    AIPS_RETURN_IF_ERROR(DecodeTs(&c, n, ts_base, ts_width, reinterpret_cast<uint32_t*>(amount), ts));
  } else {
    const uint8_t* at;
    if (!c.Take(ts_width == kRawTs ? 8 * size_t{n} : PackedBytes(n, ts_width), &at)) {
      return Bad("ts runs past the block");
    }
  }
  if (want_kind) AIPS_RETURN_IF_ERROR(DecodeKinds(&c, n, n_kinds, note, action, sentiment, channel));
  thread_local std::vector<uint32_t> table;
  if (want_campaign) {
    AIPS_RETURN_IF_ERROR(GetTable(&c, n_campaigns, &table));
    AIPS_RETURN_IF_ERROR(GetDictColumn(&c, n, table, campaign));
  }
  if (want_note) {
    AIPS_RETURN_IF_ERROR(GetTable(&c, n_notes, &table));
    AIPS_RETURN_IF_ERROR(GetDictColumn(&c, n, table, note));
  }
  if (want_amount) {
    AIPS_RETURN_IF_ERROR(DecodeAmounts(&c, n, n_amounts, amount));
    if (c.p != c.end) return Bad("unread bytes at the end of the block");
  }

  BrandBlock b;
  b.n = n;
  if (cols & kColTs) b.ts = ts;
  if (cols & kColAmount) b.amount = amount;
  if (cols & kColUser) b.user = user;
  if (cols & kColSpu) b.spu = spu;
  if (cols & kColCampaign) b.campaign = campaign;
  if (cols & kColNote) b.note = note;
  if (cols & kColKind) b.channel = channel, b.action = action, b.sentiment = sentiment;
  b.owner = std::move(storage);
  return b;
}

}  // namespace aips
