#pragma once
// The WebSockets open on this gateway, indexed by the session, lawyer and queue they follow, so
// that a change reaches its connections at a cost that does not grow with the connections open.

#include <hotline/queue/types.hpp>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace hotline::gateway {

class ws_session;

class registry {
 public:
  enum class role { caller, agent, wallboard };

  /// `id` is a session id (callers) or a lawyer id; `skill` is the queue a caller waits in.
  void add(role r, const std::string& id, const std::string& skill, const std::shared_ptr<ws_session>& session);
  /// A signed-in staff connection (console, wallboard, listener): closed when its account's access
  /// ends (disabled, role or password changed).
  void add_staff(const std::string& account, const std::shared_ptr<ws_session>& session);
  void remove(const ws_session* session);
  /// The account's access ended: its connections here are told so and closed.
  void end_access(const std::string& account);
  /// A caller's session was transferred: it now waits in another queue.
  void move_to_skill(const ws_session* session, const std::string& skill);

  /// Hands a session's or lawyer's new state, or a chat line, to the connections that show it;
  /// ticket hints make lawyers read the open tickets (queue and wallboard changes go to the
  /// position ticker instead).
  void dispatch(const queue::notification& hint);
  /// Whether a pushed state is for a connection here (a caller of the session, the lawyer).
  bool wants(const queue::push_address& to) const {
    if (to.what == queue::notification::kind::agent) return has(agents_, to.id);
    return has(callers_, to.id) || (!to.lawyer.empty() && has(agents_, to.lawyer));
  }
  /// Whether a caller on this gateway follows a session waiting in `skill`.
  bool has_callers_in(const std::string& skill) const { return waiting_.find(skill) != waiting_.end(); }
  /// The caller connections following one session.
  std::vector<std::shared_ptr<ws_session>> callers_of(const std::string& session_id) const {
    return find(callers_, session_id);
  }
  void refresh_wallboards();
  /// After a pub/sub reconnect hints and lines may have been missed: everyone reads everything again.
  void refresh_all();
  void close_all();
  std::size_t size() const { return entries_.size(); }
  std::size_t count(role who) const { return counts_[static_cast<std::size_t>(who)]; }

 private:
  struct entry {
    role who;
    std::string id;
    std::string skill;
    std::weak_ptr<ws_session> session;
  };
  /// Key → its connections. A set per key: thousands of callers wait in one queue, and one leaving
  /// must not cost a walk past all the others.
  using index = std::unordered_map<std::string, std::unordered_set<const ws_session*>>;
  index& index_of(role who) { return who == role::caller ? callers_ : who == role::agent ? agents_ : wallboards_; }
  static void unlink(index& from, const std::string& key, const ws_session* session);
  static bool has(const index& in, std::string_view key) { return in.find(std::string(key)) != in.end(); }
  /// Live sessions of the entries an index holds under `key`.
  std::vector<std::shared_ptr<ws_session>> find(const index& in, const std::string& key) const;
  std::vector<std::shared_ptr<ws_session>> everyone() const;
  void remove_entry(const ws_session* session);

  std::unordered_map<const ws_session*, entry> entries_;
  index callers_;    ///< by session id
  index agents_;     ///< by lawyer id
  index wallboards_; ///< all under ""
  index waiting_;    ///< callers by the skill they wait in
  index staff_;      ///< staff connections by account
  std::unordered_map<const ws_session*, std::pair<std::string, std::weak_ptr<ws_session>>> staff_entries_;
  std::array<std::size_t, 3> counts_{};  ///< connections by role
};

}  // namespace hotline::gateway
