// Lawyer frames → queue operations. The lawyer's routing state comes back pushed, and goes out as
// agentState on every change.
#include "agent_session.hpp"
#include "phone_service.hpp"

#include "session_update.hpp"

#include <hotline/core/log.hpp>

namespace hotline::gateway {

namespace asio = boost::asio;

namespace {

constexpr std::size_t max_chat_chars = 4000;
constexpr std::size_t max_note_chars = 8000;

}  // namespace

agent_session::agent_session(websocket_stream stream, gateway_context& context, std::string log_id, std::string pass)
    : framed_session(std::move(stream), context, std::move(log_id)), pass_(std::move(pass)) {}

std::string agent_session::scoped(const std::string& request_id) const {
  return request_id.empty() ? std::string() : "a:" + account_->username + ":" + request_id;
}

asio::awaitable<void> agent_session::on_open() {
  std::vector<v1::Role> allowed{v1::LAWYER_ROLE, v1::SUPERVISOR};
  account_ = co_await authenticate(pass_, std::move(allowed), "only lawyers and supervisors take sessions");
  if (!account_) co_return;
  context_.connections.add(registry::role::agent, account_->username, "", shared_from_this());
  auto connected = co_await context_.queue.agent_connection(account_->username, true);
  if (!connected)
    core::logger("gateway")->warn("{} could not record the connection: {}", log_id_, connected.error().message());
  core::logger("gateway")->info("{} lawyer {} connected", log_id_, account_->username);
  refresh(true);
}

asio::awaitable<void> agent_session::on_frame(std::string_view payload, frame_encoding encoding) {
  v1::AgentFrame frame;
  std::string error;
  if (!decode_frame(payload, encoding, frame, error)) {
    send_error("", v1::BAD_FRAME, error);
    co_return;
  }
  const std::string& rid = frame.request_id();
  if (!account_) {
    send_error(rid, v1::NOT_AUTHENTICATED, "not signed in");
    co_return;
  }
  if (rid.size() > 64) {
    send_error("", v1::BAD_REQUEST, "requestId is longer than 64 characters");
    co_return;
  }
  auto& queue = context_.queue;
  const std::string& me = account_->username;
  boost::system::error_code failed;
  switch (frame.frame_case()) {
    case v1::AgentFrame::kSetStatus:
      co_await set_status(rid, frame.set_status().status());
      co_return;
    case v1::AgentFrame::kAccept: {
      // A call is taken by answering the phone: Kamailio reports it, and only then is it connected.
      if (phone_service::is_call(frame.accept().offer_id())) {
        send_error(rid, v1::INVALID_STATE, "a call is answered on the softphone");
        co_return;
      }
      auto r = co_await queue.accept(me, frame.accept().offer_id(), scoped(rid));
      if (!r) failed = r.error();
      break;
    }
    case v1::AgentFrame::kDecline: {
      if (phone_service::is_call(frame.decline().offer_id())) {
        send_error(rid, v1::INVALID_STATE, "a call is declined on the softphone (busy)");
        co_return;
      }
      auto r = co_await queue.decline(me, frame.decline().offer_id(), scoped(rid));
      if (!r) failed = r.error();
      break;
    }
    case v1::AgentFrame::kChat: {
      const auto& text = frame.chat().text();
      if (text.empty() || text.size() > max_chat_chars) {
        send_error(rid, v1::BAD_REQUEST, "a message needs 1 to 4000 bytes of text");
        co_return;
      }
      auto posted = co_await queue.post_chat(frame.chat().session_id(), v1::LAWYER, me, account_->display_name, text,
                                             scoped(rid));
      if (!posted) {
        send_error(rid, posted.error());
        co_return;
      }
      send_chats(transcript_.replied(frame.chat().session_id(), std::move(*posted), rid));
      co_return;
    }
    case v1::AgentFrame::kEnd: {
      // The call's media and signalling live in Kamailio: ending it here would free the lawyer
      // for the next call while their phone still talks.
      if (phone_service::is_call(frame.end().session_id())) {
        send_error(rid, v1::INVALID_STATE, "a call is ended by hanging up the softphone");
        co_return;
      }
      auto r = co_await queue.end_by_lawyer(me, frame.end().session_id(), scoped(rid));
      if (!r) failed = r.error();
      break;
    }
    case v1::AgentFrame::kWrapUp: {
      const auto& w = frame.wrap_up();
      if (w.type() == v1::WORK_ORDER_TYPE_UNSPECIFIED || w.outcome() == v1::OUTCOME_UNSPECIFIED ||
          w.note().size() > max_note_chars) {
        send_error(rid, v1::BAD_REQUEST,
                   "a work order needs a type, a category, an outcome and a note under 8000 bytes");
        co_return;
      }
      queue::work_order order{w.session_id(), w.type(), w.category(), w.outcome(), w.note()};
      auto r = co_await queue.wrap_up(me, order, scoped(rid));
      if (!r) failed = r.error();
      break;
    }
    case v1::AgentFrame::kTransfer: {
      const auto& t = frame.transfer();
      if (phone_service::is_call(t.session_id())) {
        send_error(rid, v1::INVALID_STATE, "a call cannot be transferred from the console");
        co_return;
      }
      if (t.destination().empty() == t.category().empty()) {
        send_error(rid, v1::BAD_REQUEST, "a transfer names either a category or a destination");
        co_return;
      }
      queue::transfer_request request{t.session_id(), t.category(), t.language(), t.destination()};
      if (request.destination.empty() && request.language.empty()) {
        // Same language unless told otherwise: the caller still speaks it.
        auto current = co_await queue.session(t.session_id());
        if (!current) {
          send_error(rid, current.error());
          co_return;
        }
        request.language = current->language;
      }
      auto r = co_await queue.transfer(me, request, scoped(rid));
      if (!r) failed = r.error();
      break;
    }
    case v1::AgentFrame::kReplyTicket: {
      const auto& reply = frame.reply_ticket();
      if (reply.text().empty() || reply.text().size() > max_note_chars) {
        send_error(rid, v1::BAD_REQUEST, "a reply needs 1 to 8000 bytes of text");
        co_return;
      }
      auto r = co_await queue.reply_ticket(me, account_->display_name, reply.ticket_id(), reply.kind(), reply.text(),
                                           scoped(rid));
      if (!r) failed = r.error();
      break;
    }
    case v1::AgentFrame::FRAME_NOT_SET:
      send_error(rid, v1::BAD_FRAME, "the frame names no operation");
      co_return;
  }
  if (failed)
    send_error(rid, failed);
  else
    acks_.replied(rid);
}

asio::awaitable<void> agent_session::set_status(const std::string& request_id, v1::AgentStatus status) {
  if (status == v1::AGENT_STATUS_UNSPECIFIED) {
    send_error(request_id, v1::BAD_REQUEST, "status must be AVAILABLE, AWAY or OFFLINE");
    co_return;
  }
  // Skills and capacity come fresh from the account, so an admin's change applies at the next status change.
  auto fresh = co_await context_.accounts.find(account_->username);
  if (!fresh) {
    send_error(request_id, fresh.error());
    co_return;
  }
  if (fresh->disabled) {
    send_error(request_id, v1::ACCOUNT_DISABLED, "this account is disabled");
    close();
    co_return;
  }
  account_ = std::move(*fresh);
  queue::agent_profile profile{account_->username, account_->display_name, account_->skills(),
                               account_->backup_skills(), account_->chat_capacity};
  auto changed = co_await context_.queue.set_status(profile, status, scoped(request_id));
  if (!changed)
    send_error(request_id, changed.error());
  else
    acks_.replied(request_id);
}

void agent_session::tickets_changed() {
  tickets_changed_ = true;
  refresh();
}

void agent_session::push_chat(const queue::chat_line& line) {
  if (!account_ || line.lawyer_id != account_->username) return;
  // Our own frame's line carries our scoped request id: answer the request with it.
  auto request_id = unscoped_request_id(line.request_id, "a:" + account_->username + ":");
  send_chats(transcript_.offer(line.session_id, line.entry, std::move(request_id)));
}

asio::awaitable<void> agent_session::read_transcript(const std::string& session_id) {
  transcript_.begin_read();
  auto chats = co_await context_.queue.chat_after(session_id, transcript_.last_id(session_id));
  send_chats(transcript_.end_read(session_id, chats ? std::move(*chats) : std::vector<queue::chat_entry>{}));
  if (!chats) refresh(true);  // Redis away: read again, or the lines of the gap stay unseen
}

void agent_session::push_agent(const queue::agent_view& agent, const std::string& request_id) {
  if (!account_) return;  // the first read after signing in shows everything
  auto rid = unscoped_request_id(request_id, "a:" + account_->username + ":");
  acks_.pushed(rid);
  pushes_.push_back({agent, std::nullopt, std::move(rid)});
  refresh();
}

void agent_session::push_session(const queue::session_view& session, const std::string&) {
  if (!account_) return;
  pushes_.push_back({std::nullopt, session, {}});
  refresh();
}

asio::awaitable<void> agent_session::on_refresh(bool resync) {
  if (!account_) co_return;
  if (resync) {
    if (auto view = co_await context_.queue.agent(account_->username))
      co_await show(std::move(*view), acks_.take_pending(), true);
    else
      refresh(true);  // Redis away: read again, or requests stay unanswered
  }
  while (!pushes_.empty()) {
    auto next = std::move(pushes_.front());
    pushes_.pop_front();
    if (next.agent) {
      std::vector<std::string> answered;
      if (!next.request_id.empty()) answered.push_back(std::move(next.request_id));
      co_await show(std::move(*next.agent), answered, false);
    } else {
      show_session(*next.session);
    }
  }

  if (!resync && !std::exchange(tickets_changed_, false)) co_return;
  if (auto tickets = co_await context_.queue.open_tickets()) {
    v1::AgentServerFrame frame;
    auto& list = *frame.mutable_tickets();  // set even when empty: "no open tickets" is news too
    for (const auto& t : *tickets) *list.add_tickets() = to_ticket(t, ticket_reader::lawyer);
    if (auto bytes = frame.tickets().SerializeAsString(); bytes != last_tickets_ || !sent_tickets_) {
      last_tickets_ = std::move(bytes);
      sent_tickets_ = true;
      send(frame);
    }
  } else {
    tickets_changed_ = true;  // Redis away: read them at the next refresh
  }
}

void agent_session::send_state(const std::vector<std::string>& request_ids) {
  if (auto bytes = last_state_frame_.agent_state().SerializeAsString(); bytes != last_state_ || !request_ids.empty()) {
    last_state_ = std::move(bytes);
    last_state_frame_.clear_request_id();
    if (request_ids.empty()) send(last_state_frame_);
    for (const auto& rid : request_ids) {
      last_state_frame_.set_request_id(rid);
      send(last_state_frame_);
    }
  }
}

void agent_session::show_session(const queue::session_view& session) {
  const auto shown = shown_sessions_.find(session.id);
  if (shown == shown_sessions_.end() || session.version <= shown->second.version) return;
  shown->second.version = session.version;
  auto state = v1::SessionState_Name(session.state);
  if (state == shown->second.state) return;
  shown->second.state = std::move(state);
  v1::AgentServerFrame frame;
  *frame.mutable_session_state() = to_update(session, context_.queue);
  send(frame);
}

asio::awaitable<void> agent_session::show(queue::agent_view view, const std::vector<std::string>& request_ids,
                                          bool resync) {
  if (view.version < last_version_) {  // a read overtaken by a push
    send_state(request_ids);
    co_return;
  }
  last_version_ = view.version;
  // Before the first status change routing knows nothing of the lawyer: show the account's profile.
  if (view.chat_capacity == 0) {
    view.skills = account_->skills();
    view.backup_skills = account_->backup_skills();
    view.chat_capacity = account_->chat_capacity;
  }
  view.name = account_->display_name;

  if (view.offer && view.offer->offer_id != last_offer_id_) {
    context_.metrics.offer_wait.observe(static_cast<double>(view.offer->offered_ms - view.offer->enqueued_ms) / 1000);
    v1::AgentServerFrame offer;
    *offer.mutable_offer() = to_offer(*view.offer);
    send(offer);
  }
  last_offer_id_ = view.offer ? view.offer->offer_id : "";

  *last_state_frame_.mutable_agent_state() = to_agent_state(view, context_.queue);
  send_state(request_ids);

  // A session that left the list was shown its last state by its own push, which comes first;
  // one that left while still open here (moved to another queue) is read once.
  std::map<std::string, shown_session> still_open;
  for (const auto& s : view.sessions) still_open[s.id] = {};
  for (const auto& [id, shown] : shown_sessions_) {
    if (still_open.contains(id)) continue;
    if (shown.state != "CONNECTED" && shown.state != "WRAP_UP") {
      transcript_.forget(id);
      continue;
    }
    if (auto closed = co_await context_.queue.session(id)) {
      v1::AgentServerFrame frame;
      *frame.mutable_session_state() = to_update(*closed, context_.queue);
      send(frame);
    }
    transcript_.forget(id);
  }
  for (const auto& s : view.sessions) {
    auto state = v1::SessionState_Name(s.state);
    const auto before = shown_sessions_.find(s.id);
    const bool new_here = before == shown_sessions_.end();
    auto& now = still_open[s.id];
    if (!new_here && before->second.version > s.version) {
      now = before->second;  // its own push was newer
    } else {
      if (new_here || before->second.state != state) {
        v1::AgentServerFrame frame;
        *frame.mutable_session_state() = to_update(s, context_.queue);
        send(frame);
      }
      now = {std::move(state), s.version};
    }
    // Lines come as pushes; the stream is read only for what came before: after a (re)connect,
    // or for a session transferred in with an earlier lawyer's transcript.
    if (resync || (new_here && s.transfers > 0)) co_await read_transcript(s.id);
  }
  shown_sessions_ = std::move(still_open);
}

asio::awaitable<void> agent_session::on_closed() {
  if (!account_) co_return;
  auto gone = co_await context_.queue.agent_connection(account_->username, false);
  if (!gone) core::logger("gateway")->warn("{} could not record the disconnect: {}", log_id_, gone.error().message());
}

}  // namespace hotline::gateway
