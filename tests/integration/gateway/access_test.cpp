// Access that ends when it should: staff WebSockets open only with a single-use pass (never a
// token in the URL), and logout, disabling, a role or password change end what they should, on
// every io thread, with the real `hotline admin` command.
#include "cli_run.hpp"
#include "gateway_fixture.hpp"

using namespace hotline;
using namespace hotline::test;

namespace {

class Access : public Gateway {
 protected:
  /// `hotline admin <verb>` against this test's Redis and centre.
  std::pair<int, std::string> admin(const std::string& verb) { return admin_like("admin " + verb); }

  /// `hotline <command>` with this test's centre, catalog and Redis.
  std::pair<int, std::string> admin_like(const std::string& command) {
    const auto toml = web_root / "admin.toml";
    std::ofstream(toml) << "[centre]\nid = \"" << config.centre.id
                        << "\"\n[routing]\ncategories = [ { code = \"consult.marriage\", name = \"婚姻家庭\" },"
                           " { code = \"consult.labour\", name = \"劳动争议\" } ]\n"
                           "languages = [ { code = \"zh\", name = \"普通话\" } ]\n";
    return hotline_cli(HOTLINE_BIN, command + " --config " + toml.string() + " --redis " + shared_redis().address());
  }

  /// Whether `token` still opens anything (a socket pass).
  asio::awaitable<unsigned> pass_status(const std::string& token) {
    co_return (co_await request(http::verb::post, "/api/v1/auth/socket-pass", "", token)).status;
  }

  /// Reads until the gateway's NOT_AUTHENTICATED error and the close after it; how long that took.
  asio::awaitable<std::chrono::steady_clock::duration> expect_shut_out(ws_client& ws) {
    const auto began = std::chrono::steady_clock::now();
    auto error = co_await ws.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(error.error().code(), v1::NOT_AUTHENTICATED) << error.ShortDebugString();
    EXPECT_EQ(co_await ws.read(), "") << "the socket is closed after the error";
    co_return std::chrono::steady_clock::now() - began;
  }
};

}  // namespace

TEST_F(Access, StaffSocketsOpenOnlyWithASingleUsePassNeverATokenInTheUrl) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto token = co_await login("lawyer1");

    ws_client with_token(ex);
    ASSERT_FALSE(co_await with_token.connect(port, "/ws/agent?token=" + token));
    co_await expect_shut_out(with_token);

    const auto path = co_await with_pass("/ws/agent?", token);
    ws_client first(ex), again(ex);
    ASSERT_FALSE(co_await first.connect(port, path));
    auto state = co_await first.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_agent_state() || f.has_error(); });
    EXPECT_TRUE(state.has_agent_state()) << state.ShortDebugString();
    ASSERT_FALSE(co_await again.connect(port, path));
    co_await expect_shut_out(again);

    EXPECT_EQ(co_await pass_status(""), 401u);
    EXPECT_EQ(co_await pass_status("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), 401u);
    auto wrong_method = co_await request(http::verb::get, "/api/v1/auth/socket-pass", "", token);
    EXPECT_EQ(wrong_method.status, 405u);
  }());
}

