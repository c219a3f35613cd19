#pragma once
// Start → offer latency: the caller knows when it wrote `start`, a lawyer's socket knows when the
// offer arrived; whichever learns of the session second records the difference.

#include "timing.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace loadgen {

class offer_tracker {
 public:
  /// The caller wrote the `start` of `session_id` at `sent`; the latency in ms goes into `sink`.
  void started(const std::string& session_id, clock::time_point sent, std::vector<double>* sink);
  /// A lawyer's socket received the (first) offer of `session_id` at `seen`.
  void offered(const std::string& session_id, clock::time_point seen);
  /// The caller is done with the session: nothing more will be matched for it.
  void forget(const std::string& session_id);

 private:
  struct start_record {
    clock::time_point sent;
    std::vector<double>* sink;
  };
  std::unordered_map<std::string, start_record> started_;
  std::unordered_map<std::string, clock::time_point> offered_;
};

}  // namespace loadgen
