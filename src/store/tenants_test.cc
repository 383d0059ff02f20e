// Tenants and keys in a data directory: salts made once, brands extended, keys stored as digests only.
#include "store/tenants.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/file_util.h"

namespace aips {
namespace {

class DirTenantStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/aips-tenants-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(DirTenantStoreTest, AddsTenantsWithOneSaltAndExtendsTheirBrands) {
  DirTenantStore store(dir_);
  auto empty = store.Load();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->tenants().empty());
  auto first = store.AddTenant("acme", {"b1"});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->salt.size(), 32u);
  auto again = store.AddTenant("acme", {"b2"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->salt, first->salt);  // made once, with the tenant
  EXPECT_EQ(again->brands, (std::set<std::string>{"b1", "b2"}));
  auto reg = store.Load();
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(reg->tenants().at("acme").brands.size(), 2u);
}

TEST_F(DirTenantStoreTest, KeysAreStoredAsDigestsAndAuthenticate) {
  DirTenantStore store(dir_);
  EXPECT_TRUE(store.CreateKey("nobody", false).status().IsNotFound());
  EXPECT_TRUE(store.CreateKey("", false).status().IsInvalidArgument());
  ASSERT_TRUE(store.AddTenant("acme", {"b1"}).ok());
  auto read = store.CreateKey("acme", false);
  auto admin = store.CreateKey("", true);
  ASSERT_TRUE(read.ok() && admin.ok());
  EXPECT_EQ(read->rfind("aipsr_", 0), 0u);
  EXPECT_EQ(admin->rfind("aipsa_", 0), 0u);
  auto file = ReadFile(dir_ + "/tenants.bin");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->find(read.value()), std::string::npos);
  auto reg = store.Load();
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(reg->key_count(), 2u);
  auto p = reg->Authenticate(read.value());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->tenant, "acme");
  EXPECT_FALSE(p->admin);
  EXPECT_TRUE(p->CanRead("b1"));
  EXPECT_FALSE(p->CanRead("b2"));
  EXPECT_TRUE(reg->Authenticate(admin.value())->admin);
  EXPECT_FALSE(reg->Authenticate("aipsr_wrong").has_value());
}

TEST(TenantRegistry, OfKeepsWhatAStoreRead) {
  Tenant t{{"b1"}, "salt"};
  auto reg = TenantRegistry::Of({{"acme", t}}, {ApiKey{Sha256Hex("k"), "acme", false, 1}});
  auto p = reg.Authenticate("k");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->salt, "salt");
  EXPECT_TRUE(p->CanRead("b1"));
}

}  // namespace
}  // namespace aips
