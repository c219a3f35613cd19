// Accounts, logins and tokens against a real redis-server.
#include "async.hpp"
#include "redis_server.hpp"

#include <hotline/agents/accounts.hpp>

using namespace hotline;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

class Accounts : public ::testing::Test {
 protected:
  Accounts() : redis(io.get_executor(), options()), accounts(redis, make_config()) { redis.start(); }
  ~Accounts() override { redis.stop(); }

  static core::redis_options options() {
    core::redis_options o;
    o.endpoint = core::redis_endpoint::parse(test::shared_redis().address()).value();
    return o;
  }
  const core::config& make_config() {
    config.centre.id = test::unique_centre();
    config.routing.categories = {{"consult.marriage", "婚姻家庭"}, {"consult.labour", "劳动争议"}};
    config.routing.languages = {{"zh", "普通话"}};
    return config;
  }
  static agents::new_account lawyer(const std::string& name) {
    agents::new_account a;
    a.profile.username = name;
    a.profile.display_name = "张律师";
    a.profile.role = v1::LAWYER_ROLE;
    a.profile.categories = {"consult.marriage", "consult.labour"};
    a.profile.languages = {"zh"};
    a.password = "long enough password";
    return a;
  }
  void run(asio::awaitable<void> body) { test::run_async(io, std::move(body), 60s); }

  core::config config;
  asio::io_context io;
  core::redis_client redis;
  agents::accounts accounts;
};

}  // namespace

TEST_F(Accounts, CreateLoginAuthenticateLogout) {
  run([this]() -> asio::awaitable<void> {
    auto created = co_await accounts.create(lawyer("zhang"));
    ASSERT_TRUE(created) << created.error().message();
    EXPECT_EQ(created->skills(), (std::vector<std::string>{"consult.marriage:zh", "consult.labour:zh"}));
    auto again = co_await accounts.create(lawyer("zhang"));
    EXPECT_EQ(again.error(), agents::errc::account_exists);

    auto login = co_await accounts.login("zhang", "long enough password");
    ASSERT_TRUE(login) << login.error().message();
    EXPECT_EQ(login->token.size(), 64u) << "256 random bits, hex";
    EXPECT_GT(login->expires_at_ms, 0);
    auto who = co_await accounts.authenticate(login->token);
    ASSERT_TRUE(who);
    EXPECT_EQ(who->username, "zhang");
    EXPECT_EQ(who->role, v1::LAWYER_ROLE);

    // Only the token's digest is stored.
    const std::vector<std::string> keys{"KEYS", "{" + config.centre.id + "}:token:*"};
    auto stored = co_await redis.exec(keys);
    ASSERT_EQ(stored->elements.size(), 1u);
    EXPECT_EQ(stored->elements[0].text.find(login->token), std::string::npos);

    ASSERT_TRUE(co_await accounts.logout(login->token));
    EXPECT_EQ((co_await accounts.authenticate(login->token)).error(), agents::errc::not_authenticated);
  }());
}

TEST_F(Accounts, WrongPasswordsAndUnknownUsersLookTheSame) {
  run([this]() -> asio::awaitable<void> {
    ASSERT_TRUE(co_await accounts.create(lawyer("liwei")));
    EXPECT_EQ((co_await accounts.login("liwei", "wrong password!")).error(), agents::errc::invalid_credentials);
    EXPECT_EQ((co_await accounts.login("nobody", "long enough password")).error(), agents::errc::invalid_credentials);
    EXPECT_EQ((co_await accounts.authenticate("short")).error(), agents::errc::not_authenticated);
    EXPECT_EQ((co_await accounts.authenticate(std::string(64, 'a'))).error(), agents::errc::not_authenticated);
  }());
}

