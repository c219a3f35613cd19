// Connection indexes: by session, by lawyer, by queue. A change costs the connections it concerns.
#include "registry.hpp"

#include "ws_session.hpp"

namespace hotline::gateway {

void registry::add(role r, const std::string& id, const std::string& skill,
                   const std::shared_ptr<ws_session>& session) {
  remove_entry(session.get());
  const auto* key = session.get();
  entries_.emplace(key, entry{r, r == role::wallboard ? "" : id, skill, session});
  index_of(r)[r == role::wallboard ? "" : id].insert(key);
  if (r == role::caller) waiting_[skill].insert(key);
  ++counts_[static_cast<std::size_t>(r)];
}

void registry::unlink(index& from, const std::string& key, const ws_session* session) {
  auto found = from.find(key);
  if (found == from.end()) return;
  found->second.erase(session);
  if (found->second.empty()) from.erase(found);
}

void registry::add_staff(const std::string& account, const std::shared_ptr<ws_session>& session) {
  staff_entries_.insert_or_assign(session.get(), std::pair{account, std::weak_ptr<ws_session>(session)});
  staff_[account].insert(session.get());
}

void registry::remove(const ws_session* session) {
  if (auto staff = staff_entries_.find(session); staff != staff_entries_.end()) {
    unlink(staff_, staff->second.first, session);
    staff_entries_.erase(staff);
  }
  remove_entry(session);
}

void registry::end_access(const std::string& account) {
  auto found = staff_.find(account);
  if (found == staff_.end()) return;
  std::vector<std::shared_ptr<ws_session>> ending;
  for (const auto* connection : found->second)
    if (auto s = staff_entries_.at(connection).second.lock()) ending.push_back(std::move(s));
  for (auto& s : ending) s->end_access();
}

void registry::remove_entry(const ws_session* session) {
  auto found = entries_.find(session);
  if (found == entries_.end()) return;
  const auto& e = found->second;
  unlink(index_of(e.who), e.id, session);
  if (e.who == role::caller) unlink(waiting_, e.skill, session);
  --counts_[static_cast<std::size_t>(e.who)];
  entries_.erase(found);
}

void registry::move_to_skill(const ws_session* session, const std::string& skill) {
  auto found = entries_.find(session);
  if (found == entries_.end() || found->second.who != role::caller) return;
  unlink(waiting_, found->second.skill, session);
  found->second.skill = skill;
  waiting_[skill].insert(session);
}

std::vector<std::shared_ptr<ws_session>> registry::find(const index& in, const std::string& key) const {
  std::vector<std::shared_ptr<ws_session>> out;
  auto found = in.find(key);
  if (found == in.end()) return out;
  for (const auto* connection : found->second)
    if (auto s = entries_.at(connection).session.lock()) out.push_back(std::move(s));
  return out;
}

std::vector<std::shared_ptr<ws_session>> registry::everyone() const {
  std::vector<std::shared_ptr<ws_session>> out;
  out.reserve(entries_.size());
  for (const auto& [key, e] : entries_)
    if (auto s = e.session.lock()) out.push_back(std::move(s));
  // Listeners are staff connections without a routing entry.
  for (const auto& [key, e] : staff_entries_)
    if (!entries_.contains(key))
      if (auto s = e.second.lock()) out.push_back(std::move(s));
  return out;
}

void registry::dispatch(const queue::notification& hint) {
  using kind = queue::notification::kind;
  switch (hint.what) {
    case kind::chat:
      for (auto& s : find(callers_, hint.line->session_id)) s->push_chat(*hint.line);
      for (auto& s : find(agents_, hint.line->lawyer_id)) s->push_chat(*hint.line);
      return;
    case kind::session:
      for (auto& s : find(callers_, hint.id)) s->push_session(*hint.session, hint.request_id);
      // The lawyer sees the last state of a session before it leaves their list.
      if (!hint.session->lawyer_id.empty())
        for (auto& s : find(agents_, hint.session->lawyer_id)) s->push_session(*hint.session, hint.request_id);
      return;
    case kind::agent:
      for (auto& s : find(agents_, hint.id)) s->push_agent(*hint.agent, hint.request_id);
      return;
    case kind::ticket:
      for (const auto& [id, connections] : agents_)
        for (const auto* connection : connections)
          if (auto s = entries_.at(connection).session.lock()) s->tickets_changed();
      return;
    case kind::queue:
      return;  // the position ticker reads the line once per tick
  }
}

void registry::refresh_wallboards() {
  for (auto& s : find(wallboards_, "")) s->refresh();
}

void registry::refresh_all() {
  for (auto& s : everyone()) s->refresh(true);
}

void registry::close_all() {
  for (auto& s : everyone()) s->close();
}

}  // namespace hotline::gateway
