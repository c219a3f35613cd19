#pragma once
// session_view → the SessionUpdate frame both callers and lawyers receive.

#include <hotline/queue/engine.hpp>

namespace hotline::gateway {

v1::SessionUpdate to_update(const queue::session_view& session, const queue::engine& engine);
v1::ChatMessage to_chat(const std::string& session_id, const queue::chat_entry& entry);

}  // namespace hotline::gateway
