// The WebSocket plumbing shared by the caller, lawyer and wallboard sessions.
#include "ws_session.hpp"

#include "wire_error.hpp"

#include <hotline/core/log.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <utility>

namespace hotline::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;

ws_session::ws_session(websocket_stream stream, gateway_context& context, std::string log_id)
    : context_(context),
      log_id_(std::move(log_id)),
      stream_(std::move(stream)),
      outbox_signal_(stream_.get_executor()) {}

ws_session::~ws_session() = default;

asio::awaitable<void> ws_session::run(http_request upgrade) {
  auto self = shared_from_this();
  const auto& server = context_.config.server;
  beast::get_lowest_layer(stream_).expires_never();
  auto timeouts = beast::websocket::stream_base::timeout::suggested(beast::role_type::server);
  // Pings after half the idle time; a peer that answers nothing is dropped at the idle limit.
  timeouts.idle_timeout = std::chrono::seconds(server.ws_idle_timeout_seconds);
  timeouts.keep_alive_pings = true;
  stream_.set_option(timeouts);
  stream_.read_message_max(server.max_ws_message_bytes);
  stream_.set_option(beast::websocket::stream_base::decorator(
      [](beast::websocket::response_type& res) { res.set(beast::http::field::server, "hotline"); }));

  boost::system::error_code ec;
  co_await stream_.async_accept(upgrade, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  upgrade = {};  // the request's headers would otherwise stay in this frame for the socket's life
  asio::co_spawn(
      stream_.get_executor(), [self] { return self->write_loop(); }, asio::detached);

  co_await on_open();
  beast::flat_buffer buffer;
  while (!finished_) {
    co_await stream_.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == beast::websocket::error::message_too_big) {
        core::logger("gateway")->info("{} closed: message over {} bytes", log_id_, server.max_ws_message_bytes);
      } else if (ec != beast::websocket::error::closed) {
        core::logger("gateway")->debug("{} read ended: {}", log_id_, ec.message());
      }
      break;
    }
    ++context_.metrics.ws_frames_received_total;
    encoding_ = stream_.got_binary() ? frame_encoding::binary : frame_encoding::json;
    const std::string payload = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (closing_) continue;  // closed by us (access ended, say): what arrives meanwhile is not acted on
    const auto began = std::chrono::steady_clock::now();
    co_await on_frame(payload, encoding_);
    context_.metrics.frame_handling.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  }
  finished_ = true;
  outbox_signal_.cancel();
  context_.connections.remove(this);
  co_await on_closed();
}

asio::awaitable<std::optional<agents::account>> ws_session::authenticate(const std::string& pass,
                                                                         std::vector<v1::Role> roles,
                                                                         const std::string& refusal) {
  if (pass.empty()) {
    send_error("", v1::NOT_AUTHENTICATED, "open this WebSocket with ?pass= from POST /api/v1/auth/socket-pass");
    close();
    co_return std::nullopt;
  }
  auto who = co_await context_.accounts.redeem_socket_pass(pass);
  if (!who) {
    send_error("", who.error());
    close();
    co_return std::nullopt;
  }
  if (std::find(roles.begin(), roles.end(), who->role) == roles.end()) {
    send_error("", v1::FORBIDDEN, refusal);
    close();
    co_return std::nullopt;
  }
  context_.connections.add_staff(who->username, shared_from_this());
  co_return std::move(*who);
}

void ws_session::end_access() {
  ++context_.metrics.access_ended_total;
  core::logger("gateway")->info("{} closed: the account's access ended", log_id_);
  send_error("", v1::NOT_AUTHENTICATED, "signed out: the account was disabled or its role or password changed");
  close();
}

void ws_session::send(const google::protobuf::Message& frame) {
  if (finished_ || closing_) return;
  if (outbox_.size() >= context_.config.server.ws_outbound_queue_limit) {
    // A client that cannot keep up is cut off rather than buffered without bound.
    ++context_.metrics.ws_slow_consumers_total;
    core::logger("gateway")->warn("{} closed: outbound queue full", log_id_);
    finished_ = true;
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
    return;
  }
  outbox_.emplace_back(encode_frame(frame, encoding_), encoding_);
  outbox_signal_.cancel();
}

void ws_session::send_error(const std::string& request_id, v1::ErrorCode code, const std::string& message,
                            int retry_after_seconds) {
  ++context_.metrics.ws_frame_errors_total;
  v1::Error error;
  error.set_code(code);
  error.set_message(message);
  error.set_retry_after_seconds(retry_after_seconds);
  send(*error_frame(request_id, error));
}

void ws_session::send_error(const std::string& request_id, const boost::system::error_code& ec) {
  const auto wire = to_wire(ec);
  send_error(request_id, wire.code, wire.message, wire.retry_after_seconds);
}

void ws_session::close() {
  closing_ = true;
  outbox_signal_.cancel();
}

void ws_session::refresh(bool resync) {
  if (finished_) return;
  resync_pending_ = resync_pending_ || resync;
  if (refreshing_) {
    refresh_again_ = true;
    return;
  }
  refreshing_ = true;
  asio::co_spawn(
      stream_.get_executor(), [self = shared_from_this()] { return self->refresh_loop(); }, asio::detached);
}

asio::awaitable<void> ws_session::refresh_loop() {
  auto self = shared_from_this();
  do {
    refresh_again_ = false;
    co_await on_refresh(std::exchange(resync_pending_, false));
  } while (refresh_again_ && !finished_);
  refreshing_ = false;
}

asio::awaitable<void> ws_session::write_loop() {
  auto self = shared_from_this();
  boost::system::error_code ec;
  while (!finished_) {
    if (outbox_.empty()) {
      if (closing_) break;
      outbox_signal_.expires_at(asio::steady_timer::time_point::max());
      co_await outbox_signal_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto [payload, encoding] = std::move(outbox_.front());
    outbox_.pop_front();
    stream_.binary(encoding == frame_encoding::binary);
    co_await stream_.async_write(asio::buffer(payload), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      finished_ = true;
      break;
    }
    ++context_.metrics.ws_frames_sent_total;
  }
  if (closing_ && !finished_ && stream_.is_open())
    co_await stream_.async_close(beast::websocket::close_code::going_away,
                                 asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace hotline::gateway
