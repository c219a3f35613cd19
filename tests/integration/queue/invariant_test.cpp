// Random operations from several clients through two engines (two gateways' worth of Redis
// connections) on one Redis; routing's invariants must hold after every step of a small run and
// after a large concurrent one, and the counters must agree with the events stream.
#include "gateway_process.hpp"
#include "queue_fixture.hpp"

#include <hotline/core/redis_subscriber.hpp>
#include <hotline/queue/lifecycle.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

using namespace hotline;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

/// Every field of a session as text, so that a mismatch shows which field differs.
std::string describe(const queue::session_view& s) {
  std::ostringstream o;
  o << "id=" << s.id << " state=" << v1::SessionState_Name(s.state) << " channel=" << s.channel
    << " category=" << s.category << " language=" << s.language << " priority=" << s.priority
    << " token_hash=" << s.token_hash << " lawyer=" << s.lawyer_id << "/" << s.lawyer_name << " offer=" << s.offer_id
    << " offered_to=" << s.offered_to << " rating=" << s.rating << " enqueued=" << s.enqueued_ms
    << " answered=" << s.answered_ms << " expires=" << s.offer_expires_ms << " offered=" << s.offered_ms
    << " contact=" << s.contact << " position=" << s.position << " staffed=" << s.staffed
    << " connected=" << s.caller_connected << " overflow=" << s.overflow_reason << " out=" << s.transferred_to
    << " ticket=" << s.ticket_id << " transfers=" << s.transfers << " v=" << s.version;
  return o.str();
}

std::string describe(const queue::agent_view& a) {
  std::ostringstream o;
  o << "id=" << a.id << " name=" << a.name << " status=" << v1::AgentStatus_Name(a.status) << "/" << a.status_reason
    << " skills=" << a.skills.size() << "+" << a.backup_skills.size() << " load=" << a.load
    << " capacity=" << a.chat_capacity << " misses=" << a.misses << " today=" << a.sessions_today
    << " on_call=" << a.on_call << " phone=" << a.phone_registered << " v=" << a.version << "\n  offer "
    << (a.offer ? describe(*a.offer) : "none");
  for (const auto& s : a.sessions) o << "\n  session " << describe(s);
  return o.str();
}

class Invariants : public test::queue_fixture {
 protected:
  Invariants()
      : queue_fixture([](core::config& c) {
          quick_overflow(c);
          c.routing.max_queue_length = 40;
        }),
        other_redis(io.get_executor(), options(), queue::engine::scripts()),
        other(other_redis, config) {
    other_redis.start();
    const char* categories[] = {"consult.marriage", "consult.labour", "legal_aid"};
    for (int i = 0; i < 6; ++i) {
      queue::agent_profile p = lawyer("l" + std::to_string(i), std::string(categories[i % 3]) + ":zh", 1 + i % 3);
      if (i % 2 == 0) p.skills.push_back(std::string(categories[(i + 1) % 3]) + ":en");
      p.backup_skills.push_back(std::string(categories[(i + 2) % 3]) + ":zh");
      lawyers.push_back(p);
    }
  }
  ~Invariants() override { other_redis.stop(); }

  /// The configuration of a `hotline serve` process serving the same centre with the same rules.
  std::string gateway_toml() const {
    const auto& r = config.routing;
    std::ostringstream t;
    t << "[centre]\nid = \"" << config.centre.id << "\"\n[routing]\n"
      << "ring_timeout_seconds = " << r.ring_timeout_seconds << "\nwrap_up_seconds = " << r.wrap_up_seconds
      << "\nreconnect_grace_seconds = " << r.reconnect_grace_seconds
      << "\ndecline_exclusion_seconds = " << r.decline_exclusion_seconds
      << "\nbackup_after_seconds = " << r.backup_after_seconds
      << "\ngeneral_after_seconds = " << r.general_after_seconds << "\nmax_wait_seconds = " << r.max_wait_seconds
      << "\nmax_queue_length = " << r.max_queue_length << "\nsweep_interval_ms = 50\ncategories = [";
    for (const auto& c : r.categories) t << "{ code = \"" << c.code << "\", name = \"" << c.name << "\" },";
    t << "]\nlanguages = [";
    for (const auto& l : r.languages) t << "{ code = \"" << l.code << "\", name = \"" << l.name << "\" },";
    t << "]\n[accounts]\ndemo_accounts = false\n[log]\nlevel = \"warn\"\n";
    return t.str();
  }

