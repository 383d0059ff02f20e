#include "engine/consult_accounts.h"

#include "fmt/format.h"

namespace aips {

void ConsultAccounts::AddNamed(const std::string& account) {
  if (!accounts_.count(account) && undescribed_.insert(account).second) accounts_[account] = Account{};
}

std::string ConsultAccounts::BrandOf(const Account& a) const {
  if (!a.brand.empty()) return a.brand;
  auto c = catalog_.campaigns.find(a.campaign);
  return c == catalog_.campaigns.end() ? std::string() : c->second.brand;
}

bool ConsultAccounts::Shown(const std::string& id, const Account& a) const {
  return undescribed_.count(id) > 0 || allowed_ == nullptr || allowed_->count(BrandOf(a)) > 0;
}

const char* ConsultAccounts::GroupOf(const std::string& id, const Account& a) const {
  return undescribed_.count(id) ? "unknown" : kAccountGroupNames[static_cast<int>(a.group)];
}

Status ConsultAccounts::Check(const std::string& account) const {
  auto it = accounts_.find(account);
  if (it == accounts_.end() || !Shown(account, it->second))
    return Status::NotFound(
        fmt::format("unknown account '{}' (neither an accounts row nor a message names it)", account));
  return Status::OK();
}

}  // namespace aips
