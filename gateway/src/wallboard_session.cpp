// Wallboard pushes: each hint re-reads the board (refreshes coalesce while one runs) and sends it
// when anything on it changed.
#include "wallboard_session.hpp"

#include "reports.hpp"

#include <hotline/core/log.hpp>

namespace hotline::gateway {

namespace asio = boost::asio;

wallboard_session::wallboard_session(websocket_stream stream, gateway_context& context, std::string log_id,
                                     std::string pass)
    : framed_session(std::move(stream), context, std::move(log_id)), pass_(std::move(pass)) {}

asio::awaitable<void> wallboard_session::on_open() {
  std::vector<v1::Role> allowed{v1::SUPERVISOR, v1::ADMIN};
  auto who = co_await authenticate(pass_, std::move(allowed), "the wallboard is for supervisors and admins");
  if (!who) co_return;
  authorized_ = true;
  context_.connections.add(registry::role::wallboard, who->username, "", shared_from_this());
  refresh();
}

asio::awaitable<void> wallboard_session::on_frame(std::string_view, frame_encoding) {
  // The wallboard only listens; any frame asks for a fresh board.
  if (authorized_) refresh();
  co_return;
}

asio::awaitable<void> wallboard_session::on_refresh(bool) {
  if (!authorized_) co_return;
  auto board = co_await wallboard(context_.queue, context_.config);
  if (!board) {
    send_error("", board.error());
    co_return;
  }
  auto compare = *board;
  compare.set_at_ms(0);
  compare.set_longest_wait_seconds(0);
  auto key = compare.SerializeAsString();
  if (key == last_sent_) co_return;
  last_sent_ = std::move(key);
  v1::WallboardServerFrame frame;
  *frame.mutable_wallboard() = std::move(*board);
  send(frame);
}

asio::awaitable<void> wallboard_session::on_closed() { co_return; }

}  // namespace hotline::gateway