  /// Failures routing expects under random use; anything else (a transport error, a reply the
  /// engine cannot read) fails the test.
  static bool expected(const boost::system::error_code& ec) {
    using queue::errc;
    return ec == errc::invalid_state || ec == errc::offer_gone || ec == errc::forbidden ||
           ec == errc::session_not_found || ec == errc::too_many_sessions || ec == errc::queue_full ||
           ec == errc::ticket_not_found || ec == errc::already_rated;
  }

  template <class Result>
  void check(const Result& r, const char* what) {
    if (!r && !expected(r.error())) ADD_FAILURE() << what << ": " << r.error().message();
  }

  template <class T>
  const T& pick(const std::vector<T>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
  }

  /// One random operation through one of the two engines.
  asio::awaitable<void> step() {
    auto& e = std::uniform_int_distribution<int>(0, 1)(rng) ? engine : other;
    const int op = std::uniform_int_distribution<int>(0, 99)(rng);
    if (op < 22 || sessions.empty()) {
      auto r = caller("s" + std::to_string(next_session++), pick(categories), rng() % 4 ? "zh" : "en");
      if (rng() % 5 == 0) r.channel = v1::PHONE;
      if (rng() % 4 == 0) r.priority = v1::ELDERLY;
      auto started = co_await e.start(r, "");
      check(started, "start");
      if (started) sessions.push_back(r.session_id);
      co_return;
    }
    // Mostly recent sessions: old ones are likely finished, and every operation on them is refused.
    const std::size_t recent = std::min<std::size_t>(sessions.size(), 30);
    const std::string sid = sessions[sessions.size() - 1 - rng() % recent];
    const auto& lawyer_profile = pick(lawyers);
    const std::string& aid = lawyer_profile.id;
    if (op < 30) {
      check(co_await e.sweep(), "sweep");
    } else if (op < 42) {
      // Some lawyer's phone is ringing: they answer, or (one in four) turn it down.
      const auto first = rng() % lawyers.size();
      for (std::size_t i = 0; i < lawyers.size(); ++i) {
        const auto& id = lawyers[(first + i) % lawyers.size()].id;
        auto a = co_await e.agent(id);
        check(a, "agent");
        if (!a || !a->offer) continue;
        if (rng() % 4)
          check(co_await e.accept(id, a->offer->offer_id, ""), "accept");
        else
          check(co_await e.decline(id, a->offer->offer_id, ""), "decline");
        break;
      }
    } else if (op < 50) {
      const v1::AgentStatus statuses[] = {v1::AVAILABLE, v1::AVAILABLE, v1::AVAILABLE, v1::AWAY, v1::OFFLINE};
      check(co_await e.set_status(lawyer_profile, statuses[rng() % 5], ""), "set_status");
    } else if (op < 56) {
      check(co_await e.end_by_caller(sid, ""), "end_by_caller");
    } else if (op < 78) {
      // A lawyer works on one of their sessions: ends or transfers a talk, or files a work order.
      auto a = co_await e.agent(aid);
      check(a, "agent");
      if (!a || a->sessions.empty()) co_return;
      const auto& s = pick(a->sessions);
      if (s.state == v1::WRAP_UP) {
        queue::work_order order;
        order.session_id = s.id;
        order.category = "consult.marriage";
        check(co_await e.wrap_up(aid, order, ""), "wrap_up");
      } else if (op < 70) {
        check(co_await e.end_by_lawyer(aid, s.id, ""), "end_by_lawyer");
      } else {
        queue::transfer_request t{s.id, "", "", "12345"};
        if (rng() % 3) t = queue::transfer_request{s.id, pick(categories), "zh", ""};
        check(co_await e.transfer(aid, t, ""), "transfer");
      }
    } else if (op < 84) {
      queue::leave_message_request m{sid, rng() % 2 ? v1::MESSAGE : v1::CALLBACK, "1380000" + std::to_string(rng() % 5),
                                     "问题" + std::to_string(rng() % 3)};
      check(co_await e.leave_message(m, ""), "leave_message");
    } else if (op < 88) {
      auto open = co_await e.open_tickets(10);
      check(open, "open_tickets");
      if (open && !open->empty())
        check(co_await e.reply_ticket(aid, "律师", open->front().id, v1::TEXT_REPLY, "答复", ""), "reply_ticket");
    } else if (op < 92) {
      check(co_await e.caller_connection(sid, rng() % 2 == 0, ""), "caller_connection");
    } else if (op < 95) {
      check(co_await e.mark_urgent(sid, "supervisor", ""), "mark_urgent");
    } else {
      check(co_await e.rate(sid, v1::SATISFIED, ""), "rate");
    }
  }

