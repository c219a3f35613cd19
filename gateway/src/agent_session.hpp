#pragma once
// A lawyer's console WebSocket (/ws/agent?token=…): presence, offers, chats, ending and wrap-up.

#include "transcript_cursor.hpp"
#include "ws_session.hpp"

#include <hotline/agents/accounts.hpp>

#include <map>

namespace hotline::gateway {

class agent_session final : public framed_session<v1::AgentServerFrame> {
 public:
  agent_session(websocket_stream stream, gateway_context& context, std::string log_id, std::string token);
  void push_chat(const queue::chat_line& line) override;
  void tickets_changed() override;

 private:
  boost::asio::awaitable<void> on_open() override;
  boost::asio::awaitable<void> on_frame(std::string_view payload, frame_encoding encoding) override;
  boost::asio::awaitable<void> on_refresh(bool resync) override;
  boost::asio::awaitable<void> on_closed() override;

  boost::asio::awaitable<void> set_status(const std::string& request_id, v1::AgentStatus status);
  std::string scoped(const std::string& request_id) const;
  /// A request that succeeded is answered by the next agentState frame, which carries its id.
  void acknowledge(const std::string& request_id);
  /// Shows a session's transcript from where this connection left it.
  boost::asio::awaitable<void> read_transcript(const std::string& session_id);

  std::string token_;
  std::optional<agents::account> account_;
  std::string last_state_;  ///< the last agentState sent
  std::string last_offer_id_;
  transcript_cursor transcript_;  ///< of the sessions in the lawyer's list
  std::map<std::string, std::string> last_session_states_;
  std::vector<std::string> pending_acks_;
  std::string last_tickets_;  ///< the last open-ticket list sent
  bool sent_tickets_ = false;
  bool tickets_changed_ = false;  ///< a ticket hint came since the list was last read
};

}  // namespace hotline::gateway
