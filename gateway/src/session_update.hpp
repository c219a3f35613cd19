#pragma once
// Routing views → the frames callers, lawyers and supervisors receive.

#include <hotline/queue/engine.hpp>

namespace hotline::gateway {

v1::SessionUpdate to_update(const queue::session_view& session, const queue::engine& engine);
v1::ChatMessage to_chat(const std::string& session_id, const queue::chat_entry& entry);
v1::Offer to_offer(const queue::session_view& session);
v1::AgentState to_agent_state(const queue::agent_view& agent, const queue::engine& engine);
/// Callers never see the contact (it may be someone else's duplicate) or the lawyer's id.
enum class ticket_reader { caller, lawyer };
v1::Ticket to_ticket(const queue::ticket_view& ticket, ticket_reader reader);

}  // namespace hotline::gateway
