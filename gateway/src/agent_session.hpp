#pragma once
// A lawyer's console WebSocket (/ws/agent?pass=…): presence, offers, chats, ending and wrap-up.

#include "request_acks.hpp"
#include "transcript_cursor.hpp"
#include "ws_session.hpp"

#include <hotline/agents/accounts.hpp>

#include <deque>
#include <map>

namespace hotline::gateway {

class agent_session final : public framed_session<v1::AgentServerFrame> {
 public:
  agent_session(websocket_stream stream, gateway_context& context, std::string log_id, std::string pass);
  void push_chat(const queue::chat_line& line) override;
  void push_agent(const queue::agent_view& agent, const std::string& request_id) override;
  void push_session(const queue::session_view& session, const std::string& request_id) override;
  void tickets_changed() override;

 private:
  /// A pushed state of the lawyer (with the request it answers, unscoped) or of one of their sessions.
  struct pushed {
    std::optional<queue::agent_view> agent;
    std::optional<queue::session_view> session;
    std::string request_id;
  };
  /// What the console was last shown of one of the lawyer's sessions.
  struct shown_session {
    std::string state;
    std::int64_t version = 0;
  };

  boost::asio::awaitable<void> on_open() override;
  boost::asio::awaitable<void> on_frame(std::string_view payload, frame_encoding encoding) override;
  boost::asio::awaitable<void> on_refresh(bool resync) override;
  boost::asio::awaitable<void> on_closed() override;

  boost::asio::awaitable<void> set_status(const std::string& request_id, v1::AgentStatus status);
  std::string scoped(const std::string& request_id) const;
  /// Shows the lawyer's state unless a newer one was shown; answers `request_ids` with it (or, when
  /// it is older, with the newer state already shown). `resync`: the transcripts are read too.
  boost::asio::awaitable<void> show(queue::agent_view view, const std::vector<std::string>& request_ids, bool resync);
  /// A session of the lawyer's list changed: its new state, once.
  void show_session(const queue::session_view& session);
  void send_state(const std::vector<std::string>& request_ids);
  /// Shows a session's transcript from where this connection left it.
  boost::asio::awaitable<void> read_transcript(const std::string& session_id);

  std::string pass_;
  std::optional<agents::account> account_;
  v1::AgentServerFrame last_state_frame_;  ///< the last agentState shown
  std::string last_state_;                 ///< … serialized, to send only changes
  std::int64_t last_version_ = -1;         ///< of the lawyer's state last shown
  std::string last_offer_id_;
  transcript_cursor transcript_;  ///< of the sessions in the lawyer's list
  std::map<std::string, shown_session> shown_sessions_;
  std::deque<pushed> pushes_;  ///< shown in order by the refresh loop
  request_acks acks_;
  std::string last_tickets_;  ///< the last open-ticket list sent
  bool sent_tickets_ = false;
  bool tickets_changed_ = false;  ///< a ticket hint came since the list was last read
};

}  // namespace hotline::gateway
