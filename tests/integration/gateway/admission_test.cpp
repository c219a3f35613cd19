// Open to every citizen, closed to floods: one address cannot take the sockets, the starts or the
// queue places others need, and lawyers get in with every anonymous slot taken. Clients come from
// different addresses of 127.0.0.0/8.
#include "gateway_fixture.hpp"

using namespace hotline;
using namespace hotline::test;

namespace {

class Admission : public Gateway {
 protected:
  Admission()
      : Gateway([](core::config& c) {
          c.admission.caller_sockets_per_source = 4;
          c.admission.starts_per_source_per_minute = 3;
          c.admission.waiting_per_source = 2;
          c.admission.max_connections = 40;
          c.admission.staff_reserve = 30;  // ten anonymous sockets on this node
        }) {}

  /// Starts a session on `caller`; the reply frame (a session, or an error).
  asio::awaitable<v1::CallerServerFrame> try_start(ws_client& caller, const std::string& rid) {
    co_await caller.send(R"({"requestId":")" + rid + R"(","start":{"category":"consult.labour","language":"zh"}})");
    co_return co_await caller.read_until<v1::CallerServerFrame>([&](auto& f) { return f.request_id() == rid; });
  }

  /// `count` caller sockets, the i-th from `source(i)`; each must open.
  asio::awaitable<std::vector<std::unique_ptr<ws_client>>> open_callers(int count,
                                                                     std::function<std::string(int)> source) {
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::unique_ptr<ws_client>> callers;
    for (int i = 0; i < count; ++i) {
      callers.push_back(std::make_unique<ws_client>(ex));
      EXPECT_FALSE(co_await callers.back()->connect(port, "/ws/caller", "", source(i))) << source(i);
    }
    co_return callers;
  }

  asio::awaitable<std::int64_t> offered_today() {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto counters =
        co_await engine.day_counters(core::day_string(core::local_day_number(now_ms, config.centre.utc_offset_minutes)));
    std::int64_t offered = 0;
    if (counters)
      for (const auto& [key, value] : *counters)
        if (key.starts_with("offered|")) offered += value;
    co_return offered;
  }
};

bool refused_upgrade(const beast::error_code& ec) { return ec == beast::websocket::error::upgrade_declined; }

}  // namespace

TEST_F(Admission, AFloodFromOneAddressIsRefusedWhileAnotherAddressStartsFine) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto flood = co_await open_callers(4, [](int) { return std::string("127.0.0.2"); });
    ws_client fifth(ex);
    EXPECT_TRUE(refused_upgrade(co_await fifth.connect(port, "/ws/caller", "", "127.0.0.2")))
        << "a fifth socket from one address";

    // Two may wait at once; a third start waits for one of them to end.
    EXPECT_TRUE((co_await try_start(*flood[0], "s0")).has_session());
    auto second = co_await try_start(*flood[1], "s1");
    ASSERT_TRUE(second.has_session());
    auto third = co_await try_start(*flood[2], "s2");
    ASSERT_TRUE(third.has_error());
    EXPECT_EQ(third.error().code(), v1::RATE_LIMITED);
    EXPECT_EQ(third.error().retry_after_seconds(), 60);
    EXPECT_EQ(co_await offered_today(), 2) << "a refused start wrote nothing";

    // Someone else, from another address, is not affected.
    ws_client neighbour(ex);
    EXPECT_FALSE(co_await neighbour.connect(port, "/ws/caller", "", "127.0.0.3"));
    EXPECT_TRUE((co_await try_start(neighbour, "n0")).has_session());

    // Three starts a minute: ending a session frees a waiting place, not another start.
    co_await flood[1]->send(R"({"requestId":"e1","end":{}})");
    co_await flood[1]->read_until<v1::CallerServerFrame>([](auto& f) { return f.request_id() == "e1"; });
    EXPECT_TRUE((co_await try_start(*flood[2], "s2b")).has_session());
    co_await flood[2]->send(R"({"requestId":"e2","end":{}})");
    co_await flood[2]->read_until<v1::CallerServerFrame>([](auto& f) { return f.request_id() == "e2"; });
    auto fourth = co_await try_start(*flood[3], "s3");
    ASSERT_TRUE(fourth.has_error());
    EXPECT_EQ(fourth.error().code(), v1::RATE_LIMITED);
    EXPECT_EQ(co_await offered_today(), 4);

    // A closed socket gives its place back at once.
    flood.pop_back();
    co_await test::sleep_for(200ms);
    ws_client again(ex);
    EXPECT_FALSE(co_await again.connect(port, "/ws/caller", "", "127.0.0.2"));

    auto metrics = (co_await request(http::verb::get, "/metrics")).body;
    EXPECT_NE(metrics.find("hotline_callers_refused_total 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("hotline_starts_rate_limited_total 2"), std::string::npos) << metrics;
  }());
}

TEST_F(Admission, LawyersGetInWithEveryAnonymousSocketTaken) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto callers = co_await open_callers(10, [](int i) { return "127.0.1." + std::to_string(i + 1); });
    ws_client one_more(ex);
    EXPECT_TRUE(refused_upgrade(co_await one_more.connect(port, "/ws/caller", "", "127.0.2.1")))
        << "the anonymous share is full";
    ws_client lawyer(ex);
    ASSERT_FALSE(co_await lawyer.connect(port, co_await console_of("lawyer1")));
    auto state = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_agent_state(); });
    EXPECT_EQ(state.agent_state().agent_id(), "lawyer1");
    EXPECT_EQ((co_await request(http::verb::get, "/api/v1/catalog")).status, 200u);
  }());
}
