#pragma once
// Internal: script replies → session_view / agent_view / chat_entry.

#include "hotline/queue/types.hpp"

#include <hotline/core/redis_value.hpp>

#include <string_view>

namespace hotline::queue::detail {

/// A flat HGETALL-style array of a session hash; nothing when empty.
std::optional<session_view> decode_session(const core::redis_value& flat);
/// The lawyer's own hash (no offer, no sessions).
agent_view decode_agent_fields(const core::redis_value& fields);
/// view_agent's reply: {agent fields, offered session, {sessions}}.
agent_view decode_agent(const core::redis_value& reply);
/// A flat ticket hash; an empty id when the array is empty.
ticket_view decode_ticket(const core::redis_value& flat);
/// One XRANGE entry: [id, [field, value, ...]].
chat_entry decode_chat_entry(const core::redis_value& entry);
/// A transcript line's `from` field ("caller", "lawyer") as a party.
v1::Party party_of(std::string_view from);

}  // namespace hotline::queue::detail
