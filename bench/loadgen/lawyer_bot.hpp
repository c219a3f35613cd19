#pragma once
// A lawyer at the console: signs in, goes AVAILABLE, accepts every offer, answers each of the
// caller's lines, then ends the talk and files the work order.

#include "load_context.hpp"

#include <unordered_map>

namespace loadgen {

class lawyer_bot {
 public:
  /// Account `lawyer<index>` of the gateway_instance.
  lawyer_bot(load_context& ctx, int index);

  /// Login, /ws/agent and setStatus AVAILABLE; true once the status change is acknowledged.
  asio::awaitable<bool> sign_in(std::string& error);
  /// Serves offers and chats until stop(); spawn it detached after sign_in.
  asio::awaitable<void> serve();
  /// Drops the socket; the gateway treats it as a console that went away.
  void stop();
  bool serving() const { return serving_; }

 private:
  asio::awaitable<bool> send();
  asio::awaitable<void> handle(const server_frame& frame, clock::time_point arrived);
  std::string next_request_id();

  load_context& ctx_;
  int index_;
  ws_client ws_;
  std::string out_;                           ///< the frame being sent, its capacity reused
  std::string ready_request_;                 ///< the setStatus whose acknowledgement means ready
  bool ready_ = false;
  bool serving_ = false;
  bool stopping_ = false;
  std::uint64_t requests_ = 0;
  std::unordered_map<std::string, int> lines_;  ///< caller lines received per session
};

}  // namespace loadgen
