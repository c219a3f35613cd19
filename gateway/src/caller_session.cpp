// Caller frames → queue operations; the session's new state and chat lines come back as pushes.
#include "caller_session.hpp"

#include "session_update.hpp"

#include <hotline/queue/lifecycle.hpp>

#include <hotline/core/ids.hpp>
#include <hotline/core/log.hpp>

namespace hotline::gateway {

namespace asio = boost::asio;

namespace {

constexpr std::size_t max_chat_chars = 4000;
constexpr std::size_t max_question_bytes = 2000;

}  // namespace

asio::awaitable<void> caller_session::on_open() { co_return; }

std::string caller_session::scoped(const std::string& request_id) const {
  // Request ids are the client's: scoped to its session so two callers' "r1" never meet.
  return request_id.empty() ? std::string() : "c:" + session_id_ + ":" + request_id;
}

asio::awaitable<void> caller_session::on_frame(std::string_view payload, frame_encoding encoding) {
  v1::CallerFrame frame;
  std::string error;
  if (!decode_frame(payload, encoding, frame, error)) {
    send_error("", v1::BAD_FRAME, error);
    co_return;
  }
  const std::string& rid = frame.request_id();
  if (rid.size() > 64) {
    send_error("", v1::BAD_REQUEST, "requestId is longer than 64 characters");
    co_return;
  }
  auto& queue = context_.queue;
  switch (frame.frame_case()) {
    case v1::CallerFrame::kStart:
      co_await start(rid, frame.start());
      co_return;
    case v1::CallerFrame::kResume:
      co_await resume(rid, frame.resume());
      co_return;
    case v1::CallerFrame::FRAME_NOT_SET:
      send_error(rid, v1::BAD_FRAME, "the frame names no operation");
      co_return;
    default:
      break;
  }
  if (session_id_.empty()) {
    send_error(rid, v1::NO_SESSION, "start or resume a session first");
    co_return;
  }
  switch (frame.frame_case()) {
    case v1::CallerFrame::kChat: {
      const auto& text = frame.chat().text();
      if (text.empty() || text.size() > max_chat_chars) {
        send_error(rid, v1::BAD_REQUEST, "a message needs 1 to 4000 bytes of text");
        co_return;
      }
      auto posted = co_await queue.post_chat(session_id_, v1::CALLER, "", "", text, scoped(rid));
      if (!posted)
        send_error(rid, posted.error());
      else
        send_chats(transcript_.replied(session_id_, std::move(*posted), rid));
      co_return;
    }
    case v1::CallerFrame::kRate: {
      if (frame.rate().rating() == v1::RATING_UNSPECIFIED) {
        send_error(rid, v1::BAD_REQUEST, "rating must be SATISFIED, BASIC_SATISFIED or DISSATISFIED");
        co_return;
      }
      auto rated = co_await queue.rate(session_id_, frame.rate().rating(), scoped(rid));
      if (!rated)
        send_error(rid, rated.error());
      else
        acks_.replied(rid);
      co_return;
    }
    case v1::CallerFrame::kLeaveMessage:
      co_await leave_message(rid, frame.leave_message());
      co_return;
    case v1::CallerFrame::kEnd: {
      auto ended = co_await queue.end_by_caller(session_id_, scoped(rid));
      if (!ended)
        send_error(rid, ended.error());
      else
        acks_.replied(rid);
      co_return;
    }
    default:
      co_return;
  }
}

asio::awaitable<void> caller_session::start(const std::string& request_id, const v1::StartSession& start) {
  if (!session_id_.empty()) {
    send_error(request_id, v1::SESSION_ACTIVE, "this connection already has a session");
    co_return;
  }
  if (start.contact().size() > 64) {
    send_error(request_id, v1::BAD_REQUEST, "contact is longer than 64 characters");
    co_return;
  }
  queue::start_request request;
  request.session_id = "s" + core::random_hex(8);
  const std::string token = core::random_hex(16);
  request.token_hash = core::sha256_hex(token);
  request.channel = v1::CHAT;
  request.category = start.category();
  request.language = start.language();
  request.priority = start.priority();
  request.contact = start.contact();
  request.source = source_;
  // Followed before it exists: a lawyer may take the session before the reply to `start` is
  // back, and the push of that change must find this connection. It waits for the reply.
  follow(request.session_id, request.category + ":" + request.language);
  starting_ = true;
  auto started = co_await context_.queue.start(request, "");
  starting_ = false;
  if (!started) {
    context_.connections.remove(this);
    session_id_.clear();
    held_.reset();
    if (started.error() == queue::errc::rate_limited) ++context_.metrics.starts_rate_limited_total;
    send_error(request_id, started.error());
    co_return;
  }
  ++context_.metrics.sessions_started_total;
  core::logger("gateway")->info("{} started session {} ({}, {})", log_id_, request.session_id, request.category,
                                request.language);
  token_ = token;
  send_update(*started, request_id, token);
  if (held_) show(*std::exchange(held_, std::nullopt), {});
}

asio::awaitable<void> caller_session::resume(const std::string& request_id, const v1::ResumeSession& resume) {
  if (!session_id_.empty()) {
    send_error(request_id, v1::SESSION_ACTIVE, "this connection already has a session");
    co_return;
  }
  auto found = co_await context_.queue.session(resume.session_id());
  if (!found && found.error() != queue::errc::session_not_found) {
    send_error(request_id, found.error());  // Redis away: the token may still be good, keep it
    co_return;
  }
  // A wrong token looks exactly like a missing session: ids cannot be probed.
  if (!found || !core::same_secret(found->token_hash, core::sha256_hex(resume.token()))) {
    send_error(request_id, v1::SESSION_NOT_FOUND, "no such session, or the token does not match");
    co_return;
  }
  transcript_.set_last_id(found->id, resume.last_message_id());
  token_ = resume.token();
  auto reconnected = co_await context_.queue.caller_connection(found->id, true, connection_id_);
  if (!reconnected) {
    send_error(request_id, reconnected.error());
    co_return;
  }
  follow(found->id, found->category + ":" + found->language);
  send_update(*found, request_id, "");
  refresh(true);
}

asio::awaitable<void> caller_session::leave_message(const std::string& request_id, const v1::LeaveMessage& message) {
  if (message.kind() != v1::MESSAGE && message.kind() != v1::CALLBACK) {
    send_error(request_id, v1::BAD_REQUEST, "kind must be MESSAGE or CALLBACK");
    co_return;
  }
  if (message.question().empty() || message.question().size() > max_question_bytes) {
    send_error(request_id, v1::BAD_REQUEST, "a message needs a question of 1 to 2000 bytes");
    co_return;
  }
  if (message.contact().size() > 64 || (message.kind() == v1::CALLBACK && message.contact().empty())) {
    send_error(request_id, v1::BAD_REQUEST, "a callback needs a contact; a contact is at most 64 bytes");
    co_return;
  }
  queue::leave_message_request request{session_id_, message.kind(), message.contact(), message.question()};
  auto ticket = co_await context_.queue.leave_message(request, scoped(request_id));
  if (!ticket) {
    send_error(request_id, ticket.error());
    co_return;
  }
  core::logger("gateway")->info("{} session {} left {} {}", log_id_, session_id_, v1::TicketKind_Name(ticket->kind),
                                ticket->id);
  v1::CallerServerFrame frame;
  frame.set_request_id(request_id);
  *frame.mutable_ticket() = to_ticket(*ticket, ticket_reader::caller);
  // The ticket is read with the session's own token: the caller already holds it.
  frame.mutable_ticket()->set_token(token_);
  send(frame);
}

void caller_session::follow(const std::string& session_id, const std::string& skill) {
  session_id_ = session_id;
  followed_skill_ = skill;
  context_.connections.add(registry::role::caller, session_id, skill, shared_from_this());
}

void caller_session::place_in_line(int position, int staffed) {
  // Only a waiting caller moves; an offer or an answer comes with its own session hint.
  if (!last_session_ || last_session_->state != v1::QUEUED || position == 0) return;
  if (position == last_session_->position && staffed == last_session_->staffed) return;
  last_session_->position = position;
  last_session_->staffed = staffed;
  v1::CallerServerFrame frame;
  *frame.mutable_session() = to_update(*last_session_, context_.queue);
  if (auto bytes = frame.session().SerializeAsString(); bytes != last_update_) {
    last_update_ = std::move(bytes);
    send(frame);
  }
}

void caller_session::send_update(const queue::session_view& session, const std::string& request_id,
                                 const std::string& token) {
  last_session_ = session;
  v1::CallerServerFrame frame;
  *frame.mutable_session() = to_update(session, context_.queue);
  last_update_ = frame.session().SerializeAsString();
  last_state_ = session.state;
  frame.set_request_id(request_id);
  frame.mutable_session()->set_token(token);
  send(frame);
}

void caller_session::push_chat(const queue::chat_line& line) {
  if (line.session_id != session_id_) return;
  // Our own frame's line carries our scoped request id: answer the request with it.
  auto request_id = unscoped_request_id(line.request_id, "c:" + session_id_ + ":");
  send_chats(transcript_.offer(line.session_id, line.entry, std::move(request_id)));
}

void caller_session::push_session(const queue::session_view& session, const std::string& request_id) {
  if (session.id != session_id_) return;
  if (starting_) {  // the reply to `start` goes first, with the token
    if (!held_ || session.version > held_->version) held_ = session;
    return;
  }
  std::vector<std::string> answered;
  if (auto rid = unscoped_request_id(request_id, "c:" + session_id_ + ":"); !rid.empty()) {
    acks_.pushed(rid);
    answered.push_back(std::move(rid));
  }
  show(session, answered);
}

void caller_session::show(const queue::session_view& session, const std::vector<std::string>& request_ids) {
  const bool newer = !last_session_ || session.version >= last_session_->version;
  if (!newer && request_ids.empty()) return;  // a read overtaken by a push
  if (newer) {
    if (auto skill = session.category + ":" + session.language; skill != followed_skill_) {
      followed_skill_ = skill;
      context_.connections.move_to_skill(this, skill);
    }
    last_state_ = session.state;
    last_session_ = session;
  }
  v1::CallerServerFrame frame;
  *frame.mutable_session() = to_update(*last_session_, context_.queue);
  if (auto bytes = frame.session().SerializeAsString(); bytes != last_update_ || !request_ids.empty()) {
    last_update_ = std::move(bytes);
    if (request_ids.empty()) send(frame);
    for (const auto& rid : request_ids) {
      frame.set_request_id(rid);
      send(frame);
    }
  }
}

asio::awaitable<void> caller_session::on_refresh(bool resync) {
  // Changes come as pushes; only a resume or missed pub/sub messages read the session again.
  if (session_id_.empty() || !resync) co_return;
  auto session = co_await context_.queue.session(session_id_);
  if (!session) {
    // Redis away: read again (a request's answer may wait on it); a session trimmed away stays so.
    if (session.error() != queue::errc::session_not_found) refresh(true);
    co_return;
  }
  show(*session, acks_.take_pending());
  transcript_.begin_read();
  auto chats = co_await context_.queue.chat_after(session_id_, transcript_.last_id(session_id_));
  send_chats(transcript_.end_read(session_id_, chats ? std::move(*chats) : std::vector<queue::chat_entry>{}));
  if (!chats) refresh(true);  // Redis away: read again, or the lines of the gap stay unseen
}

asio::awaitable<void> caller_session::on_closed() {
  if (session_id_.empty() || queue::is_final(last_state_)) co_return;
  // Starts the grace period: the caller keeps their place if they come back in time.
  auto gone = co_await context_.queue.caller_connection(session_id_, false, connection_id_);
  if (!gone && gone.error() != queue::errc::session_not_found)
    core::logger("gateway")->warn("{} could not record the disconnect of {}: {}", log_id_, session_id_,
                                  gone.error().message());
}

}  // namespace hotline::gateway
