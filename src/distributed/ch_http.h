// ChClient over ClickHouse's HTTP interface: the query is the POST body, settings are URL parameters,
// external tables go as multipart form data, and the URL's USER:PASSWORD go as HTTP basic
// authentication (which 18.16 and current releases accept). Never prints the password.
#pragma once

#include <memory>
#include <string>

#include "distributed/ch_client.h"

namespace httplib {
class Client;
}

namespace aips {

class ChHttpClient : public ChClient {
 public:
  ChHttpClient(ChNode node, std::string user, std::string password);
  ~ChHttpClient() override;
  ChHttpClient(const ChHttpClient&) = delete;
  ChHttpClient& operator=(const ChHttpClient&) = delete;

  using ChClient::Execute;
  using ChClient::Insert;
  Result<std::string> Execute(const std::string& sql, const ChSettings& settings) override;
  Status Insert(const std::string& table, const std::string& columns, const std::string& data,
                const char* format) override;
  Result<ChRows> SelectWithTable(const std::string& sql, const std::string& name,
                                 const std::string& structure, const std::string& tsv,
                                 const ChSettings& settings) override;
  std::string Name() const override { return node_.Name(); }

 private:
  Result<std::string> Check(const void* result, const std::string& what);
  ChNode node_;
  std::unique_ptr<httplib::Client> http_;
};

}  // namespace aips
