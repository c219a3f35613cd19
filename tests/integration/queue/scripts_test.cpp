// Every queue script against a real redis-server: the lifecycle, offers and their timeouts,
// concurrent accepts, abandonment, idempotent retries, and the day counters.
#include "queue_fixture.hpp"

#include <hotline/queue/lifecycle.hpp>
#include <hotline/stats/summary.hpp>

using namespace hotline;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

class QueueScripts : public test::queue_fixture {};

}  // namespace

TEST_F(QueueScripts, CallersSeeTheirPlaceInLine) {
  run([this]() -> asio::awaitable<void> {
    for (const char* id : {"a", "b", "c"}) {
      auto s = co_await engine.start(caller(id), "");
      ASSERT_TRUE(s) << s.error().message();
      EXPECT_EQ(s->state, v1::QUEUED);
    }
    EXPECT_EQ((co_await session("a")).position, 1);
    EXPECT_EQ((co_await session("c")).position, 3);
    auto left = co_await engine.end_by_caller("a", "");
    ASSERT_TRUE(left);
    EXPECT_EQ(*left, v1::ABANDONED);
    EXPECT_EQ((co_await session("b")).position, 1);
    EXPECT_EQ((co_await session("c")).position, 2);
    auto unknown = co_await engine.start(caller("d", "consult.tax"), "");
    EXPECT_EQ(unknown.error(), queue::errc::unknown_category);
    auto exists = co_await engine.start(caller("b"), "");
    EXPECT_EQ(exists.error(), queue::errc::session_exists);
  }());
}

TEST_F(QueueScripts, OffersGoOnlyToLawyersWithTheSkill) {
  run([this]() -> asio::awaitable<void> {
    auto ok = co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ((co_await engine.start(caller("labour", "consult.labour"), ""))->state, v1::QUEUED);
    EXPECT_EQ((co_await engine.start(caller("english", "consult.marriage", "en"), ""))->state, v1::QUEUED);
    auto match = co_await engine.start(caller("match"), "");
    ASSERT_TRUE(match);
    EXPECT_EQ(match->state, v1::OFFERED);
    EXPECT_EQ(match->offered_to, "l1");
    auto agent = co_await engine.agent("l1");
    ASSERT_TRUE(agent);
    ASSERT_TRUE(agent->offer);
    EXPECT_EQ(agent->offer->id, "match");
  }());
}

TEST_F(QueueScripts, AWaitingCallerIsOfferedWhenALawyerBecomesAvailable) {
  run([this]() -> asio::awaitable<void> {
    co_await engine.start(caller("early"), "");
    EXPECT_EQ((co_await session("early")).state, v1::QUEUED);
    auto ok = co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    ASSERT_TRUE(ok);
    auto s = co_await session("early");
    EXPECT_EQ(s.state, v1::OFFERED);
    EXPECT_EQ(s.offered_to, "l1");
    EXPECT_GT(s.offer_expires_ms, s.enqueued_ms);
  }());
}

TEST_F(QueueScripts, OfTwoConcurrentAcceptsExactlyOneWins) {
  // A second client stands for a second gateway process on the same Redis.
  core::redis_client other_redis(io.get_executor(), options(), queue::engine::scripts());
  other_redis.start();
  queue::engine other(other_redis, config);
  run([&]() -> asio::awaitable<void> {
    co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    auto s = co_await engine.start(caller("race"), "");
    ASSERT_EQ(s->state, v1::OFFERED);
    const std::string offer = s->offer_id;
    int done = 0, wins = 0, gone = 0;
    auto attempt = [&](queue::engine& e) -> asio::awaitable<void> {
      auto r = co_await e.accept("l1", offer, "");
      if (r)
        ++wins;
      else if (r.error() == queue::errc::offer_gone)
        ++gone;
      ++done;
    };
    auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, attempt(engine), asio::detached);
    asio::co_spawn(ex, attempt(other), asio::detached);
    while (done < 2) co_await test::sleep_for(5ms);
    EXPECT_EQ(wins, 1);
    EXPECT_EQ(gone, 1);
    EXPECT_EQ((co_await session("race")).state, v1::CONNECTED);
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["answered|CHAT|consult.marriage"], 1);
    auto agent = co_await engine.agent("l1");
    EXPECT_EQ(agent->load, 1);
  }());
  other_redis.stop();
}

