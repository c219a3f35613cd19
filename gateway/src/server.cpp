// Wiring of the listener, the hint dispatcher and the sweeper.
#include "hotline/gateway/server.hpp"

#include "context.hpp"
#include "http_session.hpp"
#include "phone_service.hpp"
#include "position_ticker.hpp"

#include <hotline/core/ids.hpp>
#include <hotline/core/log.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hotline::gateway {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// One io thread's share of the gateway: the WebSockets it serves, its pub/sub connection, and the
// position ticker of its callers. Every shard hears every push and hands it to its own connections.
struct shard {
  shard(asio::io_context& io, const core::config& config, const core::redis_options& redis_options,
        core::redis_client& redis, queue::engine& queue, agents::accounts& accounts, archive_service& archive,
        gateway_metrics& metrics)
      : subscriber(
            io.get_executor(), redis_options,
            [this](std::string_view channel, std::string_view payload) {
              if (channel == revocations) context.connections.end_access(std::string(payload));
              else on_push(payload);
            },
            [this](std::string_view) { context.connections.refresh_all(); }),
        revocations(accounts.revocations_channel()),
        context{io.get_executor(), config, redis, subscriber, queue, accounts, archive, metrics},
        positions(context, io.get_executor()) {}

  void on_push(std::string_view payload) {
    ++context.metrics.notifications_total;
    // Every thread hears every push: one that is for nobody here is not decoded. (The phone
    // channel follows its own calls' sessions.)
    if (auto to = queue::engine::address_of(payload);
        to && !context.connections.wants(*to) && !(context.phone && to->id.starts_with('p'))) {
      positions.board_changed();
      return;
    }
    if (auto pushed = queue::engine::parse_notification(payload)) {
      context.connections.dispatch(*pushed);
      if (context.phone) context.phone->on_hint(*pushed);
      if (pushed->what == queue::notification::kind::queue) positions.queue_changed(pushed->id, pushed->rank);
      if (pushed->what != queue::notification::kind::chat) positions.board_changed();
    }
  }

  void start(asio::io_context& io) {
    subscriber.subscribe(context.queue.notify_channel());
    subscriber.subscribe(revocations);
    subscriber.start();
    asio::co_spawn(io, positions.run(), asio::detached);
  }

  void stop() {
    positions.stop();
    context.connections.close_all();
    subscriber.stop();
  }

  core::redis_subscriber subscriber;
  const std::string revocations;  ///< the accounts' channel: an account whose staff connections must close
  gateway_context context;
  position_ticker positions;
};

// A shard beyond the first: a thread of its own with its own io_context and Redis connections, so
// that it shares nothing mutable with the others (the metrics are atomic).
struct worker {
  worker(const core::config& config, const core::redis_options& redis_options, archive_service& archive,
         gateway_metrics& metrics)
      : redis(io.get_executor(), redis_options, queue::engine::scripts()),
        queue(redis, config),
        accounts(redis, config),
        part(io, config, redis_options, redis, queue, accounts, archive, metrics) {}

  void start() {
    redis.start();
    part.start(io);
    thread = std::thread([this] {
      io.run();
      finished = true;
    });
  }

  asio::io_context io{1};
  // Keeps run() going between connections; released at stop.
  asio::executor_work_guard<asio::io_context::executor_type> busy = asio::make_work_guard(io);
  core::redis_client redis;
  queue::engine queue;
  agents::accounts accounts;
  shard part;
  std::atomic<bool> finished = false;
  std::thread thread;
};

}  // namespace

struct server::impl {
  impl(asio::io_context& io, const core::config& config, const core::redis_options& redis_options,
       core::redis_client& redis, queue::engine& queue, agents::accounts& accounts, archive_service& archive)
      : io(io),
        redis_options(redis_options),
        gate(config.admission),
        main(io, config, redis_options, redis, queue, accounts, archive, metrics),
        context(main.context),
        acceptor(io),
        sweep_timer(io),
        phone(context, io.get_executor()) {
    context.phone = &phone;
    context.gate = &gate;
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        // Out of file descriptors and the like: back off instead of spinning.
        core::logger("gateway")->warn("accept failed: {}", ec.message());
        asio::steady_timer pause(io, std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      auto slot = gate.connect();
      if (!slot) {
        ++context.metrics.connections_refused_total;
        socket.close(ec);
        continue;
      }
      // Without it every small frame waits out the peer's delayed ACK (40 ms on Linux).
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(io, serve_connection(context, std::move(socket), std::move(slot)), asio::detached);
    }
  }

