// The async Redis client against a real redis-server: pipelining, timeouts, restarts, scripts, pub/sub.
#include "async.hpp"
#include "redis_server.hpp"

#include <hotline/core/redis_client.hpp>
#include <hotline/core/redis_subscriber.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>

using namespace hotline;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

core::redis_options options_for(const std::string& address, std::chrono::milliseconds timeout = 1000ms) {
  core::redis_options o;
  o.endpoint = core::redis_endpoint::parse(address).value();
  o.request_timeout = timeout;
  o.connect_timeout = 500ms;
  o.backoff_max = 200ms;
  o.ping_interval = 200ms;
  return o;
}

std::vector<std::string> cmd(std::initializer_list<std::string> parts) { return parts; }

}  // namespace

// Commands are named before co_await: GCC 12 miscompiles braced lists inside co_await expressions.
TEST(RedisClient, EndpointParsing) {
  EXPECT_EQ(core::redis_endpoint::parse("127.0.0.1:6379")->port, 6379);
  EXPECT_EQ(core::redis_endpoint::parse("[::1]:7000")->host, "::1");
  EXPECT_EQ(core::redis_endpoint::parse("unix:/tmp/r.sock")->unix_path, "/tmp/r.sock");
  EXPECT_FALSE(core::redis_endpoint::parse("localhost"));
  EXPECT_FALSE(core::redis_endpoint::parse("host:99999"));
  EXPECT_FALSE(core::redis_endpoint::parse("unix:"));
}

TEST(RedisClient, ManyCoroutinesShareOnePipelinedConnection) {
  asio::io_context io;
  core::redis_client redis(io.get_executor(), options_for(test::shared_redis().address()));
  redis.start();
  const std::string key = "{" + test::unique_centre() + "}:counter";
  int finished = 0;
  for (int i = 0; i < 200; ++i)
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          const auto command0 = cmd({"INCR", key});
          auto r = co_await redis.exec(command0);
          EXPECT_TRUE(r && r->type == core::redis_value::kind::integer);
          ++finished;
        },
        asio::detached);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    while (finished < 200) co_await test::sleep_for(5ms);
    const auto command1 = cmd({"GET", key});
    auto total = co_await redis.exec(command1);
    ASSERT_TRUE(total);
    EXPECT_EQ(total->as_integer(), 200);
    const auto command2 = cmd({"LPUSH", key, "x"});
    auto wrong = co_await redis.exec(command2);
    ASSERT_TRUE(wrong) << "a Redis error reply is a value, not a transport failure";
    EXPECT_TRUE(wrong->is_error());
  }());
  redis.stop();
}

TEST(RedisClient, ARequestToAPausedServerTimesOutAndLaterOnesSucceed) {
  test::redis_server server;
  server.start();
  asio::io_context io;
  core::redis_client redis(io.get_executor(), options_for(server.address(), 300ms));
  redis.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    const auto command3 = cmd({"PING"});
    auto first = co_await redis.exec(command3);
    ASSERT_TRUE(first);
    server.pause();
    const auto started = std::chrono::steady_clock::now();
    const auto command4 = cmd({"PING"});
    auto stuck = co_await redis.exec(command4);
    ASSERT_FALSE(stuck);
    EXPECT_EQ(stuck.error(), core::errc::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    server.resume();
    std::optional<bool> recovered;
    for (int i = 0; i < 100 && !recovered; ++i) {
      const auto command5 = cmd({"PING"});
      auto again = co_await redis.exec(command5);
      if (again && again->text == "PONG")
        recovered = true;
      else
        co_await test::sleep_for(50ms);
    }
    EXPECT_TRUE(recovered.value_or(false));
  }());
  redis.stop();
}

