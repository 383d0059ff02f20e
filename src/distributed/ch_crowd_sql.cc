#include "distributed/ch_crowd_sql.h"

#include <algorithm>

#include "distributed/ch_client.h"
#include "distributed/ch_sql.h"
#include "fmt/format.h"

namespace aips {

std::string ChPerUser::AddColumn(const std::string& zero, const std::string& agg) {
  columns_.push_back(Column{fmt::format("c{}", columns_.size()), zero, agg});
  return columns_.back().name;
}

void ChPerUser::AddSource(const std::string& from, const std::map<std::string, std::string>& values) {
  sources_.emplace_back(from, values);
}

std::string ChPerUser::Sql() const {
  if (sources_.empty()) return "";
  // Inner names v<i>, outer c<i>: 18.16 must not see an aggregate aliased as the column it reads.
  std::string outer = "SELECT user";
  for (const Column& c : columns_) outer += fmt::format(", {}(v{}) AS {}", c.agg, c.name.substr(1), c.name);
  std::string unions;
  for (const auto& [from, values] : sources_) {
    std::string sel = "SELECT user";
    for (const Column& c : columns_) {
      auto v = values.find(c.name);
      sel += fmt::format(", {} AS v{}", v == values.end() ? c.zero : v->second, c.name.substr(1));
    }
    unions += fmt::format("{}{} FROM ({})", unions.empty() ? "" : " UNION ALL ", sel, from);
  }
  return fmt::format("{} FROM ({}) GROUP BY user", outer, unions);
}

namespace {

std::string StageList(const std::vector<int>& stages) {
  std::string out;
  for (int s : stages) out += fmt::format("{}{}", out.empty() ? "" : ", ", s);
  return out;
}

// The events source: one level-1 aggregate over every scope and campaign the atoms read.
class EventsSource {
 public:
  // Level-1 arrays of a scope (brand [+ spu]) read on `days`; returns their prefix.
  std::string Scope(const CrowdNode& n, const RuleSet& rules, std::initializer_list<Day> days) {
    const std::string key = n.brand + '\0' + n.spu;
    auto it = scopes_.find(key);
    if (it == scopes_.end()) {
      std::optional<std::string> spu;
      if (!n.spu.empty()) spu = n.spu;
      it = scopes_
               .emplace(key, Scope_{fmt::format("k{}_", scopes_.size()), ChScopeFilter(n.brand, spu), &rules})
               .first;
    }
    for (Day d : days) {
      Scope_& s = it->second;
      s.lo = s.lo == kNoDay ? d - rules.MaxWindow() + 1 : std::min(s.lo, d - rules.MaxWindow() + 1);
      s.hi = s.hi == kNoDay ? d : std::max(s.hi, d);
    }
    return it->second.prefix;
  }
  // A level-1 count of the campaign's impressions and clicks during its flight; returns its name.
  std::string Reach(const std::string& campaign, const ChAtomFacts& f) {
    const std::string name = fmt::format("r{}", reach_.size());
    reach_.push_back(fmt::format(
        "brand = {} AND campaign = {} AND day >= {} AND day <= {} AND action IN ('impression', 'click')",
        ChQuote(f.reach_brand), ChQuote(campaign), ChDay(f.reach_start), ChDay(f.reach_end)));
    return name;
  }
  bool empty() const { return scopes_.empty() && reach_.empty(); }
  std::string Sql(const std::string& events) const {
    std::string cols, where;
    for (const auto& [key, s] : scopes_) {
      cols += ", " + ChStageArrays(*s.rules, s.filter, s.prefix);
      where += fmt::format("{}({} AND day >= {} AND day <= {})", where.empty() ? "" : " OR ", s.filter,
                           ChDay(s.lo), ChDay(s.hi));
    }
    for (size_t i = 0; i < reach_.size(); ++i) {
      cols += fmt::format(", countIf({}) AS r{}", reach_[i], i);
      where += fmt::format("{}({})", where.empty() ? "" : " OR ", reach_[i]);
    }
    return fmt::format("SELECT user{} FROM {} WHERE {} GROUP BY user", cols, events, where);
  }

 private:
  struct Scope_ {
    std::string prefix, filter;
    const RuleSet* rules;
    Day lo = kNoDay, hi = kNoDay;
  };
  std::map<std::string, Scope_> scopes_;
  std::vector<std::string> reach_;
};

class Compiler {
 public:
  Compiler(const ChCrowdTables& t, const ChAtomResolver& r, ChCrowd* out) : t_(t), resolve_(r), out_(out) {}

  Result<std::string> Node(const CrowdNode& n) {
    using K = CrowdNode::Kind;
    switch (n.kind) {
      case K::kOr:
      case K::kAnd:
      case K::kAndNot: {
        AIPS_ASSIGN_OR_RETURN(std::string a, Node(*n.children[0]));
        AIPS_ASSIGN_OR_RETURN(std::string b, Node(*n.children[1]));
        const char* op = n.kind == K::kOr ? "OR" : n.kind == K::kAnd ? "AND" : "AND NOT";
        return fmt::format("({} {} {})", a, op, b);
      }
      case K::kNot: {
        AIPS_ASSIGN_OR_RETURN(std::string a, Node(*n.children[0]));
        return fmt::format("(NOT {})", a);
      }
      default:
        return Atom(n);
    }
  }

