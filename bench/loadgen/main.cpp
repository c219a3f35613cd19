// hotline_loadgen: plays callers and lawyers over the documented WebSocket contract against a real
// `hotline serve` and redis-server it starts itself, and prints one table of figures.
#include "lawyer_bot.hpp"
#include "report.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace loadgen;

namespace {

// Thousands of sockets: the usual soft limit of 1024 descriptors would be the first thing measured.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void progress(const char* what) {
  std::fprintf(stderr, "[loadgen] %s\n", what);
  std::fflush(stderr);
}

struct sign_in_state {
  int pending = 0;
  std::vector<std::string> errors;
};

// The lawyer serves until stopped; the coroutine owns it, so a stopped lawyer's last read is safe.
asio::awaitable<void> sign_in_and_serve(std::shared_ptr<lawyer_bot> lawyer, std::shared_ptr<sign_in_state> state) {
  std::string error;
  const bool ready = co_await lawyer->sign_in(error);
  --state->pending;
  if (!ready) {
    state->errors.push_back(error);
    co_return;
  }
  co_await lawyer->serve();
}

struct run_state {
  run_figures figures;
  std::string setup_error;
  bool finished = false;
};

// One Redis configuration: its own redis-server, gateway and lawyers. The no-persistence pair also
// runs every phase that is not about persistence.
asio::awaitable<bool> run_pair(const options& o, const std::filesystem::path& dir, bool durable, load_context& ctx,
                               run_state& run) {
  const char* name = durable ? "AOF appendfsync always" : "no persistence";
  auto& f = run.figures;
  ctx.failures.phase = std::string("setup, ") + name;
  redis_instance redis(o.redis_server, dir / (durable ? "aof" : "memory") / "redis", durable);
  const bool redis_up = co_await redis.start(run.setup_error);
  if (!redis_up) co_return false;
  gateway_settings settings;
  settings.binary = o.hotline;
  settings.redis_address = redis.address();
  settings.max_queue_length = o.waiting.back() + 100;
  settings.lawyers = o.lawyers;
  settings.capacity = o.capacity;
  settings.threads = o.threads;
  gateway_instance gateway(settings, dir / (durable ? "aof" : "memory") / "gateway");
  std::fprintf(stderr, "[loadgen] %s: creating %d lawyers, starting the gateway\n", name, o.lawyers);
  bool ok = co_await gateway.start(run.setup_error);
  std::vector<std::shared_ptr<lawyer_bot>> lawyers;
  if (ok) {
    ctx.port = gateway.port();
    auto signing = std::make_shared<sign_in_state>();
    for (int i = 1; i <= o.lawyers; ++i) {
      lawyers.push_back(std::make_shared<lawyer_bot>(ctx, i));
      ++signing->pending;
      asio::co_spawn(ctx.executor, sign_in_and_serve(lawyers.back(), signing), asio::detached);
    }
    co_await wait_until([&] { return signing->pending == 0; }, std::chrono::seconds(120));
    ok = signing->pending == 0 && signing->errors.empty();
    if (!ok) run.setup_error = signing->errors.empty() ? "lawyers did not sign in in time" : signing->errors.front();
  }
  if (ok && !durable) {
    ctx.failures.phase = "no load";
    progress("no persistence: consultations one at a time");
    f.no_load = co_await run_no_load(ctx, o.no_load_consultations);
    ctx.failures.phase = "idle sockets";
    progress("no persistence: idle sockets");
    f.idle = co_await run_idle(ctx, gateway, o.idle, o.phase_cap);
  }
  if (ok) {
    ctx.failures.phase = std::string("closed loop, ") + name;
    std::fprintf(stderr, "[loadgen] %s: closed loop, %d callers, %.1f s\n", name, o.callers, o.seconds);
    auto closed = co_await run_closed_loop(ctx, redis, gateway, o);
    (durable ? f.aof_always : f.no_persistence) = std::move(closed);
  }
  if (ok && !durable) {
    for (const int rate : o.paced_rates) {
      ctx.failures.phase = "paced " + std::to_string(rate) + "/s";
      std::fprintf(stderr, "[loadgen] no persistence: paced, %d/s for %.1f s\n", rate, o.paced_seconds);
      auto paced = co_await run_paced(ctx, rate, o.paced_seconds, ctx.consultation_timeout + o.phase_cap);
      f.paced.push_back(std::move(paced));
    }
    ctx.failures.phase = "waiting callers";
    progress("no persistence: callers waiting in a queue nobody serves");
    f.waiting = co_await run_waiting(ctx, redis, gateway, o);
  }
  for (auto& lawyer : lawyers) lawyer->stop();
  if (!ok) run.setup_error = std::string(name) + ": " + run.setup_error + "\n" + "(logs under " + dir.string() + ")";
  co_await gateway.stop();
  co_await redis.stop();
  co_return ok;
}

