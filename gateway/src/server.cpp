// Wiring of the listener, the hint dispatcher and the sweeper.
#include "hotline/gateway/server.hpp"

#include "context.hpp"
#include "http_session.hpp"
#include "phone_service.hpp"
#include "position_ticker.hpp"

#include <hotline/core/ids.hpp>
#include <hotline/core/log.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hotline::gateway {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct server::impl {
  impl(asio::io_context& io, const core::config& config, const core::redis_options& redis_options,
       core::redis_client& redis, queue::engine& queue, agents::accounts& accounts, archive_service& archive)
      : io(io),
        subscriber(
            io.get_executor(), redis_options, [this](std::string_view, std::string_view payload) { on_hint(payload); },
            [this](std::string_view) { context.connections.refresh_all(); }),
        context{config, redis, subscriber, queue, accounts, archive, nullptr, {}, {}},
        acceptor(io),
        sweep_timer(io),
        phone(context, io.get_executor()),
        positions(context, io.get_executor()) {
    context.phone = &phone;
  }

  void on_hint(std::string_view payload) {
    ++context.metrics.notifications_total;
    if (auto hint = queue::engine::parse_notification(payload)) {
      context.connections.dispatch(*hint);
      phone.on_hint(*hint);
      if (hint->what == queue::notification::kind::queue) positions.queue_changed(hint->id, hint->rank);
      if (hint->what != queue::notification::kind::chat) positions.board_changed();
    }
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
      // Without it every small frame waits out the peer's delayed ACK (40 ms on Linux).
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(io, serve_connection(context, std::move(socket)), asio::detached);
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
  core::redis_subscriber subscriber;
  gateway_context context;
  tcp::acceptor acceptor;
  asio::steady_timer sweep_timer;
  phone_service phone;
  position_ticker positions;
  bool stopped = false;
};

server::server(asio::io_context& io, const core::config& config, const core::redis_options& redis_options,
               core::redis_client& redis, queue::engine& queue, agents::accounts& accounts, archive_service& archive)
    : impl_(std::make_unique<impl>(io, config, redis_options, redis, queue, accounts, archive)) {}

server::~server() = default;

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

  impl_->subscriber.subscribe(impl_->context.queue.notify_channel());
  impl_->subscriber.start();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  asio::co_spawn(impl_->io, impl_->sweep_loop(), asio::detached);
  asio::co_spawn(impl_->io, impl_->positions.run(), asio::detached);
  // Every node runs the archiver; the lease in Redis lets one of them write at a time.
  impl_->phone.start();
  asio::co_spawn(impl_->io, impl_->context.archive.run(impl_->context.queue, core::random_hex(8)), asio::detached);
  return acceptor.local_endpoint().port();
}

void server::stop() {
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  impl_->sweep_timer.cancel();
  impl_->positions.stop();
  impl_->context.archive.stop();
  impl_->phone.stop();
  impl_->context.connections.close_all();
  impl_->subscriber.stop();
}

core::redis_subscriber& server::subscriber() { return impl_->subscriber; }

}  // namespace hotline::gateway
