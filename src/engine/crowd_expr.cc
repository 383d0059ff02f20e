#include "engine/crowd_expr.h"

#include <cctype>
#include <map>

#include "domain/domain.h"
#include "fmt/format.h"

namespace aips {

namespace {

struct Token {
  enum class Type { kIdent, kString, kPunct, kEnd } type;
  std::string text;
  int line = 1, col = 1;
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<std::unique_ptr<CrowdNode>> Parse() {
    AIPS_RETURN_IF_ERROR(Lex());
    AIPS_ASSIGN_OR_RETURN(auto e, Expr());
    if (Peek().type != Token::Type::kEnd) return Error(Peek(), "expected 'and', 'or' or the end");
    return e;
  }

 private:
  Status Lex() {
    int line = 1, col = 1;
    size_t i = 0;
    auto advance = [&](size_t n) {
      for (size_t k = 0; k < n; ++k, ++i) {
        if (s_[i] == '\n') {
          ++line;
          col = 1;
        } else {
          ++col;
        }
      }
    };
    while (i < s_.size()) {
      char c = s_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        advance(1);
        continue;
      }
      Token t;
      t.line = line;
      t.col = col;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_' || s_[j] == '+'))
          ++j;
        t.type = Token::Type::kIdent;
        t.text = std::string(s_.substr(i, j - i));
        advance(j - i);
      } else if (c == '"') {
        size_t j = i + 1;
        std::string v;
        while (j < s_.size() && s_[j] != '"') {
          if (s_[j] == '\\' && j + 1 < s_.size()) ++j;
          v += s_[j++];
        }
        if (j >= s_.size())
          return Status::InvalidArgument(fmt::format("{}:{}: unterminated string", line, col));
        t.type = Token::Type::kString;
        t.text = v;
        advance(j + 1 - i);
      } else if (std::string_view("()[],:").find(c) != std::string_view::npos) {
        t.type = Token::Type::kPunct;
        t.text = std::string(1, c);
        advance(1);
      } else {
        return Status::InvalidArgument(fmt::format("{}:{}: unexpected character '{}'", line, col, c));
      }
      toks_.push_back(std::move(t));
    }
    Token end;
    end.type = Token::Type::kEnd;
    end.line = line;
    end.col = col;
    toks_.push_back(end);
    return Status::OK();
  }

  const Token& Peek() const { return toks_[pos_]; }
  Token Next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool IsWord(const char* w) const { return Peek().type == Token::Type::kIdent && Peek().text == w; }
  bool IsPunct(char p) const { return Peek().type == Token::Type::kPunct && Peek().text[0] == p; }
  static std::string Shown(const Token& t) {
    if (t.type == Token::Type::kEnd) return "the end";
    return t.type == Token::Type::kString ? "\"" + t.text + "\"" : "'" + t.text + "'";
  }
  Status Error(const Token& t, const std::string& what) const {
    return Status::InvalidArgument(fmt::format("{}:{}: {} but found {}", t.line, t.col, what, Shown(t)));
  }
  Status Expect(char p) {
    if (!IsPunct(p)) return Error(Peek(), fmt::format("expected '{}'", p));
    Next();
    return Status::OK();
  }

  static std::unique_ptr<CrowdNode> Binary(CrowdNode::Kind k, std::unique_ptr<CrowdNode> a,
                                           std::unique_ptr<CrowdNode> b) {
    auto n = std::make_unique<CrowdNode>();
    n->kind = k;
    n->children.push_back(std::move(a));
    n->children.push_back(std::move(b));
    return n;
  }