  void Finish() {
    if (!events_.empty()) out_->rows.AddSource(events_.Sql(t_.events), event_values_);
    for (auto& [from, values] : others_) out_->rows.AddSource(from, values);
  }

 private:
  std::string Code(const std::string& prefix, const RuleSet& rules, Day d) {
    const std::string col = out_->rows.AddColumn("toUInt8(0)");
    event_values_[col] = fmt::format("toUInt8({})", ChStageAt(rules, ChDay(d), prefix));
    return col;
  }
  std::string Flag(const std::string& from) {
    const std::string col = out_->rows.AddColumn("toUInt8(0)");
    others_.emplace_back(from, std::map<std::string, std::string>{{col, "toUInt8(1)"}});
    return col;
  }

  Result<std::string> Atom(const CrowdNode& n) {
    using K = CrowdNode::Kind;
    AIPS_ASSIGN_OR_RETURN(ChAtomFacts f, resolve_(n));
    switch (n.kind) {
      case K::kStage: {
        const std::string p = events_.Scope(n, *f.rules, {n.date});
        return fmt::format("({} IN ({}))", Code(p, *f.rules, n.date), StageList(n.stages));
      }
      case K::kFlowed: {
        const std::string p = events_.Scope(n, *f.rules, {n.from, n.to});
        const std::string a = Code(p, *f.rules, n.from), b = Code(p, *f.rules, n.to);
        return fmt::format("({} IN ({}) AND {} IN ({}))", a, StageList(n.from_stages), b,
                           StageList(n.to_stages));
      }
      case K::kReached: {
        if (f.reach_brand.empty() || f.reach_start == kNoDay) return std::string("0");  // nobody reached
        const std::string r = events_.Reach(n.name, f);
        const std::string col = out_->rows.AddColumn("toUInt8(0)");
        event_values_[col] = fmt::format("toUInt8({} > 0)", r);
        return fmt::format("({} = 1)", col);
      }
      case K::kCrowd:
        return fmt::format(
            "({} = 1)",
            Flag(fmt::format("SELECT user FROM {} WHERE tenant = {} AND name = {} AND "
                             "version = {}",
                             t_.crowd_members, ChQuote(f.crowd_tenant), ChQuote(n.name), f.crowd_version)));
      case K::kSegment:
        return fmt::format("({} = 1)", Flag(fmt::format("SELECT user FROM {} GROUP BY user HAVING "
                                                        "has(argMax(tags, version), {})",
                                                        t_.attributes, ChQuote(n.name))));
      case K::kTier:
        if (f.tier_users.empty()) return std::string("0");  // the brand has no events
        return fmt::format("({} = 1)", Flag(f.tier_users));
      default:
        return Status::InvalidArgument("unknown expression node");
    }
  }

  const ChCrowdTables& t_;
  const ChAtomResolver& resolve_;
  ChCrowd* out_;
  EventsSource events_;
  std::map<std::string, std::string> event_values_;
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> others_;
};

}  // namespace

bool ChHoldsForNobody(const CrowdNode& n) {
  using K = CrowdNode::Kind;
  auto has_none = [](const std::vector<int>& s) { return std::find(s.begin(), s.end(), 0) != s.end(); };
  switch (n.kind) {
    case K::kOr:
      return ChHoldsForNobody(*n.children[0]) || ChHoldsForNobody(*n.children[1]);
    case K::kAnd:
      return ChHoldsForNobody(*n.children[0]) && ChHoldsForNobody(*n.children[1]);
    case K::kAndNot:
      return ChHoldsForNobody(*n.children[0]) && !ChHoldsForNobody(*n.children[1]);
    case K::kNot:
      return !ChHoldsForNobody(*n.children[0]);
    case K::kStage:
      return has_none(n.stages);
    case K::kFlowed:
      return has_none(n.from_stages) && has_none(n.to_stages);
    default:
      return false;
  }
}

Result<ChCrowd> CompileCrowd(const CrowdNode& expr, const ChCrowdTables& tables,
                             const ChAtomResolver& resolve) {
  ChCrowd out;
  Compiler c(tables, resolve, &out);
  AIPS_ASSIGN_OR_RETURN(out.formula, c.Node(expr));
  c.Finish();
  out.needs_universe = ChHoldsForNobody(expr);
  if (out.needs_universe) out.rows.AddSource(fmt::format("SELECT user FROM {}", tables.user_seq), {});
  return out;
}

std::string ChCrowdMembers(const ChCrowd& crowd) {
  if (crowd.rows.empty()) return "SELECT toUInt64(0) AS user WHERE 0";
  return fmt::format("SELECT user FROM ({}) WHERE {}", crowd.rows.Sql(), crowd.formula);
}

}  // namespace aips
