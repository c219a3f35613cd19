#pragma once
// A routing engine on the shared test redis-server, with a fresh centre (key prefix) per test and
// the short timeouts of the test configuration.

#include "async.hpp"
#include "redis_server.hpp"

#include <hotline/core/civil_day.hpp>
#include <hotline/queue/engine.hpp>
#include <hotline/queue/lifecycle.hpp>

#include <algorithm>
#include <functional>
#include <map>

namespace hotline::test {

inline core::config queue_test_config() {
  core::config c;
  c.centre.id = unique_centre();
  c.routing.ring_timeout_seconds = 1;
  c.routing.wrap_up_seconds = 1;
  c.routing.reconnect_grace_seconds = 1;
  c.routing.decline_exclusion_seconds = 1;
  c.routing.backup_after_seconds = 60;
  c.routing.general_after_seconds = 120;
  c.routing.max_wait_seconds = 180;
  c.routing.categories = {{"consult.marriage", "婚姻家庭"}, {"consult.labour", "劳动争议"}, {"legal_aid", "法律援助"}};
  c.routing.languages = {{"zh", "普通话"}, {"en", "English"}, {"yue", "粤语"}};
  return c;
}

inline core::redis_options queue_test_options() {
  core::redis_options o;
  o.endpoint = core::redis_endpoint::parse(shared_redis().address()).value();
  return o;
}

class queue_fixture : public ::testing::Test {
 protected:
  using adjust = std::function<void(core::config&)>;
  explicit queue_fixture(const adjust& change = {})
      : config(configured(change)),
        redis(io.get_executor(), queue_test_options(), queue::engine::scripts()),
        engine(redis, config) {
    redis.start();
  }
  ~queue_fixture() override { redis.stop(); }

  static core::config configured(const adjust& change) {
    auto c = queue_test_config();
    if (change) change(c);
    return c;
  }
  static core::redis_options options() { return queue_test_options(); }

  static queue::start_request caller(const std::string& id, const std::string& category = "consult.marriage",
                                     const std::string& language = "zh") {
    queue::start_request r;
    r.session_id = id;
    r.token_hash = "hash-" + id;
    r.category = category;
    r.language = language;
    return r;
  }
  static queue::start_request priority_caller(const std::string& id, v1::Priority priority) {
    auto r = caller(id);
    r.priority = priority;
    return r;
  }
  static queue::start_request phone_caller(const std::string& id) {
    auto r = caller(id);
    r.channel = v1::PHONE;
    return r;
  }
  /// Overflow thresholds short enough to cross in a test: backups at 1 s, the pool at 2 s, a message at 3 s.
  static void quick_overflow(core::config& c) {
    c.routing.backup_after_seconds = 1;
    c.routing.general_after_seconds = 2;
    c.routing.max_wait_seconds = 3;
  }
  // No braced default argument: it would be evaluated inside co_await, which GCC 12 miscompiles.
  static queue::agent_profile lawyer(const std::string& id, const std::string& skill = "consult.marriage:zh",
                                     int capacity = 3) {
    return {id, "律师" + id, std::vector<std::string>(1, skill), {}, capacity};
  }

  boost::asio::awaitable<queue::session_view> session(const std::string& id) {
    auto s = co_await engine.session(id);
    EXPECT_TRUE(s) << id << ": " << s.error().message();
    co_return s ? *s : queue::session_view{};
  }

  /// Runs the sweeper until `id` leaves `state` or `limit` passes.
  boost::asio::awaitable<queue::session_view> sweep_until_not(
      const std::string& id, v1::SessionState state, std::chrono::milliseconds limit = std::chrono::seconds(4)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      auto swept = co_await engine.sweep();
      EXPECT_TRUE(swept);
      auto s = co_await session(id);
      if (s.state != state) co_return s;
      co_await sleep_for(std::chrono::milliseconds(50));
    }
    co_return co_await session(id);
  }

  /// Sweeps for `how_long`, acting on every deadline due meanwhile.
  boost::asio::awaitable<void> sweep_for(std::chrono::milliseconds how_long) {
    const auto until = std::chrono::steady_clock::now() + how_long;
    while (std::chrono::steady_clock::now() < until) {
      auto swept = co_await engine.sweep();
      EXPECT_TRUE(swept);
      co_await sleep_for(std::chrono::milliseconds(50));
    }
  }

  boost::asio::awaitable<std::map<std::string, std::int64_t>> today_counters() {
    const auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    auto c =
        co_await engine.day_counters(core::day_string(core::local_day_number(now, config.centre.utc_offset_minutes)));
    EXPECT_TRUE(c);
    co_return c ? *c : std::map<std::string, std::int64_t>{};
  }

  /// Fails the test with every broken routing invariant.
  boost::asio::awaitable<void> expect_invariants(const std::string& when) {
    auto problems = co_await engine.verify();
    EXPECT_TRUE(problems) << problems.error().message();
    if (!problems) co_return;
    for (const auto& p : *problems) ADD_FAILURE() << when << ": " << p;
  }

  // The scrape's O(skills) floor says what the full snapshot says: who waits where, since when.
  // Two reads: only while nothing else changes the queue.
  boost::asio::awaitable<void> expect_floor_matches_snapshot(const std::string& when) {
    auto floor = co_await engine.floor_view();
    auto snapshot = co_await engine.snapshot();
    EXPECT_TRUE(floor && snapshot) << when;
    if (!floor || !snapshot) co_return;
    std::map<std::string, std::pair<int, std::int64_t>> expected;  // skill → waiting, oldest arrival
    for (const auto& s : snapshot->sessions) {
      if (!queue::is_waiting(s.state)) continue;
      auto& [waiting, oldest] = expected[s.category + ":" + s.language];
      oldest = waiting++ == 0 ? s.enqueued_ms : std::min(oldest, s.enqueued_ms);
    }
    for (const auto& skill : floor->skills) {
      const auto found = expected.find(skill.skill);
      const auto waiting = found == expected.end() ? 0 : found->second.first;
      EXPECT_EQ(skill.waiting, waiting) << when << ": " << skill.skill;
      if (waiting > 0) EXPECT_EQ(skill.oldest_enqueued_ms, found->second.second) << when << ": " << skill.skill;
      else EXPECT_FALSE(skill.oldest_enqueued_ms) << when << ": " << skill.skill;
      if (found != expected.end()) expected.erase(found);
    }
    for (const auto& [skill, counts] : expected) ADD_FAILURE() << when << ": " << skill << " missing from the floor";
    EXPECT_EQ(floor->agents.size(), snapshot->agents.size()) << when;
  }

  void run(boost::asio::awaitable<void> body, std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    run_async(io, std::move(body), deadline);
  }

  boost::asio::io_context io;
  core::config config;
  core::redis_client redis;
  queue::engine engine;
};

}  // namespace hotline::test
