// The generator's WebSocket client over Beast.
#include "ws_client.hpp"

#include <boost/beast/websocket.hpp>

namespace loadgen {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;

ws_client::ws_client(asio::any_io_executor ex, traffic& counts) : ws_(std::move(ex)), counts_(counts) {}

asio::awaitable<boost::system::error_code> ws_client::connect(std::uint16_t port, const std::string& target,
                                                              clock::duration handshake, clock::duration idle) {
  boost::system::error_code ec;
  auto& tcp_layer = beast::get_lowest_layer(ws_);
  tcp_layer.expires_after(handshake);
  const tcp::endpoint gateway(asio::ip::make_address("127.0.0.1"), port);
  co_await tcp_layer.async_connect(gateway, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  tcp_layer.expires_never();
  // Small frames would otherwise wait for the peer's delayed ACK.
  tcp_layer.socket().set_option(tcp::no_delay(true), ec);
  handshake_timeout_ = handshake;
  idle_timeout(idle);
  ws_.read_message_max(1 << 20);
  const std::string host = "127.0.0.1:" + std::to_string(port);
  co_await ws_.async_handshake(host, target, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

void ws_client::idle_timeout(clock::duration idle) {
  beast::websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = handshake_timeout_;
  timeouts.idle_timeout = idle == clock::duration::zero() ? beast::websocket::stream_base::none() : idle;
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
}

asio::awaitable<boost::system::error_code> ws_client::send(std::string_view text) {
  boost::system::error_code ec;
  ws_.text(true);
  co_await ws_.async_write(asio::buffer(text.data(), text.size()), asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) ++counts_.frames_sent;
  co_return ec;
}

asio::awaitable<std::string_view> ws_client::read(boost::system::error_code& ec) {
  buffer_.clear();
  co_await ws_.async_read(buffer_, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::string_view();
  ++counts_.frames_received;
  const auto data = buffer_.cdata();
  co_return std::string_view(static_cast<const char*>(data.data()), data.size());
}

asio::awaitable<void> ws_client::close() {
  boost::system::error_code ignored;
  if (ws_.is_open())
    co_await ws_.async_close(beast::websocket::close_code::normal, asio::redirect_error(asio::use_awaitable, ignored));
}

void ws_client::abort() {
  boost::system::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

}  // namespace loadgen
