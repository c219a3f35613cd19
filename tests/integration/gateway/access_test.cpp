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
  std::pair<int, std::string> admin(const std::string& verb) {
    const auto toml = web_root / "admin.toml";
    std::ofstream(toml) << "[centre]\nid = \"" << config.centre.id
                        << "\"\n[routing]\ncategories = [ { code = \"consult.marriage\", name = \"婚姻家庭\" },"
                           " { code = \"consult.labour\", name = \"劳动争议\" } ]\n"
                           "languages = [ { code = \"zh\", name = \"普通话\" } ]\n";
    return hotline_cli(HOTLINE_BIN,
                       "admin " + verb + " --config " + toml.string() + " --redis " + shared_redis().address());
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
