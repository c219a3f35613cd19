#pragma once
// Internal: one hiredis async connection with its keep-alive loop. redis_client and
// redis_subscriber are thin layers over it.

#include "hotline/core/histogram.hpp"
#include "hotline/core/redis_client.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <memory>

struct redisAsyncContext;

namespace hotline::core {

class redis_connection : public std::enable_shared_from_this<redis_connection> {
 public:
  /// Runs after every connect before the connection counts as ready; false drops and retries it.
  using connected_hook = std::function<boost::asio::awaitable<bool>()>;
  using reply_callback = void (*)(redisAsyncContext*, void* reply, void* privdata);

  redis_connection(boost::asio::any_io_executor executor, redis_options options, connected_hook on_connected,
                   bool health_check);
  ~redis_connection();

  void start();
  void stop();
  bool ready() const { return ready_; }
  /// Commands written to the server since start, PINGs included: the round trips a node costs.
  std::uint64_t commands_sent() const { return commands_sent_; }
  const histogram& durations() const { return durations_; }
  const redis_options& options() const { return options_; }

  /// One command with a deadline. `before_ready` lets the connected hook talk to a connection
  /// that is up but not yet ready.
  boost::asio::awaitable<result<redis_value>> request(const std::vector<std::string>& command,
                                                      bool before_ready = false);

  /// Sends without waiting; the callback gets each reply, and a null reply when the connection
  /// is freed. False when not connected (the callback will not run).
  bool send(const std::vector<std::string>& command, reply_callback callback, void* privdata);

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<bool> connect_once();
  boost::asio::awaitable<void> stay_connected();
  void free_context();

  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);

  boost::asio::any_io_executor executor_;
  redis_options options_;
  connected_hook on_connected_;
  bool health_check_;
  redisAsyncContext* context_ = nullptr;
  bool connected_ = false;
  std::atomic<bool> ready_ = false;  ///< read by other threads' metrics
  bool stopped_ = false;
  bool running_ = false;
  std::atomic<std::uint64_t> commands_sent_ = 0;
  histogram durations_;  ///< of requests that got a reply
  boost::asio::steady_timer wake_;  ///< cancelled to wake the run loop on connect, loss or stop
};

}  // namespace hotline::core
