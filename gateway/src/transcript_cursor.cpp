// Transcript delivery bookkeeping: order by stream id, one frame per line, one answer per request.
#include "transcript_cursor.hpp"

#include <algorithm>
#include <cstdlib>

namespace hotline::gateway {

namespace {

// Enough to match a reply with its push: the two arrive within one round trip of each other.
constexpr std::size_t answered_kept = 64;

}  // namespace

transcript_cursor::stream_id transcript_cursor::parse(const std::string& id) {
  // Stream ids are "<ms>-<seq>"; compared as numbers, not text ("999-0" < "1000-0").
  char* end = nullptr;
  const auto ms = std::strtoull(id.c_str(), &end, 10);
  const auto seq = (end && *end == '-') ? std::strtoull(end + 1, nullptr, 10) : 0;
  return {ms, seq};
}

std::vector<transcript_cursor::delivery> transcript_cursor::offer(const std::string& session_id,
                                                                  queue::chat_entry entry, std::string request_id) {
  std::vector<delivery> out;
  delivery line{session_id, std::move(entry), std::move(request_id)};
  if (reads_ > 0)
    held_.push_back(std::move(line));
  else
    deliver(std::move(line), out);
  return out;
}

std::vector<transcript_cursor::delivery> transcript_cursor::replied(const std::string& session_id,
                                                                    queue::chat_entry entry, std::string request_id) {
  auto last = last_.find(session_id);
  if (reads_ > 0 || (last != last_.end() && parse(entry.id) <= last->second))
    return offer(session_id, std::move(entry), std::move(request_id));
  awaiting_push_.push_back(delivery{session_id, std::move(entry), std::move(request_id)});
  return {};
}

std::vector<transcript_cursor::delivery> transcript_cursor::end_read(const std::string& session_id,
                                                                     std::vector<queue::chat_entry> lines) {
  std::vector<delivery> out;
  if (reads_ > 0) --reads_;
  for (auto& entry : lines) deliver(delivery{session_id, std::move(entry), ""}, out);
  if (reads_ == 0) {
    auto held = std::exchange(held_, {});
    std::stable_sort(held.begin(), held.end(),
                     [](const delivery& a, const delivery& b) { return parse(a.entry.id) < parse(b.entry.id); });
    for (auto& line : held) deliver(std::move(line), out);
  }
  return out;
}

void transcript_cursor::deliver(delivery line, std::vector<delivery>& out) {
  const auto id = parse(line.entry.id);
  // Own lines replied to before their push: this is the push (it answers their request), or a
  // later line, which means their push was lost and they go first.
  for (auto waiting = awaiting_push_.begin(); waiting != awaiting_push_.end();) {
    const auto waiting_id = parse(waiting->entry.id);
    if (waiting->session_id != line.session_id || waiting_id > id) {
      ++waiting;
      continue;
    }
    auto early = std::move(*waiting);
    waiting = awaiting_push_.erase(waiting);
    if (waiting_id == id) {
      if (line.request_id.empty()) line.request_id = std::move(early.request_id);
    } else {
      deliver(std::move(early), out);
      waiting = awaiting_push_.begin();
    }
  }
  auto last = last_.find(line.session_id);
  const bool shown = last != last_.end() && id <= last->second;
  const bool answered =
      !line.request_id.empty() && std::find(answered_.begin(), answered_.end(), line.request_id) != answered_.end();
  // A line shown already goes out again only as the first answer to a request (a retry after a
  // lost acknowledgement): the client is waiting for its id.
  if (shown && (line.request_id.empty() || answered)) return;
  if (answered) line.request_id.clear();
  if (!line.request_id.empty()) {
    answered_.push_back(line.request_id);
    if (answered_.size() > answered_kept) answered_.erase(answered_.begin());
  }
  if (!shown) {
    last_[line.session_id] = id;
    last_text_id_[line.session_id] = line.entry.id;
  }
  out.push_back(std::move(line));
}

std::string transcript_cursor::last_id(const std::string& session_id) const {
  auto found = last_text_id_.find(session_id);
  return found == last_text_id_.end() ? std::string() : found->second;
}

void transcript_cursor::set_last_id(const std::string& session_id, std::string id) {
  if (id.empty()) return;
  last_[session_id] = parse(id);
  last_text_id_[session_id] = std::move(id);
}

void transcript_cursor::forget(const std::string& session_id) {
  last_.erase(session_id);
  last_text_id_.erase(session_id);
  std::erase_if(awaiting_push_, [&](const delivery& d) { return d.session_id == session_id; });
}

}  // namespace hotline::gateway
