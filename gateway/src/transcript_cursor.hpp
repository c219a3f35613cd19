#pragma once
// What one connection has shown of the transcripts it follows, so that every line goes out
// exactly once and in order, whichever way it arrives: a chat script's pushed line, the reply to
// the connection's own chat frame, or a read of the stream after a resume or a reconnect.

#include <hotline/queue/types.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hotline::gateway {

/// The client's own request id inside a scoped one ("c:<session>:r7" in scope "c:<session>:" → "r7"), or "".
inline std::string unscoped_request_id(const std::string& scoped, const std::string& scope) {
  return scoped.starts_with(scope) ? scoped.substr(scope.size()) : std::string();
}

class transcript_cursor {
 public:
  /// A line to send now, echoing `request_id` when it acknowledges the connection's own frame.
  struct delivery {
    std::string session_id;
    queue::chat_entry entry;
    std::string request_id;
  };

  /// A line pushed, echoing `request_id` (its client's id, unscoped) when it is the connection's
  /// own line, "" for another's. Held while a read is in flight.
  std::vector<delivery> offer(const std::string& session_id, queue::chat_entry entry, std::string request_id);
  /// The reply to this connection's chat frame `request_id`. Replies and pushes come over two
  /// Redis connections, so a reply may overtake the push of an earlier line: a line newer than
  /// those shown waits for its own push (pushes come in stream order), which the reply's request
  /// id then answers; a line shown already answers the request at once (a retry's replay).
  std::vector<delivery> replied(const std::string& session_id, queue::chat_entry entry, std::string request_id);
  /// A read of the stream begins: lines offered meanwhile wait for its result.
  void begin_read() { ++reads_; }
  /// The read's lines (oldest first), then what was held, less what was shown already.
  std::vector<delivery> end_read(const std::string& session_id, std::vector<queue::chat_entry> lines);
  /// The id of the last line shown of a session ("" for none): where a read resumes.
  std::string last_id(const std::string& session_id) const;
  void set_last_id(const std::string& session_id, std::string id);
  void forget(const std::string& session_id);

 private:
  using stream_id = std::pair<std::uint64_t, std::uint64_t>;
  static stream_id parse(const std::string& id);
  void deliver(delivery line, std::vector<delivery>& out);

  std::map<std::string, stream_id> last_;
  std::map<std::string, std::string> last_text_id_;
  std::vector<std::string> answered_;  ///< request ids already acknowledged (a push and a reply both carry them)
  std::vector<delivery> held_;
  std::vector<delivery> awaiting_push_;  ///< own lines replied to before their push came
  int reads_ = 0;
};

}  // namespace hotline::gateway
