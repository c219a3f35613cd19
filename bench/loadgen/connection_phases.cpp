// Phases about connections rather than consultations: idle sockets (gateway memory) and callers
// waiting in a queue (what one more arrival costs as the line grows).
#include "caller_bot.hpp"
#include "phases.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <sys/resource.h>

#include <limits>
#include <memory>

namespace loadgen {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

const std::string caller_path = "/ws/caller";

// The queue no lawyer serves: every lawyer of the run has consult.marriage only.
constexpr const char* unserved_category = "consult.labour";

// Sockets opened by several workers at once; shared so that a worker the phase stopped waiting for
// cannot outlive what it writes to.
struct opener_state {
  int wanted = 0;
  int started = 0;
  int failed = 0;
  int workers = 0;
  clock::time_point deadline;
  std::vector<std::unique_ptr<ws_client>> idle;
  std::vector<std::shared_ptr<waiting_caller>> waiting;
};

// Redis commands per second of an idle gateway (sweeper, archiver and position ticker polling).
constexpr double idle_commands_per_second = 100;

// Opening stops at the first few failures: past a descriptor limit every further try fails too.
constexpr int tolerated_failures = 16;

bool keep_opening(const opener_state& s) {
  return s.started < s.wanted && s.failed < tolerated_failures && clock::now() < s.deadline;
}

asio::awaitable<void> open_idle(load_context& ctx, std::shared_ptr<opener_state> s) {
  while (keep_opening(*s)) {
    ++s->started;
    auto socket = std::make_unique<ws_client>(ctx.executor, ctx.counts);
    const auto failed = co_await socket->connect(ctx.port, caller_path, std::chrono::seconds(5));
    if (failed)
      ++s->failed;
    else
      s->idle.push_back(std::move(socket));
  }
  --s->workers;
}

// The listener owns its caller, so a caller cannot go away under a pending read.
asio::awaitable<void> keep_listening(std::shared_ptr<waiting_caller> caller) { co_await caller->listen(); }

asio::awaitable<void> open_waiting(load_context& ctx, std::shared_ptr<opener_state> s) {
  while (keep_opening(*s)) {
    ++s->started;
    auto caller = std::make_shared<waiting_caller>(ctx);
    const bool joined = co_await caller->join(unserved_category);
    if (!joined) {
      ++s->failed;
      continue;
    }
    asio::co_spawn(ctx.executor, keep_listening(caller), asio::detached);
    s->waiting.push_back(std::move(caller));
  }
  --s->workers;
}

asio::awaitable<void> open_all(load_context& ctx, std::shared_ptr<opener_state> s, int workers, bool idle) {
  for (int i = 0; i < workers; ++i) {
    ++s->workers;
    if (idle)
      asio::co_spawn(ctx.executor, open_idle(ctx, s), asio::detached);
    else
      asio::co_spawn(ctx.executor, open_waiting(ctx, s), asio::detached);
  }
  co_await wait_until([&] { return s->workers == 0; }, s->deadline - clock::now() + std::chrono::seconds(35));
}

long open_file_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  return static_cast<long>(limit.rlim_cur);
}

// Waits until the work a burst set off is over: the refreshes an arrival caused among the waiting
// callers, or the archiver catching up with the events of callers just added.
asio::awaitable<void> settle(redis_instance& redis, double background_per_second, clock::duration cap) {
  const auto deadline = clock::now() + cap;
  const auto window = std::chrono::milliseconds(200);
  auto last = co_await redis.counters();
  while (last && clock::now() < deadline) {
    co_await sleep_for(window);
    const auto now = co_await redis.counters();
    if (!now) break;
    const bool quiet = now->commands - last->commands <= 2 * background_per_second * 0.2 + 10;
    last = now;
    if (quiet) break;
  }
}

}  // namespace