TEST_F(QueueScripts, ARingTimeoutPutsTheSessionBackAtItsOriginalPlace) {
  run([this]() -> asio::awaitable<void> {
    co_await engine.start(caller("first"), "");
    co_await engine.start(caller("second"), "");
    co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    EXPECT_EQ((co_await session("first")).state, v1::OFFERED);
    EXPECT_EQ((co_await session("second")).position, 1);

    auto back = co_await sweep_until_not("first", v1::OFFERED);
    EXPECT_EQ(back.state, v1::QUEUED);
    EXPECT_EQ(back.position, 1) << "ahead of the caller who came later";
    // The lawyer who let it ring is skipped for it for a while, so the next caller is offered.
    EXPECT_EQ((co_await session("second")).state, v1::OFFERED);
    auto agent = co_await engine.agent("l1");
    EXPECT_EQ(agent->misses, 1);
  }());
}

TEST_F(QueueScripts, ADeclineKeepsThePlaceAndGoesToAnotherLawyer) {
  run([this]() -> asio::awaitable<void> {
    co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    auto s = co_await engine.start(caller("x"), "");
    ASSERT_EQ(s->offered_to, "l1");
    co_await engine.start(caller("y", "consult.labour"), "");
    auto declined = co_await engine.decline("l1", s->offer_id, "");
    ASSERT_TRUE(declined) << declined.error().message();
    auto again = co_await session("x");
    EXPECT_EQ(again.state, v1::QUEUED);
    EXPECT_EQ(again.position, 1);
    co_await engine.set_status(lawyer("l2"), v1::AVAILABLE, "");
    auto offered = co_await session("x");
    EXPECT_EQ(offered.state, v1::OFFERED);
    EXPECT_EQ(offered.offered_to, "l2");
    auto stale = co_await engine.accept("l1", s->offer_id, "");
    EXPECT_EQ(stale.error(), queue::errc::offer_gone);
  }());
}