  asio::awaitable<void> all_on_duty() {
    for (const auto& p : lawyers) check(co_await engine.set_status(p, v1::AVAILABLE, ""), "set_status");
  }

  asio::awaitable<void> worker(int steps, int& done) {
    for (int i = 0; i < steps; ++i) co_await step();
    ++done;
  }

  /// Sums every day's counters by metric.
  asio::awaitable<std::map<std::string, std::int64_t>> counter_totals() {
    std::map<std::string, std::int64_t> totals;
    std::vector<std::string> command{"KEYS", "{" + config.centre.id + "}:stats:*"};
    auto keys = co_await redis.exec(std::move(command));
    EXPECT_TRUE(keys);
    for (const auto& key : keys->elements) {
      auto day = co_await engine.day_counters(key.text.substr(key.text.rfind(':') + 1));
      EXPECT_TRUE(day);
      for (const auto& [field, value] : *day) totals[field.substr(0, field.find('|'))] += value;
    }
    co_return totals;
  }

  /// The same figures counted from the events stream.
  asio::awaitable<std::map<std::string, std::int64_t>> event_totals() {
    std::map<std::string, std::int64_t> totals;
    std::vector<std::string> command{"XRANGE", "{" + config.centre.id + "}:events", "-", "+"};
    auto events = co_await redis.exec(std::move(command));
    EXPECT_TRUE(events);
    for (const auto& entry : events->elements) {
      const auto& f = entry.at(1);
      const auto type = f.field("type").text;
      const bool first = f.field("first_wait").text == "1";
      if (type == "queued") ++totals["offered"];
      if (type == "answered" && first) ++totals["answered"];
      if (type == "abandoned" && first) ++totals["abandoned"];
      if (type == "ticket_created") {
        ++totals["messages_received"];
        if (first) ++totals["overflowed"];
        if (f.field("state").text == "DUPLICATE") ++totals["messages_duplicate"];
      }
      if (type == "ticket_replied") ++totals["messages_replied"];
      if (type == "closed") ++totals["handled"];
      if (type == "rated") ++totals["rated"];
      if (type == "transferred") ++totals[f.field("to").text == "out" ? "transferred_out" : "transferred_internal"];
    }
    co_return totals;
  }