TEST_F(Access, DisablingALawyerClosesTheirConsoleAtOnceAndReturnsTheRingingOffer) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client caller(ex), lawyer(ex), board(ex);
    const auto started = co_await start_session(caller, "consult.marriage");
    const auto token = co_await login("lawyer1");
    ASSERT_FALSE(co_await lawyer.connect(port, co_await with_pass("/ws/agent?", token)));
    co_await lawyer.send(R"({"setStatus":{"status":"AVAILABLE"}})");
    co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_offer(); });
    // Another account's connection is not touched.
    ASSERT_FALSE(co_await board.connect(port, co_await with_pass("/ws/wallboard?", co_await login("boss"))));
    co_await board.read_until<v1::WallboardServerFrame>([](auto& f) { return f.has_wallboard(); });

    auto [status, output] = admin("disable --username lawyer1");
    EXPECT_EQ(status, 0) << output;
    EXPECT_NE(output.find("lawyer1 disabled; signed out everywhere"), std::string::npos) << output;
    const auto took = co_await expect_shut_out(lawyer);
    EXPECT_LT(took, std::chrono::seconds(1)) << "the console closes within a second";

    auto session = co_await engine.session(started.session_id());
    ASSERT_TRUE(session);
    EXPECT_EQ(session->state, v1::QUEUED) << "the ringing offer went back to the queue";
    auto routed = co_await engine.agent("lawyer1");
    ASSERT_TRUE(routed);
    EXPECT_EQ(routed->status, v1::OFFLINE);
    EXPECT_EQ(routed->status_reason, "access_ended");
    EXPECT_EQ(co_await pass_status(token), 401u) << "the token is gone";
    auto relogin = co_await request(http::verb::post, "/api/v1/auth/login",
                                    R"({"username":"lawyer1","password":"password-lawyer1"})");
    EXPECT_EQ(relogin.status, 403u) << relogin.body;

    auto still = co_await board.read_until<v1::WallboardServerFrame>([](auto& f) { return f.has_wallboard(); });
    EXPECT_TRUE(still.has_wallboard()) << "the supervisor's wallboard stays open";
  }());
}

TEST_F(Access, LogoutEndsOneTokenAndARoleOrPasswordChangeEndsThemAll) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto laptop = co_await login("lawyer1");
    const auto desk = co_await login("lawyer1");
    auto out = co_await request(http::verb::post, "/api/v1/auth/logout", "", laptop);
    EXPECT_EQ(out.status, 200u);
    EXPECT_EQ(co_await pass_status(laptop), 401u) << "logout deletes the token";
    EXPECT_EQ(co_await pass_status(desk), 200u) << "the other device's token is another";

    ws_client console(ex);
    ASSERT_FALSE(co_await console.connect(port, co_await with_pass("/ws/agent?", desk)));
    co_await console.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_agent_state(); });
    auto [status, output] = admin("set-role --username lawyer1 --role SUPERVISOR");
    EXPECT_EQ(status, 0) << output;
    co_await expect_shut_out(console);
    EXPECT_EQ(co_await pass_status(desk), 401u);

    const auto again = co_await login("lawyer1");
    auto changed = admin("set-password --username lawyer1 --password a-new-password-1");
    EXPECT_EQ(changed.first, 0) << changed.second;
    EXPECT_EQ(co_await pass_status(again), 401u) << "a new password ends the old tokens";
    auto old_password = co_await request(http::verb::post, "/api/v1/auth/login",
                                         R"({"username":"lawyer1","password":"password-lawyer1"})");
    EXPECT_EQ(old_password.status, 401u);
    auto new_password = co_await request(http::verb::post, "/api/v1/auth/login",
                                         R"({"username":"lawyer1","password":"a-new-password-1"})");
    EXPECT_EQ(new_password.status, 200u) << new_password.body;
  }());
}

TEST_F(Access, PagesCarryTheBrowserHardeningAndMetricsAskForTheirToken) {
  run([this]() -> asio::awaitable<void> {
    auto page = co_await request(http::verb::get, "/chat.html");
    EXPECT_EQ(page.status, 200u);
    const std::string csp(page.headers["Content-Security-Policy"]);
    for (const char* part : {"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"})
      EXPECT_NE(csp.find(part), std::string::npos) << part << " in " << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(page.headers["Referrer-Policy"], "no-referrer");
    EXPECT_EQ(page.headers["X-Frame-Options"], "DENY");
    auto api = co_await request(http::verb::get, "/api/v1/catalog");
    EXPECT_EQ(api.headers["Referrer-Policy"], "no-referrer") << "on every response";

    // Without a configured token only loopback clients (this test) are answered; with one, it is required.
    EXPECT_EQ((co_await request(http::verb::get, "/metrics")).status, 200u);
    config.server.metrics_token = "metrics-secret-0123";
    auto refused = co_await request(http::verb::get, "/metrics");
    EXPECT_EQ(refused.status, 403u);
    EXPECT_NE(refused.body.find("FORBIDDEN"), std::string::npos) << refused.body;
    EXPECT_EQ((co_await request(http::verb::get, "/metrics", "", "wrong-token")).status, 403u);
    auto scraped = co_await request(http::verb::get, "/metrics", "", "metrics-secret-0123");
    EXPECT_EQ(scraped.status, 200u);
    EXPECT_NE(scraped.body.find("hotline_build_info"), std::string::npos);
  }());
}

