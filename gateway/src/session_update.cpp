// Frame builders shared by both kinds of connection.
#include "session_update.hpp"

namespace hotline::gateway {

v1::SessionUpdate to_update(const queue::session_view& session, const queue::engine& engine) {
  v1::SessionUpdate u;
  u.set_session_id(session.id);
  u.set_state(session.state);
  u.set_position(session.position);
  u.set_estimated_wait_seconds(engine.estimated_wait_seconds(session));
  u.set_category(session.category);
  u.set_language(session.language);
  u.set_lawyer_name(session.lawyer_name);
  u.set_rating(session.rating);
  u.set_channel(session.channel);
  u.set_enqueued_at_ms(session.enqueued_ms);
  u.set_answered_at_ms(session.answered_ms);
  return u;
}

v1::ChatMessage to_chat(const std::string& session_id, const queue::chat_entry& entry) {
  v1::ChatMessage m;
  m.set_session_id(session_id);
  m.set_message_id(entry.id);
  m.set_from(entry.from);
  m.set_text(entry.text);
  m.set_sent_at_ms(entry.sent_ms);
  m.set_sender_name(entry.sender_name);
  return m;
}

}  // namespace hotline::gateway
