#pragma once
// The WebSockets open on this gateway, by the session or lawyer they follow, so that a change
// hint from pub/sub reaches the connections that must re-read their state.

#include <hotline/queue/types.hpp>

#include <map>
#include <memory>
#include <string>

namespace hotline::gateway {

class ws_session;

class registry {
 public:
  enum class role { caller, agent, wallboard };

  /// `id` is a session id (callers) or a lawyer id; `skill` is the queue a caller waits in.
  void add(role r, const std::string& id, const std::string& skill, const std::shared_ptr<ws_session>& session);
  void remove(const ws_session* session);
  /// A caller's session was transferred: it now waits in another queue.
  void move_to_skill(const ws_session* session, const std::string& skill);

  /// Asks every connection the hint concerns to refresh; wallboards follow every change.
  void dispatch(const queue::notification& hint);
  /// After a pub/sub reconnect hints may have been missed: everyone refreshes.
  void refresh_all();
  void close_all();
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    role who;
    std::string id;
    std::string skill;
    std::weak_ptr<ws_session> session;
  };
  std::multimap<const ws_session*, entry> entries_;
};

}  // namespace hotline::gateway
