#pragma once
// The pub/sub side: a second connection that stays subscribed across reconnects.
// Pub/sub is at most once, so every (re)subscription is reported: the owner re-reads its state then.

#include "hotline/core/redis_client.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace hotline::core {

class redis_subscriber {
 public:
  using message_handler = std::function<void(std::string_view channel, std::string_view payload)>;
  using subscribed_handler = std::function<void(std::string_view channel)>;

  redis_subscriber(boost::asio::any_io_executor executor, redis_options options, message_handler on_message,
                   subscribed_handler on_subscribed = {});
  ~redis_subscriber();
  redis_subscriber(const redis_subscriber&) = delete;
  redis_subscriber& operator=(const redis_subscriber&) = delete;

  /// Adds a channel; subscribed now if connected and again after every reconnect.
  void subscribe(std::string channel);
  void start();
  void stop();
  bool ready() const;

  struct state;  ///< internal; public only so the reconnect hook can name it

 private:
  std::shared_ptr<state> state_;
};

}  // namespace hotline::core
