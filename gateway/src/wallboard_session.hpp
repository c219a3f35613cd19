#pragma once
// A supervisor's wallboard WebSocket (/ws/wallboard?pass=…): the live queue, the lawyers by
// status and today's figures, pushed on every change of a session, lawyer or queue.

#include "ws_session.hpp"

namespace hotline::gateway {

class wallboard_session final : public framed_session<v1::WallboardServerFrame> {
 public:
  wallboard_session(websocket_stream stream, gateway_context& context, std::string log_id, std::string pass);

 private:
  boost::asio::awaitable<void> on_open() override;
  boost::asio::awaitable<void> on_frame(std::string_view payload, frame_encoding encoding) override;
  boost::asio::awaitable<void> on_refresh(bool resync) override;
  boost::asio::awaitable<void> on_closed() override;

  std::string pass_;
  bool authorized_ = false;
  std::string last_sent_;  ///< the last wallboard without its timestamp: unchanged boards are not resent
};

}  // namespace hotline::gateway