asio::awaitable<idle_result> run_idle(load_context& ctx, const gateway_instance& gateway, int count,
                                      clock::duration cap) {
  idle_result out;
  out.wanted = count;
  // Keep room for the lawyers' sockets and the generator's own files.
  const long room = open_file_limit() - 256;
  auto s = std::make_shared<opener_state>();
  s->wanted = static_cast<int>(std::min<long>(count, room));
  s->deadline = clock::now() + cap;
  co_await sleep_for(std::chrono::milliseconds(500));
  const long before = gateway.rss_kb();
  co_await open_all(ctx, s, 64, true);
  co_await sleep_for(std::chrono::seconds(1));
  const long after = gateway.rss_kb();
  out.opened = static_cast<int>(s->idle.size());
  out.kb_per_socket = out.opened > 0 ? static_cast<double>(after - before) / out.opened : nan;
  if (out.opened < count)
    out.limited_by = s->wanted < count ? "the generator's descriptor limit " + std::to_string(open_file_limit())
                     : s->failed > 0 ? "failed upgrades (the gateway's descriptor limit?)"
                                     : "the phase's time cap";
  for (auto& socket : s->idle) socket->abort();
  s->idle.clear();
  // Let the gateway notice the closes before the next phase measures it.
  co_await sleep_for(std::chrono::seconds(1));
  co_return out;
}

asio::awaitable<std::vector<waiting_result>> run_waiting(load_context& ctx, redis_instance& redis,
                                                         const gateway_instance& gateway, const options& o) {
  std::vector<waiting_result> results;
  auto s = std::make_shared<opener_state>();
  // Counts ascend, so each step adds callers to those already waiting.
  for (const int wanted : o.waiting) {
    waiting_result r;
    r.wanted = wanted;
    s->wanted = std::min<long>(wanted, open_file_limit() - 256);
    s->failed = 0;
    s->deadline = clock::now() + o.phase_cap;
    co_await open_all(ctx, s, 64, false);
    r.reached = static_cast<int>(s->waiting.size());
    // The archiver reads the events of every caller just added: that is their arrivals' cost, not
    // the cost of waiting or of the arrivals measured next.
    co_await settle(redis, idle_commands_per_second, std::chrono::seconds(60));

    // What the waiting callers cost while nothing happens (sweeper, archiver, whatever the gateway
    // does per waiting caller on a timer): also the level an arrival's aftermath must fall back to.
    const auto quiet_from = co_await take_sample(redis, gateway, ctx.counts);
    co_await sleep_for(std::chrono::seconds(1));
    const auto quiet_to = co_await take_sample(redis, gateway, ctx.counts);
    const double quiet_seconds = std::chrono::duration<double>(quiet_to.at - quiet_from.at).count();
    const auto quiet = cost_per_unit(quiet_from, quiet_to, quiet_seconds);
    r.idle_cpu_percent = (quiet.redis_cpu_us + quiet.gateway_cpu_us) * 1e-4;

    const auto before = co_await take_sample(redis, gateway, ctx.counts);
    const auto deadline = clock::now() + o.phase_cap;
    // At least `arrivals`, and for at least a second so that small costs are above the clocks' grain.
    while ((r.arrivals < o.arrivals || clock::now() - before.at < std::chrono::seconds(1)) &&
           r.arrivals < 100 * o.arrivals && clock::now() < deadline) {
      const bool left = co_await arrive_and_leave(ctx, unserved_category);
      if (!left) break;
      ++r.arrivals;
    }
    const auto arrived = clock::now();
    co_await settle(redis, quiet.redis_commands, std::chrono::seconds(10));
    const auto after = co_await take_sample(redis, gateway, ctx.counts);
    r.ms_per_arrival = r.arrivals > 0 ? ms_between(before.at, arrived) / r.arrivals : nan;
    r.cost = cost_per_unit(before, after, r.arrivals);
    results.push_back(r);
    if (r.reached < wanted) break;  // a larger count would not be reached either
  }
  for (auto& caller : s->waiting) caller->hang_up();
  s->waiting.clear();
  co_return results;
}

}  // namespace loadgen
