#include "hotline/telephony/ng_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <map>
#include <optional>
#include <random>

namespace hotline::telephony {

namespace asio = boost::asio;
using udp = asio::ip::udp;

struct ng_client::impl : std::enable_shared_from_this<impl> {
  struct pending {
    std::optional<bdict> reply;
    std::string decode_error;
    asio::steady_timer* waker = nullptr;
  };

  impl(asio::any_io_executor executor, std::string host, int port, std::chrono::milliseconds retransmit_after,
       int attempts)
      : socket(executor), retransmit_after(retransmit_after), attempts(attempts) {
    boost::system::error_code ec;
    target = udp::endpoint(asio::ip::make_address(host, ec), static_cast<unsigned short>(port));
    socket.open(target.protocol(), ec);
    std::random_device seed;
    prefix = std::to_string(seed() % 100000) + "_";
  }

  asio::awaitable<void> receive_loop() {
    auto self = shared_from_this();
    std::array<char, 65536> buffer{};
    for (;;) {
      udp::endpoint from;
      boost::system::error_code ec;
      const auto n = co_await socket.async_receive_from(asio::buffer(buffer), from,
                                                        asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !socket.is_open()) co_return;
      if (ec) continue;
      const std::string_view datagram(buffer.data(), n);
      const auto space = datagram.find(' ');
      if (space == std::string_view::npos) continue;
      const auto found = waiting.find(std::string(datagram.substr(0, space)));
      if (found == waiting.end() || found->second.reply) continue;
      auto decoded = bdecode(datagram.substr(space + 1));
      if (decoded && decoded->dict()) {
        found->second.reply = *decoded->dict();
      } else {
        found->second.reply = bdict{};
        found->second.decode_error = decoded ? "reply is not a dictionary" : decoded.error();
      }
      if (found->second.waker) found->second.waker->cancel();
    }
  }

  udp::socket socket;
  udp::endpoint target;
  std::chrono::milliseconds retransmit_after;
  int attempts;
  std::string prefix;
  std::uint64_t next_cookie = 1;
  std::map<std::string, pending> waiting;
  bool receiving = false;
};

ng_client::ng_client(asio::any_io_executor executor, std::string host, int port,
                     std::chrono::milliseconds retransmit_after, int attempts)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(host), port, retransmit_after, attempts)) {}

ng_client::~ng_client() { stop(); }

void ng_client::stop() {
  boost::system::error_code ec;
  impl_->socket.close(ec);
  for (auto& [cookie, entry] : impl_->waiting)
    if (entry.waker) entry.waker->cancel();
}

asio::awaitable<boost::system::result<bdict, std::string>> ng_client::command(bdict request) {
  auto state = impl_;
  if (!state->socket.is_open()) co_return std::string("the ng socket is closed");
  if (!state->receiving) {
    state->receiving = true;
    asio::co_spawn(state->socket.get_executor(), state->receive_loop(), asio::detached);
  }
  const std::string cookie = state->prefix + std::to_string(state->next_cookie++);
  const std::string datagram = cookie + " " + bencode(bvalue(std::move(request)));
  auto& entry = state->waiting[cookie];
  asio::steady_timer timer(state->socket.get_executor());
  entry.waker = &timer;
  for (int attempt = 0; attempt < state->attempts && !entry.reply && state->socket.is_open(); ++attempt) {
    boost::system::error_code ec;
    co_await state->socket.async_send_to(asio::buffer(datagram), state->target,
                                         asio::redirect_error(asio::use_awaitable, ec));
    timer.expires_after(state->retransmit_after * (attempt + 1));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  auto node = state->waiting.extract(cookie);
  auto& done = node.mapped();
  if (!done.reply) co_return std::string("rtpengine did not answer");
  if (!done.decode_error.empty()) co_return "bad reply from rtpengine: " + done.decode_error;
  if (text_of(*done.reply, "result") == "error") co_return "rtpengine: " + text_of(*done.reply, "error-reason");
  co_return std::move(*done.reply);
}

}  // namespace hotline::telephony
