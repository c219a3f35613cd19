// Whole consultations per second through the queue scripts, against a real redis-server started
// twice: with AOF and appendfsync always (the default), and with no persistence. Prints both
// figures and their ratio, which is what to compare on a shared, noisy machine.
#include <hotline/core/embedded_redis.hpp>
#include <hotline/core/log.hpp>
#include <hotline/queue/engine.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace asio = boost::asio;
using namespace hotline;
using namespace std::chrono_literals;

namespace {

struct settings {
  int lawyers = 8;
  int callers = 16;  ///< concurrent callers
  int rounds = 50;   ///< consultations per caller
};

asio::awaitable<void> pause(std::chrono::microseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

// One caller's consultations, acting as whichever lawyer routing offers it to.
asio::awaitable<void> consult(queue::engine& engine, int caller, int rounds, int& failures, int& done) {
  for (int round = 0; round < rounds; ++round) {
    queue::start_request request;
    request.session_id = "c" + std::to_string(caller) + "r" + std::to_string(round);
    request.token_hash = "h";
    request.category = "consult.marriage";
    request.language = "zh";
    auto started = co_await engine.start(request, "");
    if (!started) {
      ++failures;
      continue;
    }
    queue::session_view s = *started;
    while (s.state != v1::OFFERED) {
      co_await pause(200us);
      auto again = co_await engine.session(request.session_id);
      if (!again) break;
      s = *again;
    }
    const std::string lawyer = s.offered_to;
    bool ok = static_cast<bool>(co_await engine.accept(lawyer, s.offer_id, ""));
    ok = ok && co_await engine.post_chat(s.id, v1::CALLER, "", "", "我想咨询离婚后孩子的抚养权问题", "");
    ok = ok && co_await engine.post_chat(s.id, v1::LAWYER, lawyer, "律师", "请问孩子现在多大？", "");
    ok = ok && co_await engine.end_by_lawyer(lawyer, s.id, "");
    ok = ok && co_await engine.rate(s.id, v1::SATISFIED, "");
    queue::work_order order{s.id, v1::CONSULTATION, "consult.marriage", v1::RESOLVED, "已解答"};
    ok = ok && co_await engine.wrap_up(lawyer, order, "");
    if (!ok) ++failures;
  }
  ++done;
}

struct figures {
  double seconds = 0;
  int consultations = 0;
  int failures = 0;
};

figures run(const std::string& address, const settings& s) {
  asio::io_context io;
  core::config config;
  config.centre.id = "bench";
  config.routing.ring_timeout_seconds = 60;
  config.routing.categories = {{"consult.marriage", "婚姻家庭"}};
  config.routing.languages = {{"zh", "普通话"}};
  core::redis_options options;
  options.endpoint = core::redis_endpoint::parse(address).value();
  options.request_timeout = 10s;
  core::redis_client redis(io.get_executor(), options, queue::engine::scripts());
  queue::engine engine(redis, config);
  redis.start();
  figures out;
  int done = 0;
  auto started = std::chrono::steady_clock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int l = 0; l < s.lawyers; ++l) {
          queue::agent_profile lawyer{"l" + std::to_string(l), "律师",
                                      std::vector<std::string>(1, "consult.marriage:zh"), {}, 3};
          if (!co_await engine.set_status(lawyer, v1::AVAILABLE, "")) ++out.failures;
        }
        started = std::chrono::steady_clock::now();
        auto ex = co_await asio::this_coro::executor;
        for (int c = 0; c < s.callers; ++c)
          asio::co_spawn(ex, consult(engine, c, s.rounds, out.failures, done), asio::detached);
        while (done < s.callers) co_await pause(1ms);
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        redis.stop();
      },
      asio::detached);
  io.run();
  out.consultations = s.callers * s.rounds;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  if (argc > 1) s.rounds = std::atoi(argv[1]);
  core::set_log_level("warn");
  char pattern[] = "/tmp/hotline-bench-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(pattern);
  std::printf("lifecycle bench: %d lawyers, %d concurrent callers, %d consultations each\n", s.lawyers, s.callers,
              s.rounds);
  std::printf("(one consultation = start, offer, accept, 2 chat lines, end, rate, wrap-up: 7 scripts + polls)\n");
  figures aof, memory;
  for (const bool durable : {true, false}) {
    auto server = core::embedded_redis::start("redis-server", dir / (durable ? "aof" : "memory"), durable);
    if (!server) {
      std::fprintf(stderr, "cannot start redis-server: %s\n", server.error().c_str());
      return 1;
    }
    (durable ? aof : memory) = run(server->address(), s);
  }
  std::filesystem::remove_all(dir);
  auto line = [](const char* name, const figures& f) {
    std::printf("  %-28s %5d consultations in %6.2f s = %8.1f /s  (%.2f ms each, %d failures)\n", name, f.consultations,
                f.seconds, f.consultations / f.seconds, 1000.0 * f.seconds / f.consultations, f.failures);
  };
  line("AOF, appendfsync always:", aof);
  line("no persistence:", memory);
  std::printf("  ratio (AOF always / none):   %.2f of the throughput\n",
              (aof.consultations / aof.seconds) / (memory.consultations / memory.seconds));
  return aof.failures + memory.failures == 0 ? 0 : 1;
}