  // Every gateway sweeps; the script removes each deadline before acting on it, so each acts once.
  asio::awaitable<void> sweep_loop() {
    const auto interval = std::chrono::milliseconds(context.config.routing.sweep_interval_ms);
    while (!stopped) {
      auto handled = co_await context.queue.sweep();
      if (handled) context.metrics.sweeper_deadlines_total += *handled;
      if (handled && *handled >= 100) continue;  // a backlog: keep going without the pause
      sweep_timer.expires_after(interval);
      boost::system::error_code ec;
      co_await sweep_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  asio::io_context& io;
  const core::redis_options redis_options;
  gateway_metrics metrics;  ///< every shard's
  admission gate;           ///< every shard's
  shard main;               ///< on the caller's io_context: also HTTP, wallboards, the phone, sweeper, archiver
  gateway_context& context;
  tcp::acceptor acceptor;
  asio::steady_timer sweep_timer;
  phone_service phone;
  std::vector<std::unique_ptr<worker>> workers;
  bool stopped = false;
};

server::server(asio::io_context& io, const core::config& config, const core::redis_options& redis_options,
               core::redis_client& redis, queue::engine& queue, agents::accounts& accounts, archive_service& archive)
    : impl_(std::make_unique<impl>(io, config, redis_options, redis, queue, accounts, archive)) {}

boost::system::result<std::uint16_t, std::string> server::start() {
  const auto& cfg = impl_->context.config.server;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(cfg.listen, ec);
  if (ec) return "server.listen '" + cfg.listen + "' is not an IP address";
  const tcp::endpoint endpoint(address, cfg.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on " + cfg.listen + ":" + std::to_string(cfg.port) + ": " + ec.message();

  auto& d = *impl_;
  const auto& config = d.context.config;
  const unsigned threads = config.server.threads > 0 ? static_cast<unsigned>(config.server.threads)
                                                     : std::max(1u, std::thread::hardware_concurrency());
  d.context.ws_shards.push_back(&d.context);
  for (unsigned i = 1; i < threads; ++i) {
    d.workers.push_back(std::make_unique<worker>(config, d.redis_options, d.context.archive, d.metrics));
    d.workers.back()->part.context.gate = &d.gate;
    d.context.ws_shards.push_back(&d.workers.back()->part.context);
  }
  for (auto& w : d.workers) w->start();
  d.main.start(d.io);
  asio::co_spawn(d.io, d.accept_loop(), asio::detached);
  asio::co_spawn(d.io, d.sweep_loop(), asio::detached);
  // Every node runs the archiver; the lease in Redis lets one of them write at a time.
  d.phone.start();
  asio::co_spawn(d.io, d.context.archive.run(d.context.queue, core::random_hex(8)), asio::detached);
  return acceptor.local_endpoint().port();
}

void server::stop() {
  auto& d = *impl_;
  d.stopped = true;
  boost::system::error_code ec;
  d.acceptor.close(ec);
  d.sweep_timer.cancel();
  d.context.archive.stop();
  d.phone.stop();
  d.main.stop();
  // Each worker closes its own sockets on its own thread, says goodbye to Redis, and ends.
  for (auto& w : d.workers)
    asio::post(w->io, [&w = *w] {
      w.part.stop();
      w.redis.stop();
      w.busy.reset();
    });
}

server::~server() {
  for (auto& w : impl_->workers) {
    if (!w->thread.joinable()) continue;
    // After stop() a worker ends once its sockets and Redis connections are closed; one that is
    // still busy after a second (or was never stopped) is stopped where it stands.
    asio::post(w->io, [&w = *w] { w.busy.reset(); });
    for (int i = 0; i < 100 && !w->finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    w->io.stop();
    w->thread.join();
  }
}

bool server::ready() const {
  // Read from any thread: the connections' readiness flags are atomic.
  const auto& shards = impl_->context.ws_shards;
  return !shards.empty() && std::all_of(shards.begin(), shards.end(), [](auto* shard) {
    return shard->redis.ready() && shard->subscriber.ready();
  });
}

}  // namespace hotline::gateway
