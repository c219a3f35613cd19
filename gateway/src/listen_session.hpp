#pragma once
// A supervisor listening live to a call (/ws/listen?pass=…&session=…): both sides of the call,
// as rtpengine copies them, pushed as A-law frames until the socket closes or the call ends.

#include "ws_session.hpp"

namespace hotline::gateway {

class listen_session final : public framed_session<v1::ListenServerFrame> {
 public:
  listen_session(websocket_stream stream, gateway_context& context, std::string log_id, std::string pass,
                 std::string session_id);

 private:
  boost::asio::awaitable<void> on_open() override;
  boost::asio::awaitable<void> on_frame(std::string_view payload, frame_encoding encoding) override;
  boost::asio::awaitable<void> on_refresh(bool resync) override;
  boost::asio::awaitable<void> on_closed() override;

  std::string pass_;
  std::string session_id_;
  std::uint64_t listener_ = 0;  ///< non-zero while listening
};

}  // namespace hotline::gateway