  /// Replays each session's events through the lifecycle table: every step must be allowed and
  /// the last one must be the state the session is in.
  asio::awaitable<void> expect_events_follow_the_lifecycle() {
    std::vector<std::string> command{"XRANGE", "{" + config.centre.id + "}:events", "-", "+"};
    auto events = co_await redis.exec(std::move(command));
    EXPECT_TRUE(events);
    const std::map<std::string, v1::SessionState> reached{{"queued", v1::QUEUED},
                                                          {"offered", v1::OFFERED},
                                                          {"answered", v1::CONNECTED},
                                                          {"ended", v1::WRAP_UP},
                                                          {"requeued", v1::QUEUED},
                                                          {"abandoned", v1::ABANDONED},
                                                          {"ticket_created", v1::OVERFLOWED}};
    std::map<std::string, v1::SessionState> states;
    for (const auto& entry : events->elements) {
      const auto& f = entry.at(1);
      const auto type = f.field("type").text;
      const auto sid = f.field("session").text;
      std::optional<v1::SessionState> next;
      if (auto found = reached.find(type); found != reached.end()) next = found->second;
      if (type == "transferred" && f.field("to").text == "skill") next = v1::QUEUED;
      if (type == "closed") {
        v1::SessionState final_state = v1::SESSION_STATE_UNSPECIFIED;
        v1::SessionState_Parse(f.field("state").text, &final_state);
        next = final_state;
      }
      if (!next) continue;
      auto& state = states[sid];
      EXPECT_TRUE(queue::can_transition(state, *next))
          << sid << ": " << v1::SessionState_Name(state) << " → " << v1::SessionState_Name(*next);
      state = *next;
    }
    for (const auto& [sid, state] : states) {
      auto now = co_await engine.session(sid);
      EXPECT_TRUE(now && now->state == state) << sid << " replays to " << v1::SessionState_Name(state);
    }
  }

  asio::awaitable<void> expect_counters_match_events() {
    auto counted = co_await counter_totals();
    auto events = co_await event_totals();
    for (const char* metric :
         {"offered", "answered", "abandoned", "overflowed", "handled", "rated", "messages_received",
          "messages_duplicate", "messages_replied", "transferred_out", "transferred_internal"})
      EXPECT_EQ(counted[metric], events[metric]) << metric;
    EXPECT_EQ(counted["offered"],
              counted["answered"] + counted["abandoned"] + counted["overflowed"] + counted["waiting"]);
    EXPECT_EQ(counted["messages_received"],
              counted["messages_replied"] + counted["messages_duplicate"] + counted["messages_open"]);
    std::cout << "  offered " << counted["offered"] << ", answered " << counted["answered"] << ", abandoned "
              << counted["abandoned"] << ", overflowed " << counted["overflowed"] << ", transferred "
              << counted["transferred_internal"] << "+" << counted["transferred_out"] << ", handled "
              << counted["handled"] << ", tickets " << counted["messages_received"] << "\n";
  }

  core::redis_client other_redis;
  queue::engine other;
  std::vector<queue::agent_profile> lawyers;
  std::vector<std::string> categories{"consult.marriage", "consult.labour", "legal_aid"};
  std::vector<std::string> sessions;
  int next_session = 0;
  std::mt19937 rng{std::random_device{}()};
};

}  // namespace

TEST_F(Invariants, HoldAfterEveryStepOfASmallRun) {
  const auto seed = std::random_device{}();
  rng.seed(seed);
  std::cout << "  seed " << seed << "\n";
  run(
      [this]() -> asio::awaitable<void> {
        co_await all_on_duty();
        for (int i = 0; i < 300; ++i) {
          co_await step();
          co_await expect_invariants("step " + std::to_string(i));
          co_await expect_floor_matches_snapshot("step " + std::to_string(i));
          if (HasFailure()) co_return;
        }
        co_await expect_counters_match_events();
        co_await expect_events_follow_the_lifecycle();
      }(),
      120s);
}

