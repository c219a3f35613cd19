#pragma once
// A citizen's chat WebSocket (/ws/caller): start or resume one session, chat, rate, leave.

#include "request_acks.hpp"
#include "transcript_cursor.hpp"
#include "ws_session.hpp"

#include <hotline/core/ids.hpp>

namespace hotline::gateway {

class caller_session final : public framed_session<v1::CallerServerFrame> {
 public:
  /// `source`: the caller's address as admission counts it (per-source limits of `start`).
  caller_session(websocket_stream stream, gateway_context& context, std::string log_id, std::string source)
      : framed_session(std::move(stream), context, std::move(log_id)), source_(std::move(source)) {}

 private:
  boost::asio::awaitable<void> on_open() override;
  boost::asio::awaitable<void> on_frame(std::string_view payload, frame_encoding encoding) override;
  boost::asio::awaitable<void> on_refresh(bool resync) override;
  boost::asio::awaitable<void> on_closed() override;
 public:
  void push_chat(const queue::chat_line& line) override;
  void push_session(const queue::session_view& session, const std::string& request_id) override;
  void place_in_line(int position, int staffed) override;

 private:
  boost::asio::awaitable<void> start(const std::string& request_id, const v1::StartSession& start);
  boost::asio::awaitable<void> resume(const std::string& request_id, const v1::ResumeSession& resume);
  boost::asio::awaitable<void> leave_message(const std::string& request_id, const v1::LeaveMessage& message);
  /// Follows the session from now on: registry entry and pushes.
  void follow(const std::string& session_id, const std::string& skill);
  void send_update(const queue::session_view& session, const std::string& request_id, const std::string& token);
  /// Shows `session` unless the caller has seen a newer one; answers `request_ids` with it (or,
  /// when it is older, with the newer state already shown).
  void show(const queue::session_view& session, const std::vector<std::string>& request_ids);
  std::string scoped(const std::string& request_id) const;

  const std::string source_;
  std::string session_id_;
  std::string token_;  ///< the caller's session token; it also reads their ticket
  /// Names this connection to routing, so that its late close cannot undo a newer resume.
  std::string connection_id_ = core::random_hex(8);
  std::string followed_skill_;  ///< the queue whose changes move this caller's position
  transcript_cursor transcript_;
  std::string last_update_;  ///< the last session frame sent, to push only changes
  std::optional<queue::session_view> last_session_;  ///< as last read, with the place of the last tick
  v1::SessionState last_state_ = v1::SESSION_STATE_UNSPECIFIED;
  bool starting_ = false;  ///< a `start` is in flight: its reply is the first session frame
  std::optional<queue::session_view> held_;  ///< pushed while starting, shown after the reply
  request_acks acks_;
};

}  // namespace hotline::gateway