TEST_F(Access, FilesTheSystemWritesAreItsOwn) {
  // The rendered Kamailio config holds the CTI secret: nobody else on the machine may read it.
  const auto out = web_root / "phone";
  auto [status, output] = admin_like("phone-config --out " + out.string());
  ASSERT_EQ(status, 0) << output;
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(out)) {
    const auto perms = entry.status().permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << entry.path() << " is readable by others";
    ++checked;
  }
  EXPECT_GE(checked, 2u) << output;
}

TEST_F(Access, PasswordGuessingIsLockedPerUsernameAndPerAddressWithoutLockingOthersOut) {
  run([this]() -> asio::awaitable<void> {
    // A coroutine of its own, so that the strings live as long as the request.
    auto attempt = [this](std::string user, std::string password, std::string from) -> asio::awaitable<http_reply> {
      co_return co_await request(http::verb::post, "/api/v1/auth/login",
                                 R"({"username":")" + user + R"(","password":")" + password + R"("})", "", from);
    };
    // One username under attack: five failures lock it, whoever asks and with whatever password.
    for (int i = 0; i < 5; ++i) EXPECT_EQ((co_await attempt("lawyer1", "guess-" + std::to_string(i), "127.0.0.2")).status, 401u);
    auto locked = co_await attempt("lawyer1", "password-lawyer1", "127.0.0.3");
    EXPECT_EQ(locked.status, 429u) << locked.body;
    EXPECT_NE(locked.body.find("RATE_LIMITED"), std::string::npos) << locked.body;
    EXPECT_GE(std::stoi(std::string(locked.headers[http::field::retry_after])), 1);
    // Another lawyer, from the attacker's address too (under the address's own limit), gets in.
    EXPECT_EQ((co_await attempt("boss", "password-boss", "127.0.0.2")).status, 200u);

    // One address trying many usernames: twenty failures lock the address, not the accounts.
    for (int i = 0; i < 20; ++i) EXPECT_EQ((co_await attempt("nobody" + std::to_string(i), "x", "127.0.0.4")).status, 401u);
    EXPECT_EQ((co_await attempt("boss", "password-boss", "127.0.0.4")).status, 429u);
    EXPECT_EQ((co_await attempt("boss", "password-boss", "127.0.0.5")).status, 200u);

    auto metrics = (co_await request(http::verb::get, "/metrics")).body;
    EXPECT_NE(metrics.find("hotline_logins_failed_total 25"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("hotline_logins_throttled_total 2"), std::string::npos) << metrics;
  }());
}

TEST_F(Access, LoginsBeyondTheHashingQueueAreRefusedAtOnceNotQueued) {
  run([this]() -> asio::awaitable<void> {
    config.accounts.max_pending_logins = 1;
    auto ex = co_await asio::this_coro::executor;
    std::vector<unsigned> statuses;
    std::vector<std::string> retry_afters;
    for (int i = 0; i < 6; ++i)
      asio::co_spawn(
          ex,
          [&, i]() -> asio::awaitable<void> {
            auto reply = co_await request(http::verb::post, "/api/v1/auth/login",
                                          R"({"username":"boss","password":"password-boss"})", "",
                                          "127.0.1." + std::to_string(i + 1));
            statuses.push_back(reply.status);
            if (reply.status == 503u) retry_afters.emplace_back(reply.headers[http::field::retry_after]);
          },
          asio::detached);
    for (int i = 0; i < 1000 && statuses.size() < 6; ++i) co_await test::sleep_for(10ms);
    ASSERT_EQ(statuses.size(), 6u);
    EXPECT_GE(std::count(statuses.begin(), statuses.end(), 200u), 1);
    EXPECT_GE(std::count(statuses.begin(), statuses.end(), 503u), 1) << "BUSY, not an unbounded wait";
    for (const auto& after : retry_afters) EXPECT_EQ(after, "1");
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200u) + std::count(statuses.begin(), statuses.end(), 503u), 6);
  }());
}
