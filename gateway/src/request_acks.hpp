#pragma once
// A caller's or lawyer's request is answered by the pushed state that carries its id. The push
// and the script's reply come on different Redis connections, in either order: this remembers
// which of the two came first, so that each request is answered once.

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace hotline::gateway {

class request_acks {
 public:
  /// The script succeeded: the request waits for its push unless that came first.
  void replied(const std::string& request_id) {
    if (request_id.empty() || take(answered_, request_id)) return;
    pending_.push_back(request_id);
  }
  /// A push carrying the request came (and answers it).
  void pushed(const std::string& request_id) {
    if (request_id.empty() || take(pending_, request_id)) return;
    // A reply that never comes (a request that timed out and was not retried) must not grow this.
    if (answered_.size() >= max_answered) answered_.erase(answered_.begin());
    answered_.push_back(request_id);
  }
  /// Requests still waiting: a read after missed pushes answers them.
  std::vector<std::string> take_pending() { return std::exchange(pending_, {}); }

 private:
  static constexpr std::size_t max_answered = 16;
  static bool take(std::vector<std::string>& from, const std::string& id) {
    const auto found = std::find(from.begin(), from.end(), id);
    if (found == from.end()) return false;
    from.erase(found);
    return true;
  }

  std::vector<std::string> pending_;
  std::vector<std::string> answered_;
};

}  // namespace hotline::gateway
