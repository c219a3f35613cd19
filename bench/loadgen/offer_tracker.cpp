// Matching starts and offers by session id.
#include "offer_tracker.hpp"

namespace loadgen {

void offer_tracker::started(const std::string& session_id, clock::time_point sent, std::vector<double>* sink) {
  // The offer can overtake the start's reply, which is where the caller learns the id.
  if (auto seen = offered_.find(session_id); seen != offered_.end()) {
    sink->push_back(ms_between(sent, seen->second));
    offered_.erase(seen);
    return;
  }
  started_[session_id] = start_record{sent, sink};
}

void offer_tracker::offered(const std::string& session_id, clock::time_point seen) {
  if (auto start = started_.find(session_id); start != started_.end()) {
    start->second.sink->push_back(ms_between(start->second.sent, seen));
    started_.erase(start);
    return;
  }
  offered_.emplace(session_id, seen);
}

void offer_tracker::forget(const std::string& session_id) {
  started_.erase(session_id);
  offered_.erase(session_id);
}

}  // namespace loadgen
