// Which accounts a consultation answer shows (docs/insights.md), one rule for every engine:
// - a described account (an accounts row) answers for its brand, or else for its campaign's brand, and is
//   shown when the caller may see that brand (`allowed` is a tenant's brands; null = the CLI or an admin
//   key);
// - an account that only messages name is shown to the CLI and admin keys, in group "unknown", and belongs
//   to no tenant until a row gives it a brand.
#pragma once

#include <map>
#include <set>
#include <string>

#include "aips/status.h"
#include "store/catalog.h"
#include "store/content.h"

namespace aips {

class ConsultAccounts {
 public:
  ConsultAccounts(std::map<std::string, Account> described, const Catalog& catalog,
                  const std::set<std::string>* allowed)
      : accounts_(std::move(described)), catalog_(catalog), allowed_(allowed) {}

  // True when accounts that only messages name are shown (no tenant filter): then call AddNamed for them.
  bool ShowsUndescribed() const { return allowed_ == nullptr; }
  // An account a message names.
  void AddNamed(const std::string& account);
  // NotFound unless `account` is shown.
  Status Check(const std::string& account) const;

  // Every account, described or only named; Shown() says which the answer lists.
  const std::map<std::string, Account>& all() const { return accounts_; }
  bool Shown(const std::string& id, const Account& a) const;
  const char* GroupOf(const std::string& id, const Account& a) const;
  std::string BrandOf(const Account& a) const;

 private:
  std::map<std::string, Account> accounts_;
  std::set<std::string> undescribed_;
  const Catalog& catalog_;
  const std::set<std::string>* allowed_;
};

}  // namespace aips
