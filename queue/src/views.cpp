// Decoding of the view scripts' replies: Redis hashes hold enum names as text.
#include "views.hpp"

#include <hotline/core/text.hpp>

namespace hotline::queue::detail {
namespace {

std::int64_t to_int(const core::redis_value& v) { return v.as_integer().value_or(0); }

}  // namespace

std::optional<session_view> decode_session(const core::redis_value& flat) {
  if (!flat.is_array() || flat.elements.empty()) return std::nullopt;
  session_view s;
  s.id = flat.field("id").text;
  v1::SessionState_Parse(flat.field("state").text, &s.state);
  v1::Channel_Parse(flat.field("channel").text, &s.channel);
  v1::Priority_Parse(flat.field("priority").text, &s.priority);
  v1::Rating_Parse(flat.field("rating").text, &s.rating);
  // After a transfer the session waits in (and is shown under) the category it was sent to; its
  // figures stay booked under the category it arrived with.
  s.category =
      flat.field("route_category").text.empty() ? flat.field("category").text : flat.field("route_category").text;
  s.language = flat.field("language").text;
  s.token_hash = flat.field("token_hash").text;
  s.lawyer_id = flat.field("lawyer").text;
  s.lawyer_name = flat.field("lawyer_name").text;
  s.offer_id = flat.field("offer_id").text;
  s.offered_to = flat.field("offered_to").text;
  s.enqueued_ms = to_int(flat.field("enqueued_ms"));
  s.answered_ms = to_int(flat.field("answered_ms"));
  s.offer_expires_ms = to_int(flat.field("offer_expires_ms"));
  s.offered_ms = to_int(flat.field("offered_ms"));
  s.contact = flat.field("contact").text;
  s.position = static_cast<int>(to_int(flat.field("position")));
  s.staffed = static_cast<int>(to_int(flat.field("staffed")));
  s.caller_connected = flat.field("caller_connected").text == "1";
  s.overflow_reason = flat.field("overflow_reason").text;
  s.transferred_to = flat.field("transferred_to").text;
  s.ticket_id = flat.field("ticket_id").text;
  s.transfers = static_cast<int>(to_int(flat.field("transfers")));
  s.version = to_int(flat.field("v"));
  return s;
}

agent_view decode_agent_fields(const core::redis_value& fields) {
  agent_view a;
  a.id = fields.field("id").text;
  a.name = fields.field("name").text;
  if (!v1::AgentStatus_Parse(fields.field("status").text, &a.status)) a.status = v1::OFFLINE;
  a.status_reason = fields.field("status_reason").text;
  a.skills = core::split_list(fields.field("skills").text);
  a.backup_skills = core::split_list(fields.field("backup_skills").text);
  a.load = static_cast<int>(to_int(fields.field("load")));
  a.chat_capacity = static_cast<int>(to_int(fields.field("chat_capacity")));
  a.misses = static_cast<int>(to_int(fields.field("misses")));
  a.on_call = to_int(fields.field("calls")) > 0;
  a.phone_registered = fields.field("phone_registered").text == "1";
  a.sessions_today = static_cast<int>(to_int(fields.field("sessions_today")));
  a.version = to_int(fields.field("v"));
  return a;
}

agent_view decode_agent(const core::redis_value& reply) {
  agent_view a = decode_agent_fields(reply.at(0));
  if (auto offered = decode_session(reply.at(1));
      offered && offered->state == v1::OFFERED && offered->offered_to == a.id)
    a.offer = std::move(offered);
  for (const auto& flat : reply.at(2).elements)
    if (auto s = decode_session(flat)) a.sessions.push_back(std::move(*s));
  return a;
}

ticket_view decode_ticket(const core::redis_value& flat) {
  ticket_view t;
  if (!flat.is_array() || flat.elements.empty()) return t;
  t.id = flat.field("id").text;
  v1::TicketKind_Parse(flat.field("kind").text, &t.kind);
  v1::TicketState_Parse(flat.field("state").text, &t.state);
  v1::Channel_Parse(flat.field("channel").text, &t.channel);
  v1::ReplyKind_Parse(flat.field("reply_kind").text, &t.reply_kind);
  t.token_hash = flat.field("token_hash").text;
  t.session_id = flat.field("session").text;
  t.category = flat.field("category").text;
  t.language = flat.field("language").text;
  t.contact = flat.field("contact").text;
  t.question = flat.field("question").text;
  t.created_ms = to_int(flat.field("created_ms"));
  t.deadline_ms = to_int(flat.field("deadline_ms"));
  t.reply = flat.field("reply").text;
  t.replied_by = flat.field("replied_by").text;
  t.replied_by_name = flat.field("replied_by_name").text;
  t.replied_ms = to_int(flat.field("replied_ms"));
  t.duplicate_of = flat.field("duplicate_of").text;
  return t;
}

v1::Party party_of(std::string_view from) {
  return from == "caller" ? v1::CALLER : from == "lawyer" ? v1::LAWYER : v1::SYSTEM;
}

chat_entry decode_chat_entry(const core::redis_value& entry) {
  chat_entry c;
  c.id = entry.at(0).text;
  const auto& fields = entry.at(1);
  c.from = party_of(fields.field("from").text);
  c.sender_name = fields.field("name").text;
  c.text = fields.field("text").text;
  c.sent_ms = to_int(fields.field("ms"));
  return c;
}

}  // namespace hotline::queue::detail
