#pragma once
// What caller and lawyer WebSockets share: the handshake, the read loop (one frame handled at a
// time, in order), one writer with a bounded outbound queue, and coalesced refreshes on hints.

#include "context.hpp"
#include "hotline/gateway/frame_codec.hpp"
#include "session_update.hpp"
#include "transcript_cursor.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hotline::gateway {

using websocket_stream = boost::beast::websocket::stream<boost::beast::tcp_stream>;
using http_request = boost::beast::http::request<boost::beast::http::string_body>;

class ws_session : public std::enable_shared_from_this<ws_session> {
 public:
  ws_session(websocket_stream stream, gateway_context& context, std::string log_id);
  virtual ~ws_session();

  /// Completes the upgrade and serves the connection until it closes.
  boost::asio::awaitable<void> run(http_request upgrade);
  boost::asio::any_io_executor get_executor() { return stream_.get_executor(); }
  /// Runs on_refresh, once more after the current run if one is under way. `resync` reads the
  /// state and transcripts again (after a connect, a resume or missed pub/sub messages); without
  /// it the connection shows what was pushed meanwhile.
  void refresh(bool resync = false);
  /// A new transcript line of a session this connection follows.
  virtual void push_chat(const queue::chat_line&) {}
  /// A session's new state, answering `request_id` (scoped) when that is set.
  virtual void push_session(const queue::session_view&, const std::string& /*request_id*/) {}
  /// A lawyer's new state, answering `request_id` (scoped) when that is set.
  virtual void push_agent(const queue::agent_view&, const std::string& /*request_id*/) {}
  /// The open tickets changed: connections that show them read them again.
  virtual void tickets_changed() { refresh(); }
  /// The followed session's place in its queue as of the last tick (0: not in the queue) and the
  /// lawyers on duty for it.
  virtual void place_in_line(int /*position*/, int /*staffed*/) {}
  /// Keeps the connection's place in the node's admission until the session ends.
  void hold(admission::slot slot) { slot_ = std::move(slot); }
  /// Sends a close frame after what is queued.
  void close();
  /// The account's access was revoked: says so (NOT_AUTHENTICATED) and closes.
  void end_access();

 protected:
  virtual boost::asio::awaitable<void> on_open() = 0;
  virtual boost::asio::awaitable<void> on_frame(std::string_view payload, frame_encoding encoding) = 0;
  virtual boost::asio::awaitable<void> on_refresh(bool resync) = 0;
  virtual boost::asio::awaitable<void> on_closed() = 0;

  /// The account behind the connection's single-use pass (POST /api/v1/auth/socket-pass) when its
  /// role is one of `roles`, registered to be closed when its access ends; otherwise sends the
  /// error (not signed in, or `refusal` as FORBIDDEN), closes, and gives nothing.
  boost::asio::awaitable<std::optional<agents::account>> authenticate(const std::string& pass,
                                                                      std::vector<v1::Role> roles,
                                                                      const std::string& refusal);
  /// Queues a frame in the encoding the client last used.
  void send(const google::protobuf::Message& frame);
  /// Stable error code and message, echoing the request id.
  void send_error(const std::string& request_id, v1::ErrorCode code, const std::string& message,
                  int retry_after_seconds = 0);
  void send_error(const std::string& request_id, const boost::system::error_code& ec);

  gateway_context& context_;
  const std::string log_id_;  ///< starts every log line about this connection

 private:
  /// The error frame of this connection's kind.
  virtual std::unique_ptr<google::protobuf::Message> error_frame(const std::string& request_id,
                                                                 const v1::Error& error) const = 0;

  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> refresh_loop();

  websocket_stream stream_;
  admission::slot slot_;
  frame_encoding encoding_ = frame_encoding::json;
  std::deque<std::pair<std::string, frame_encoding>> outbox_;
  boost::asio::steady_timer outbox_signal_;
  bool closing_ = false;
  bool finished_ = false;
  bool refreshing_ = false;
  bool refresh_again_ = false;
  bool resync_pending_ = false;
};

/// A connection whose server frames are `ServerFrame`: a message with an `error` field and,
/// where the client sends requests, a `request_id` the error echoes.
template <class ServerFrame>
class framed_session : public ws_session {
 protected:
  using ws_session::ws_session;

  /// Sends transcript lines as `chat` frames, each echoing the request it answers.
  void send_chats(std::vector<transcript_cursor::delivery> lines) {
    for (auto& line : lines) {
      ServerFrame frame;
      frame.set_request_id(line.request_id);
      *frame.mutable_chat() = to_chat(line.session_id, line.entry);
      send(frame);
    }
  }

 private:
  std::unique_ptr<google::protobuf::Message> error_frame(const std::string& request_id,
                                                         const v1::Error& error) const final {
    auto frame = std::make_unique<ServerFrame>();
    if constexpr (requires { frame->set_request_id(request_id); }) frame->set_request_id(request_id);
    *frame->mutable_error() = error;
    return frame;
  }
};

}  // namespace hotline::gateway