  Result<std::unique_ptr<CrowdNode>> Expr() {
    AIPS_ASSIGN_OR_RETURN(auto left, Term());
    while (IsWord("or")) {
      Next();
      AIPS_ASSIGN_OR_RETURN(auto right, Term());
      left = Binary(CrowdNode::Kind::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  Result<std::unique_ptr<CrowdNode>> Term() {
    AIPS_ASSIGN_OR_RETURN(auto left, Factor());
    while (IsWord("and")) {
      Next();
      CrowdNode::Kind k = CrowdNode::Kind::kAnd;
      if (IsWord("not")) {
        Next();
        k = CrowdNode::Kind::kAndNot;
      }
      AIPS_ASSIGN_OR_RETURN(auto right, Factor());
      left = Binary(k, std::move(left), std::move(right));
    }
    return left;
  }

  Result<std::unique_ptr<CrowdNode>> Factor() {
    // Nesting ("(((", "not not not") recurses; a bound keeps hostile input from exhausting the stack.
    if (++depth_ > kMaxDepth) return Error(Peek(), fmt::format("nesting deeper than {} levels", kMaxDepth));
    struct Leave {
      int* d;
      ~Leave() { --*d; }
    } leave{&depth_};
    if (IsWord("not")) {
      Next();
      AIPS_ASSIGN_OR_RETURN(auto inner, Factor());
      auto n = std::make_unique<CrowdNode>();
      n->kind = CrowdNode::Kind::kNot;
      n->children.push_back(std::move(inner));
      return n;
    }
    if (IsPunct('(')) {
      Next();
      AIPS_ASSIGN_OR_RETURN(auto e, Expr());
      AIPS_RETURN_IF_ERROR(Expect(')'));
      return e;
    }
    return Atom();
  }

  // name: value pairs inside an atom's parentheses; values are strings or stage lists.
  struct Arg {
    Token key;
    std::string str;
    std::vector<int> stages;
    bool is_list = false;
  };

  Result<std::vector<int>> StageList(bool allow_none) {
    AIPS_RETURN_IF_ERROR(Expect('['));
    std::vector<int> out;
    while (!IsPunct(']')) {
      const Token t = Next();
      auto st = t.type == Token::Type::kIdent ? ParseStage(t.text) : std::nullopt;
      if (!st || (*st == Stage::kNone && !allow_none)) {
        return Error(
            t, allow_none ? "expected a stage (none, A, I, TI, P, S)" : "expected a stage (A, I, TI, P, S)");
      }
      out.push_back(static_cast<int>(*st));
      if (IsPunct(','))
        Next();
      else if (!IsPunct(']'))
        return Error(Peek(), "expected ',' or ']'");
    }
    Next();
    return out;
  }

  Result<std::map<std::string, Arg>> Args(bool positional_string, std::string* positional) {
    AIPS_RETURN_IF_ERROR(Expect('('));
    std::map<std::string, Arg> args;
    if (positional_string) {
      if (Peek().type != Token::Type::kString) return Error(Peek(), "expected a quoted name");
      *positional = Next().text;
      AIPS_RETURN_IF_ERROR(Expect(')'));
      return args;
    }
    while (!IsPunct(')')) {
      Arg a;
      a.key = Next();
      if (a.key.type != Token::Type::kIdent) return Error(a.key, "expected an argument name");
      AIPS_RETURN_IF_ERROR(Expect(':'));
      if (Peek().type == Token::Type::kString) {
        a.str = Next().text;
      } else if (IsPunct('[')) {
        AIPS_ASSIGN_OR_RETURN(a.stages, StageList(true));
        a.is_list = true;
      } else {
        return Error(Peek(), "expected a quoted value or a stage list");
      }
      if (args.count(a.key.text)) return Error(a.key, "argument given twice");
      args[a.key.text] = a;
      if (IsPunct(','))
        Next();
      else if (!IsPunct(')'))
        return Error(Peek(), "expected ',' or ')'");
    }
    Next();
    return args;
  }

  Result<std::unique_ptr<CrowdNode>> Atom() {
    const Token head = Next();
    if (head.type != Token::Type::kIdent)
      return Error(head, "expected a crowd (stage, flowed, reached, crowd, segment, tier), 'not' or '('");
    auto n = std::make_unique<CrowdNode>();
    static const std::map<std::string, CrowdNode::Kind> kAtoms = {
        {"stage", CrowdNode::Kind::kStage},     {"flowed", CrowdNode::Kind::kFlowed},
        {"reached", CrowdNode::Kind::kReached}, {"crowd", CrowdNode::Kind::kCrowd},
        {"segment", CrowdNode::Kind::kSegment}, {"tier", CrowdNode::Kind::kTier}};
    auto it = kAtoms.find(head.text);
    if (it == kAtoms.end())
      return Error(head, "expected a crowd (stage, flowed, reached, crowd, segment, tier), 'not' or '('");
    n->kind = it->second;
    const bool positional = n->kind == CrowdNode::Kind::kCrowd || n->kind == CrowdNode::Kind::kSegment;
    AIPS_ASSIGN_OR_RETURN(auto args, Args(positional, &n->name));
    if (positional) return n;
    // Check the arguments of each atom: required, optional, types.
    auto take_str = [&](const char* key, bool required, std::string* out) -> Status {
      auto a = args.find(key);
      if (a == args.end())
        return required ? Error(head, fmt::format("{}() needs {}:", head.text, key)) : Status::OK();
      if (a->second.is_list) return Error(a->second.key, fmt::format("{} takes a quoted value", key));
      *out = a->second.str;
      args.erase(a);
      return Status::OK();
    };
    auto take_date = [&](const char* key, Day* out) -> Status {
      auto a = args.find(key);
      std::string v;
      const Token where = a == args.end() ? head : a->second.key;
      AIPS_RETURN_IF_ERROR(take_str(key, true, &v));
      auto d = ParseDate(v);
      if (!d.ok())
        return Status::InvalidArgument(fmt::format("{}:{}: {}", where.line, where.col, d.status().message()));
      *out = d.value();
      return Status::OK();
    };
    auto take_list = [&](const char* key, std::vector<int>* out, bool allow_none) -> Status {
      auto a = args.find(key);
      if (a == args.end()) return Error(head, fmt::format("{}() needs {}:", head.text, key));
      if (!a->second.is_list) return Error(a->second.key, fmt::format("{} takes a stage list", key));
      for (int s : a->second.stages)
        if (s == 0 && !allow_none)
          return Error(a->second.key, "none is allowed only in from_stage and to_stage");
      *out = a->second.stages;
      args.erase(a);
      return Status::OK();
    };
    if (n->kind == CrowdNode::Kind::kStage) {
      AIPS_RETURN_IF_ERROR(take_str("brand", true, &n->brand));
      AIPS_RETURN_IF_ERROR(take_str("spu", false, &n->spu));
      AIPS_RETURN_IF_ERROR(take_date("date", &n->date));
    } else if (n->kind == CrowdNode::Kind::kFlowed) {
      AIPS_RETURN_IF_ERROR(take_str("brand", true, &n->brand));
      AIPS_RETURN_IF_ERROR(take_str("spu", false, &n->spu));
      AIPS_RETURN_IF_ERROR(take_date("from", &n->from));
      AIPS_RETURN_IF_ERROR(take_date("to", &n->to));
      AIPS_RETURN_IF_ERROR(take_list("from_stage", &n->from_stages, true));
      AIPS_RETURN_IF_ERROR(take_list("to_stage", &n->to_stages, true));
    } else if (n->kind == CrowdNode::Kind::kReached) {
      AIPS_RETURN_IF_ERROR(take_str("campaign", true, &n->name));
    } else if (n->kind == CrowdNode::Kind::kTier) {
      AIPS_RETURN_IF_ERROR(take_str("brand", true, &n->brand));
      AIPS_RETURN_IF_ERROR(take_str("tier", true, &n->name));
    }
    if (!args.empty())
      return Error(args.begin()->second.key,
                   fmt::format("{}() takes no argument '{}'", head.text, args.begin()->first));
    if (n->kind == CrowdNode::Kind::kStage) {
      if (!IsWord("in")) return Error(Peek(), "expected 'in' after stage(...)");
      Next();
      AIPS_ASSIGN_OR_RETURN(n->stages, StageList(false));
    }
    return n;
  }
  static constexpr int kMaxDepth = 200;
  int depth_ = 0;
  std::string_view s_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::unique_ptr<CrowdNode>> ParseCrowdExpr(std::string_view text) {
  if (text.size() > 100000) return Status::InvalidArgument("expression longer than 100000 characters");
  return Parser(text).Parse();
}

void CollectNames(const CrowdNode& n, std::vector<std::string>* brands, std::vector<std::string>* campaigns,
                  std::vector<std::string>* crowds) {
  if (!n.brand.empty()) brands->push_back(n.brand);
  if (n.kind == CrowdNode::Kind::kReached) campaigns->push_back(n.name);
  if (n.kind == CrowdNode::Kind::kCrowd) crowds->push_back(n.name);
  for (auto& c : n.children) CollectNames(*c, brands, campaigns, crowds);
}

Result<std::string> PortraitCategory(
    const CrowdNode& expr, const std::string& given,
    const std::function<Result<std::string>(const std::string&)>& category_of) {
  if (!given.empty()) return given;
  std::vector<std::string> brands, campaigns, crowds;
  CollectNames(expr, &brands, &campaigns, &crowds);
  if (brands.empty())
    return Status::InvalidArgument("the expression names no brand: give the portrait's category");
  return category_of(brands[0]);
}

Status CheckExportSize(uint64_t members, size_t min_size) {
  if (members >= min_size) return Status::OK();
  return Status::InvalidArgument(fmt::format(
      "the crowd has {} users, below the minimum export size of {}: refused (user-level results of "
      "small crowds are not released)",
      members, min_size));
}

}  // namespace aips