TEST_F(Invariants, APushCarriesTheStateAViewReads) {
  // Each step's pushes, compared field by field with what the views read right after it.
  const auto seed = std::random_device{}();
  rng.seed(seed);
  std::cout << "  seed " << seed << "\n";
  std::map<std::string, queue::session_view> pushed_sessions;
  std::map<std::string, queue::agent_view> pushed_agents;
  const std::string marker = "step-done";
  bool marker_seen = false, subscribed = false;
  core::redis_subscriber pushes(
      io.get_executor(), options(),
      [&](std::string_view, std::string_view payload) {
        if (payload == marker) {
          marker_seen = true;
          return;
        }
        auto pushed = queue::engine::parse_notification(payload);
        if (!pushed) return;
        // One script publishes each record once: a second push in a step would be a change late.
        if (pushed->session) {
          EXPECT_TRUE(pushed_sessions.emplace(pushed->id, *pushed->session).second) << pushed->id;
        }
        if (pushed->agent) {
          EXPECT_TRUE(pushed_agents.emplace(pushed->id, *pushed->agent).second) << pushed->id;
        }
      },
      [&](std::string_view) { subscribed = true; });
  pushes.subscribe(engine.notify_channel());
  pushes.start();
  run(
      [&]() -> asio::awaitable<void> {
        while (!subscribed) co_await test::sleep_for(10ms);
        co_await all_on_duty();
        int compared = 0;
        for (int i = 0; i < 300; ++i) {
          pushed_sessions.clear();
          pushed_agents.clear();
          co_await step();
          // Pub/sub keeps order: once the marker is back, every push of the step is in.
          marker_seen = false;
          std::vector<std::string> publish{"PUBLISH", engine.notify_channel(), marker};
          EXPECT_TRUE(co_await redis.exec(std::move(publish)));
          while (!marker_seen) co_await test::sleep_for(1ms);
          for (const auto& [sid, pushed] : pushed_sessions) {
            auto read = co_await engine.session(sid);
            ASSERT_TRUE(read) << sid;
            EXPECT_EQ(describe(pushed), describe(*read)) << "step " << i;
            EXPECT_TRUE(pushed == *read) << "step " << i << ": " << sid;
            ++compared;
          }
          for (const auto& [aid, pushed] : pushed_agents) {
            auto read = co_await engine.agent(aid);
            ASSERT_TRUE(read) << aid;
            // The sessions of a lawyer's list come from a set: order is not state.
            auto by_id = [](auto& a, auto& b) { return a.id < b.id; };
            auto expected = *read;
            auto got = pushed;
            std::sort(expected.sessions.begin(), expected.sessions.end(), by_id);
            std::sort(got.sessions.begin(), got.sessions.end(), by_id);
            EXPECT_EQ(describe(got), describe(expected)) << "step " << i;
            EXPECT_TRUE(got == expected) << "step " << i << ": " << aid;
            ++compared;
          }
          if (HasFailure()) co_return;
        }
        std::cout << "  " << compared << " pushed states compared with their reads\n";
        EXPECT_GT(compared, 100) << "many steps change a session or a lawyer";
      }(),
      120s);
  pushes.stop();
}

TEST_F(Invariants, HoldAfterThousandsOfConcurrentOperationsBesideTwoGatewayProcesses) {
  // Two real gateways sweep the same deadlines every 50 ms while six clients act through two
  // more connections: every deadline must still act once.
  test::gateway_process first(HOTLINE_BIN, gateway_toml(), test::shared_redis().address());
  test::gateway_process second(HOTLINE_BIN, gateway_toml(), test::shared_redis().address());
  run(
      [&]() -> asio::awaitable<void> {
        co_await all_on_duty();
        int done = 0;
        constexpr int workers = 6, steps = 600;
        auto ex = co_await asio::this_coro::executor;
        for (int w = 0; w < workers; ++w) asio::co_spawn(ex, worker(steps, done), asio::detached);
        while (done < workers) {
          co_await test::sleep_for(200ms);
          co_await expect_invariants("midway");
        }
        co_await expect_invariants("after " + std::to_string(workers * steps) + " operations");
        EXPECT_TRUE(first.alive()) << first.output();
        EXPECT_TRUE(second.alive()) << second.output();
        // Stopped, their sweepers no longer change sessions while the events are replayed.
        first.stop();
        second.stop();
        co_await expect_floor_matches_snapshot("at the end");
        co_await expect_counters_match_events();
        co_await expect_events_follow_the_lifecycle();
      }(),
      180s);
}
