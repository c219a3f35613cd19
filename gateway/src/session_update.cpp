// Frame builders shared by every kind of connection and the supervisor's HTTP views.
#include "session_update.hpp"

namespace hotline::gateway {

namespace {

// What an offer and a session update both say of the session (same field names in both messages).
template <class Frame>
void set_routing_fields(const queue::session_view& s, Frame& f) {
  f.set_session_id(s.id);
  f.set_channel(s.channel);
  f.set_category(s.category);
  f.set_language(s.language);
  f.set_priority(s.priority);
  f.set_enqueued_at_ms(s.enqueued_ms);
}

}  // namespace

v1::SessionUpdate to_update(const queue::session_view& session, const queue::engine& engine) {
  v1::SessionUpdate u;
  set_routing_fields(session, u);
  u.set_state(session.state);
  u.set_position(session.position);
  u.set_estimated_wait_seconds(engine.estimated_wait_seconds(session));
  u.set_lawyer_name(session.lawyer_name);
  u.set_rating(session.rating);
  u.set_answered_at_ms(session.answered_ms);
  u.set_overflow_reason(session.overflow_reason);
  u.set_transferred_to(session.transferred_to);
  u.set_ticket_id(session.ticket_id);
  u.set_transfers(session.transfers);
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

v1::Offer to_offer(const queue::session_view& s) {
  v1::Offer o;
  set_routing_fields(s, o);
  o.set_offer_id(s.offer_id);
  o.set_expires_at_ms(s.offer_expires_ms);
  return o;
}

v1::AgentState to_agent_state(const queue::agent_view& agent, const queue::engine& engine) {
  v1::AgentState state;
  state.set_agent_id(agent.id);
  state.set_display_name(agent.name);
  state.set_status(agent.status);
  state.set_status_reason(agent.status_reason);
  for (const auto& skill : agent.skills) state.add_skills(skill);
  for (const auto& skill : agent.backup_skills) state.add_backup_skills(skill);
  state.set_active_sessions(agent.load);
  state.set_chat_capacity(agent.chat_capacity);
  state.set_consecutive_misses(agent.misses);
  state.set_sessions_today(agent.sessions_today);
  state.set_phone_registered(agent.phone_registered);
  if (agent.offer) *state.mutable_offer() = to_offer(*agent.offer);
  for (const auto& s : agent.sessions) *state.add_sessions() = to_update(s, engine);
  return state;
}

v1::Ticket to_ticket(const queue::ticket_view& t, ticket_reader reader) {
  v1::Ticket out;
  out.set_ticket_id(t.id);
  out.set_kind(t.kind);
  out.set_state(t.state);
  out.set_category(t.category);
  out.set_language(t.language);
  out.set_channel(t.channel);
  out.set_question(t.question);
  if (reader == ticket_reader::lawyer) {
    out.set_contact(t.contact);
    out.set_session_id(t.session_id);
  }
  out.set_created_at_ms(t.created_ms);
  out.set_reply_deadline_ms(t.deadline_ms);
  out.set_reply_kind(t.reply_kind);
  out.set_reply(t.reply);
  out.set_replied_by_name(t.replied_by_name);
  out.set_replied_at_ms(t.replied_ms);
  out.set_duplicate_of(t.duplicate_of);
  return out;
}

}  // namespace hotline::gateway