TEST_F(QueueScripts, TheWholeLifecycleCountsOnceAndBalances) {
  run([this]() -> asio::awaitable<void> {
    co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    auto s = co_await engine.start(caller("full"), "");
    ASSERT_TRUE(s);
    ASSERT_TRUE(co_await engine.accept("l1", s->offer_id, ""));
    auto hello = co_await engine.post_chat("full", v1::CALLER, "", "", "您好，我想咨询离婚财产分割", "");
    ASSERT_TRUE(hello);
    auto reply = co_await engine.post_chat("full", v1::LAWYER, "l1", "律师l1", "您好，请讲", "");
    ASSERT_TRUE(reply);
    auto intruder = co_await engine.post_chat("full", v1::LAWYER, "l9", "x", "hi", "");
    EXPECT_EQ(intruder.error(), queue::errc::forbidden);
    auto early_rating = co_await engine.rate("full", v1::SATISFIED, "");
    EXPECT_EQ(early_rating.error(), queue::errc::invalid_state);

    ASSERT_TRUE(co_await engine.end_by_lawyer("l1", "full", ""));
    EXPECT_EQ((co_await session("full")).state, v1::WRAP_UP);
    ASSERT_TRUE(co_await engine.rate("full", v1::SATISFIED, ""));
    EXPECT_EQ((co_await engine.rate("full", v1::DISSATISFIED, "")).error(), queue::errc::already_rated);
    queue::work_order order{"full", v1::CONSULTATION, "consult.marriage", v1::RESOLVED, "解释了共同财产的分割规则"};
    ASSERT_TRUE(co_await engine.wrap_up("l1", order, ""));
    auto closed = co_await session("full");
    EXPECT_EQ(closed.state, v1::CLOSED);
    EXPECT_EQ(closed.rating, v1::SATISFIED);
    EXPECT_EQ((co_await engine.agent("l1"))->load, 0);

    auto chats = co_await engine.chat_after("full", "");
    ASSERT_TRUE(chats);
    ASSERT_EQ(chats->size(), 2u);
    EXPECT_EQ((*chats)[0].from, v1::CALLER);
    EXPECT_EQ((*chats)[1].text, "您好，请讲");
    auto after_first = co_await engine.chat_after("full", (*chats)[0].id);
    ASSERT_EQ(after_first->size(), 1u);
    EXPECT_EQ((*after_first)[0].id, reply->id);

    auto counters = co_await today_counters();
    EXPECT_EQ(counters["offered|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["answered|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["waiting|CHAT|consult.marriage"], 0);
    EXPECT_EQ(counters["rated|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["satisfied|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["handled|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["answered_in_sl|CHAT|consult.marriage"], 1);

    // Every transition in the audit stream is one the lifecycle allows.
    const std::vector<std::string> xrange{"XRANGE", "{" + config.centre.id + "}:events", "-", "+"};
    auto events = co_await redis.exec(xrange);
    ASSERT_TRUE(events);
    const std::map<std::string, v1::SessionState> reached{
        {"queued", v1::QUEUED}, {"offered", v1::OFFERED}, {"answered", v1::CONNECTED}, {"ended", v1::WRAP_UP},
        {"closed", v1::CLOSED}, {"requeued", v1::QUEUED}, {"abandoned", v1::ABANDONED}};
    v1::SessionState state = v1::SESSION_STATE_UNSPECIFIED;
    int transitions = 0;
    for (const auto& e : events->elements) {
      if (e.at(1).field("session").text != "full") continue;
      auto next = reached.find(e.at(1).field("type").text);
      if (next == reached.end()) continue;
      EXPECT_TRUE(queue::can_transition(state, next->second))
          << v1::SessionState_Name(state) << " → " << v1::SessionState_Name(next->second);
      state = next->second;
      ++transitions;
    }
    EXPECT_EQ(transitions, 5);
    EXPECT_EQ(state, v1::CLOSED);
  }());
}

TEST_F(QueueScripts, LeavingWhileWaitingIsAnAbandonCountedApartWhenShort) {
  run([this]() -> asio::awaitable<void> {
    co_await engine.start(caller("quick"), "");
    ASSERT_TRUE(co_await engine.end_by_caller("quick", ""));
    EXPECT_EQ((co_await session("quick")).state, v1::ABANDONED);
    EXPECT_EQ((co_await engine.end_by_caller("quick", "")).error(), queue::errc::invalid_state);
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["abandoned|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["short_abandoned|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["waiting|CHAT|consult.marriage"], 0);
  }());
}

TEST_F(QueueScripts, ADroppedCallerKeepsTheirPlaceForTheGracePeriodOnly) {
  // The abandon is dated at the drop: with a 1 s short-abandon threshold and a 1 s grace, a caller who
  // dropped at once is a short abandon, which they would not be if the grace counted as waiting.
  config.stats.short_abandon_seconds = 1;
  queue::engine engine(redis, config);
  run([&]() -> asio::awaitable<void> {
    co_await engine.start(caller("back"), "");
    co_await engine.start(caller("gone"), "");
    ASSERT_TRUE(co_await engine.caller_connection("back", false, ""));
    ASSERT_TRUE(co_await engine.caller_connection("gone", false, ""));
    co_await test::sleep_for(300ms);
    ASSERT_TRUE(co_await engine.caller_connection("back", true, ""));
    std::optional<queue::session_view> gone;
    for (int i = 0; i < 40 && (!gone || gone->state == v1::QUEUED); ++i) {
      co_await engine.sweep();
      gone = *co_await engine.session("gone");
      co_await test::sleep_for(100ms);
    }
    EXPECT_EQ(gone->state, v1::ABANDONED);
    auto back = *co_await engine.session("back");
    EXPECT_EQ(back.state, v1::QUEUED);
    EXPECT_EQ(back.position, 1);
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["abandoned|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["short_abandoned|CHAT|consult.marriage"], 1);
    EXPECT_LT(counters["longest_wait_ms|CHAT|consult.marriage"], 1000);
  }());
}

TEST_F(QueueScripts, ALawyerIsSignedOutOnlyWhenTheirLastConnectionStaysClosed) {
  run([this]() -> asio::awaitable<void> {
    // Two console tabs, the first opened before the lawyer ever set a status.
    ASSERT_TRUE(co_await engine.agent_connection("l1", true));
    ASSERT_TRUE(co_await engine.agent_connection("l1", true));
    ASSERT_TRUE(co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, ""));
    ASSERT_TRUE(co_await engine.agent_connection("l1", false));
    co_await test::sleep_for(1200ms);
    co_await engine.sweep();
    EXPECT_EQ((co_await engine.agent("l1"))->status, v1::AVAILABLE) << "one tab is still open";
    ASSERT_TRUE(co_await engine.agent_connection("l1", false));
    for (int i = 0; i < 40 && (co_await engine.agent("l1"))->status != v1::OFFLINE; ++i) {
      co_await engine.sweep();
      co_await test::sleep_for(100ms);
    }
    auto gone = co_await engine.agent("l1");
    EXPECT_EQ(gone->status, v1::OFFLINE);
    EXPECT_EQ(gone->status_reason, "disconnected");
    // An offer is not made to a lawyer who has gone.
    EXPECT_EQ((co_await engine.start(caller("after"), ""))->state, v1::QUEUED);
  }());
}

TEST_F(QueueScripts, AnUnfiledWorkOrderIsClosedAfterTheWrapUpTime) {
  run([this]() -> asio::awaitable<void> {
    co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    auto s = co_await engine.start(caller("w"), "");
    ASSERT_TRUE(co_await engine.accept("l1", s->offer_id, ""));
    ASSERT_TRUE(co_await engine.end_by_caller("w", ""));
    auto closed = co_await sweep_until_not("w", v1::WRAP_UP);
    EXPECT_EQ(closed.state, v1::CLOSED);
    EXPECT_EQ((co_await engine.agent("l1"))->load, 0) << "capacity is freed";
  }());
}

TEST_F(QueueScripts, ARetriedRequestReplaysInsteadOfCountingTwice) {
  run([this]() -> asio::awaitable<void> {
    co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    auto s = co_await engine.start(caller("once"), "");
    ASSERT_TRUE(co_await engine.accept("l1", s->offer_id, "req-accept"));
    ASSERT_TRUE(co_await engine.accept("l1", s->offer_id, "req-accept")) << "the replay succeeds like the first";
    auto first = co_await engine.post_chat("once", v1::CALLER, "", "", "同一条消息", "req-chat");
    auto second = co_await engine.post_chat("once", v1::CALLER, "", "", "同一条消息", "req-chat");
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->id, second->id);
    EXPECT_EQ((co_await engine.chat_after("once", ""))->size(), 1u);
    ASSERT_TRUE(co_await engine.end_by_lawyer("l1", "once", ""));
    ASSERT_TRUE(co_await engine.rate("once", v1::BASIC_SATISFIED, "req-rate"));
    ASSERT_TRUE(co_await engine.rate("once", v1::BASIC_SATISFIED, "req-rate"));
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["answered|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["rated|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["basic_satisfied|CHAT|consult.marriage"], 1);
  }());
}

TEST_F(QueueScripts, TheDayCountersBalanceInTheSummary) {
  run([this]() -> asio::awaitable<void> {
    co_await engine.set_status(lawyer("l1"), v1::AVAILABLE, "");
    auto a = co_await engine.start(caller("p"), "");
    co_await engine.start(caller("q"), "");
    co_await engine.start(caller("r"), "");
    co_await engine.accept("l1", a->offer_id, "");
    co_await engine.end_by_caller("q", "");
    const auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const auto today = core::day_string(core::local_day_number(now, 480));
    auto counters = co_await today_counters();
    stats::day_counters day{today, std::move(counters)};
    auto report = stats::summarize({day}, {config.centre.id, today, today, stats::group_by::day, 480, 15, 5});
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->total().offered(), 3);
    EXPECT_EQ(report->total().answered(), 1);
    EXPECT_EQ(report->total().abandoned(), 1);
    EXPECT_EQ(report->total().waiting(), 1);
  }());
}