TEST_F(Accounts, ADisabledAccountIsRefusedAtOnce) {
  run([this]() -> asio::awaitable<void> {
    ASSERT_TRUE(co_await accounts.create(lawyer("wang")));
    auto login = co_await accounts.login("wang", "long enough password");
    ASSERT_TRUE(login);
    auto pass = co_await accounts.issue_socket_pass(login->who);
    ASSERT_TRUE(co_await accounts.set_disabled("wang", true));
    // Disabling revokes: the token and the unused pass are gone, not merely refused.
    EXPECT_EQ((co_await accounts.authenticate(login->token)).error(), agents::errc::not_authenticated);
    EXPECT_EQ((co_await accounts.redeem_socket_pass(pass->pass)).error(), agents::errc::not_authenticated);
    EXPECT_EQ((co_await accounts.login("wang", "long enough password")).error(), agents::errc::account_disabled);
    ASSERT_TRUE(co_await accounts.set_disabled("wang", false));
    EXPECT_EQ((co_await accounts.authenticate(login->token)).error(), agents::errc::not_authenticated)
        << "enabling again does not bring a revoked token back";
    auto again = co_await accounts.login("wang", "long enough password");
    ASSERT_TRUE(again);
    EXPECT_TRUE(co_await accounts.authenticate(again->token));
  }());
}

TEST_F(Accounts, ASocketPassOpensOnceAndLogoutEndsOnlyItsOwnToken) {
  run([this]() -> asio::awaitable<void> {
    ASSERT_TRUE(co_await accounts.create(lawyer("zhao")));
    auto phone = co_await accounts.login("zhao", "long enough password");
    auto desk = co_await accounts.login("zhao", "long enough password");
    ASSERT_TRUE(phone && desk);
    auto pass = co_await accounts.issue_socket_pass(desk->who);
    ASSERT_TRUE(pass);
    EXPECT_EQ(pass->pass.size(), 64u);
    auto redeemed = co_await accounts.redeem_socket_pass(pass->pass);
    ASSERT_TRUE(redeemed);
    EXPECT_EQ(redeemed->username, "zhao");
    EXPECT_EQ((co_await accounts.redeem_socket_pass(pass->pass)).error(), agents::errc::not_authenticated)
        << "a pass is used up";
    EXPECT_EQ((co_await accounts.redeem_socket_pass(desk->token)).error(), agents::errc::not_authenticated)
        << "a token is not a pass";
    ASSERT_TRUE(co_await accounts.logout(phone->token));
    EXPECT_FALSE(co_await accounts.authenticate(phone->token));
    EXPECT_TRUE(co_await accounts.authenticate(desk->token));
    auto revoked = co_await accounts.revoke_all("zhao");
    ASSERT_TRUE(revoked);
    EXPECT_EQ(*revoked, 1) << "the desk's token (the logged-out one and the used pass are gone already)";
    EXPECT_FALSE(co_await accounts.authenticate(desk->token));
  }());
}

TEST_F(Accounts, BadInputIsRefused) {
  run([this]() -> asio::awaitable<void> {
    auto bad_name = lawyer("a b");
    EXPECT_EQ((co_await accounts.create(bad_name)).error(), agents::errc::bad_username);
    auto weak = lawyer("weakling");
    weak.password = "short";
    EXPECT_EQ((co_await accounts.create(weak)).error(), agents::errc::weak_password);
    auto skill = lawyer("skilled");
    skill.profile.categories = {"consult.tax"};
    EXPECT_EQ((co_await accounts.create(skill)).error(), agents::errc::unknown_skill);
    ASSERT_TRUE(co_await accounts.create(lawyer("zhao")));
    const std::vector<std::string> categories{"consult.labour"}, languages{"zh"};
    agents::account skills;
    skills.categories = categories;
    skills.backup_categories = {"consult.marriage"};
    skills.languages = languages;
    skills.chat_capacity = 2;
    ASSERT_TRUE(co_await accounts.set_skills("zhao", skills));
    auto found = co_await accounts.find("zhao");
    EXPECT_EQ(found->categories, categories);
    EXPECT_EQ(found->chat_capacity, 2);
    EXPECT_EQ(found->backup_skills(), std::vector<std::string>{"consult.marriage:zh"});
    auto bad_capacity = skills;
    bad_capacity.chat_capacity = 0;
    EXPECT_EQ((co_await accounts.set_skills("zhao", bad_capacity)).error(), agents::errc::bad_capacity);
    EXPECT_EQ((co_await accounts.set_skills("nobody", skills)).error(),
              agents::errc::account_not_found);
    auto all = co_await accounts.list();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 1u);
  }());
}