asio::awaitable<void> run_all(const options& o, std::filesystem::path dir, load_context& ctx, run_state& run) {
  const bool durable_done = co_await run_pair(o, dir, true, ctx, run);
  bool memory_done = false;
  if (durable_done) memory_done = co_await run_pair(o, dir, false, ctx, run);
  run.figures.failures = ctx.failures.count;
  run.figures.failure_kinds = ctx.failures.kinds;
  run.finished = memory_done;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const auto error = parse_options(argc, argv, o); !error.empty()) {
    if (error != "help") std::fprintf(stderr, "hotline_loadgen: %s\n", error.c_str());
    std::fputs(usage(), stderr);
    return 2;
  }
  std::optional<peer_figures> peer;
  if (!o.peer_json.empty()) {
    std::string error;
    peer = read_peer(o.peer_json, error);
    if (!peer) {
      std::fprintf(stderr, "hotline_loadgen: %s\n", error.c_str());
      return 2;
    }
  }
  raise_open_file_limit();
  char pattern[] = "/tmp/hotline-loadgen-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(pattern);

  asio::io_context io;
  load_context ctx;
  ctx.executor = io.get_executor();
  ctx.consultation_timeout = o.consultation_timeout;
  run_state run;
  asio::co_spawn(io, run_all(o, dir, ctx, run), asio::detached);
  io.run();
  if (!run.finished) {
    std::fprintf(stderr, "hotline_loadgen: %s\n", run.setup_error.c_str());
    return 1;
  }

  const auto& f = run.figures;
  std::printf("\nmachine: %s\n", machine_description().c_str());
  std::printf("hotline_loadgen%s: one consultation = start, offer, accept, %d caller lines each answered by the "
              "lawyer, lawyer's end + work order, caller's rating; Redis on 127.0.0.1 TCP; gateway io threads: %s\n\n",
              o.smoke ? " --smoke" : "", chat_lines,
              o.threads > 0 ? std::to_string(o.threads).c_str() : "one per core");
  print_table(stdout, f, peer, o);
  for (const auto& [what, times] : f.failure_kinds) std::printf("failure ×%d: %s\n", times, what.c_str());
  if (!o.json_file.empty() && !write_json(o.json_file, f, peer))
    std::fprintf(stderr, "hotline_loadgen: cannot write %s\n", o.json_file.c_str());

  bool passed = true;
  if (o.smoke) {
    for (const auto& missing : unmeasured(f)) {
      std::printf("smoke: not measured: %s\n", missing.c_str());
      passed = false;
    }
    if (f.no_persistence.completed < 1 || f.aof_always.completed < 1) {
      std::printf("smoke: a Redis configuration completed no consultation\n");
      passed = false;
    }
    if (f.failures > 0) passed = false;
  }
  std::error_code ignored;
  if (passed) std::filesystem::remove_all(dir, ignored);
  else std::printf("logs kept under %s\n", dir.c_str());
  return passed ? 0 : 1;
}
