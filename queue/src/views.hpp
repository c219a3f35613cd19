#pragma once
// Internal: script replies → session_view / agent_view / chat_entry.

#include "hotline/queue/types.hpp"

#include <hotline/core/redis_value.hpp>

namespace hotline::queue::detail {

/// A flat HGETALL-style array of a session hash; nothing when empty.
std::optional<session_view> decode_session(const core::redis_value& flat);
agent_view decode_agent(const core::redis_value& reply);
/// One XRANGE entry: [id, [field, value, ...]].
chat_entry decode_chat_entry(const core::redis_value& entry);

}  // namespace hotline::queue::detail
