// Hint dispatch. Linear in open connections: a centre has hundreds, not millions, per gateway.
#include "registry.hpp"

#include "ws_session.hpp"

#include <vector>

namespace hotline::gateway {

void registry::add(role r, const std::string& id, const std::string& skill,
                   const std::shared_ptr<ws_session>& session) {
  entries_.emplace(session.get(), entry{r, id, skill, session});
}

void registry::remove(const ws_session* session) { entries_.erase(session); }

void registry::move_to_skill(const ws_session* session, const std::string& skill) {
  auto [from, to] = entries_.equal_range(session);
  for (auto it = from; it != to; ++it) it->second.skill = skill;
}

void registry::dispatch(const queue::notification& hint) {
  std::vector<std::shared_ptr<ws_session>> targets;
  for (const auto& [key, e] : entries_) {
    const bool hit = (hint.what == queue::notification::kind::session && e.who == role::caller && e.id == hint.id) ||
                     (hint.what == queue::notification::kind::agent && e.who == role::agent && e.id == hint.id) ||
                     (hint.what == queue::notification::kind::queue && e.who == role::caller && e.skill == hint.id) ||
                     (hint.what == queue::notification::kind::ticket && e.who == role::agent) ||
                     e.who == role::wallboard;
    if (hit)
      if (auto s = e.session.lock()) targets.push_back(std::move(s));
  }
  for (auto& s : targets) s->refresh();
}

void registry::refresh_all() {
  std::vector<std::shared_ptr<ws_session>> targets;
  for (const auto& [key, e] : entries_)
    if (auto s = e.session.lock()) targets.push_back(std::move(s));
  for (auto& s : targets) s->refresh();
}

void registry::close_all() {
  std::vector<std::shared_ptr<ws_session>> targets;
  for (const auto& [key, e] : entries_)
    if (auto s = e.session.lock()) targets.push_back(std::move(s));
  for (auto& s : targets) s->close();
}

}  // namespace hotline::gateway