TEST(RedisClient, RestartMidRunFailsInFlightRequestsClearlyThenRecovers) {
  test::redis_server server;
  server.start();
  asio::io_context io;
  core::redis_client redis(io.get_executor(), options_for(server.address(), 3000ms));
  redis.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    const auto command6 = cmd({"SET", "{r}:k", "1"});
    auto set = co_await redis.exec(command6);
    ASSERT_TRUE(set);
    // A blocking pop is in flight when the server goes away.
    std::optional<core::result<core::redis_value>> in_flight;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> asio::awaitable<void> {
          const auto command7 = cmd({"BLPOP", "{r}:nothing", "2"});
          in_flight = co_await redis.exec(command7);
        },
        asio::detached);
    co_await test::sleep_for(100ms);
    server.restart();
    for (int i = 0; i < 100 && !in_flight; ++i) co_await test::sleep_for(20ms);
    ASSERT_TRUE(in_flight);
    ASSERT_FALSE(*in_flight);
    EXPECT_EQ(in_flight->error(), core::errc::connection_lost);
    EXPECT_EQ(in_flight->error().message(), "the Redis connection was lost with the request in flight");
    const auto command8 = cmd({"SET", "{r}:k", "2"});
    auto later = co_await redis.exec(command8);
    ASSERT_TRUE(later) << later.error().message();
    EXPECT_EQ(later->text, "OK");
    EXPECT_TRUE(redis.ready());
  }());
  redis.stop();
}

TEST(RedisClient, FunctionLibrariesAreReloadedAfterAFlush) {
  asio::io_context io;
  core::lua_library library{"client_test_lib", R"lua(#!lua name=client_test_lib
local function add(keys, argv) return tonumber(argv[1]) + tonumber(argv[2]) end
redis.register_function('client_test_add', add))lua"};
  core::redis_client redis(io.get_executor(), options_for(test::shared_redis().address()), {library});
  redis.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    const std::vector<std::string> no_keys;
    const auto command9 = cmd({"1", "2"});
    auto three = co_await redis.fcall("client_test_add", no_keys, command9);
    ASSERT_TRUE(three);
    EXPECT_EQ(three->integer, 3);
    const auto command10 = cmd({"FUNCTION", "FLUSH"});
    auto flushed = co_await redis.exec(command10);
    ASSERT_TRUE(flushed);
    const auto command11 = cmd({"20", "22"});
    auto again = co_await redis.fcall("client_test_add", no_keys, command11);
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->is_error()) << again->text;
    EXPECT_EQ(again->integer, 42);
  }());
  redis.stop();
}

TEST(RedisClient, NoServerMeansNotConnectedAfterTheDeadline) {
  asio::io_context io;
  core::redis_client redis(io.get_executor(), options_for("unix:/tmp/hotline-no-such.sock", 300ms));
  redis.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    const auto command12 = cmd({"PING"});
    auto r = co_await redis.exec(command12);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), core::errc::not_connected);
  }());
  redis.stop();
}

TEST(RedisSubscriber, ResubscribesAfterARestart) {
  test::redis_server server;
  server.start();
  asio::io_context io;
  std::vector<std::string> received;
  int subscriptions = 0;
  core::redis_subscriber subscriber(
      io.get_executor(), options_for(server.address()),
      [&](std::string_view channel, std::string_view payload) {
        EXPECT_EQ(channel, "{p}:notify");
        received.emplace_back(payload);
      },
      [&](std::string_view) { ++subscriptions; });
  subscriber.subscribe("{p}:notify");
  subscriber.start();
  core::redis_client redis(io.get_executor(), options_for(server.address()));
  redis.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 200 && subscriptions < 1; ++i) co_await test::sleep_for(10ms);
    ASSERT_EQ(subscriptions, 1);
    const auto command13 = cmd({"PUBLISH", "{p}:notify", "s:one"});
    auto n = co_await redis.exec(command13);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->integer, 1);
    server.restart();
    for (int i = 0; i < 300 && subscriptions < 2; ++i) co_await test::sleep_for(10ms);
    ASSERT_EQ(subscriptions, 2) << "subscribed again after the restart";
    std::optional<std::int64_t> listeners;
    for (int i = 0; i < 100 && listeners.value_or(0) < 1; ++i) {
      const auto command14 = cmd({"PUBLISH", "{p}:notify", "s:two"});
      auto r = co_await redis.exec(command14);
      if (r) listeners = r->integer;
      if (listeners.value_or(0) < 1) co_await test::sleep_for(20ms);
    }
    for (int i = 0; i < 100 && received.size() < 2; ++i) co_await test::sleep_for(10ms);
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(received[0], "s:one");
    EXPECT_EQ(received[1], "s:two");
  }());
  subscriber.stop();
  redis.stop();
}
