#pragma once
// What every simulated caller and lawyer shares: where the gateway is, the frame counters, the
// failure count and the start → offer matcher. One io_context thread, so no locks.
// Throughout the generator a co_await's result is named before it is tested or returned: GCC 12
// miscompiles `if (!co_await f()) …; co_return co_await g(x);` in a member coroutine (a wrong `this`).

#include "frames.hpp"
#include "offer_tracker.hpp"
#include "ws_client.hpp"

#include <chrono>

#include <map>
#include <string>

namespace loadgen {

/// Lines the caller sends in a consultation; the lawyer answers each one.
constexpr int chat_lines = 4;

/// Error frames, consultations that did not complete in time, sockets that failed mid-consultation.
struct failure_log {
  int count = 0;
  std::string phase;                 ///< the phase running now, named in each message
  std::map<std::string, int> kinds;  ///< how often each message came, printed under the table

  void add(const std::string& what) {
    ++count;
    ++kinds[phase + ": " + what];
  }
};

struct load_context {
  asio::any_io_executor executor;
  std::uint16_t port = 0;  ///< the gateway under load now
  traffic counts;
  failure_log failures;
  offer_tracker offers;
  frame_parser parser;
  clock::duration consultation_timeout = std::chrono::seconds(30);
};

}  // namespace loadgen
