#pragma once
// The asynchronous Redis client every module shares: one pipelined connection kept healthy in the
// background (connect, load function libraries, PING, reconnect with backoff), used by many
// coroutines at once.

#include "hotline/core/errc.hpp"
#include "hotline/core/histogram.hpp"
#include "hotline/core/redis_value.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::core {

/// Where Redis listens: "host:port", "[::1]:port" or "unix:/path".
struct redis_endpoint {
  std::string host;
  int port = 0;
  std::string unix_path;

  static boost::system::result<redis_endpoint, std::string> parse(std::string_view address);
  std::string to_string() const;
};

struct redis_options {
  redis_endpoint endpoint;
  std::chrono::milliseconds request_timeout{2000};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
  std::chrono::milliseconds ping_interval{1000};
  std::string name = "redis";  ///< for log lines
};

/// A Redis Functions library (`#!lua name=…` and its register_function calls), loaded after every
/// connect with FUNCTION LOAD REPLACE and again when a call finds its function missing.
struct lua_library {
  std::string name;
  std::string source;
};

class redis_connection;

class redis_client {
 public:
  redis_client(boost::asio::any_io_executor executor, redis_options options, std::vector<lua_library> libraries = {});
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  /// Starts the background connection; requests made before it is up wait for it until their deadline.
  void start();
  /// Closes the connection; requests in flight fail with errc::connection_lost, later ones with errc::stopped.
  void stop();
  /// True while connected with every library loaded.
  bool ready() const;
  /// Commands sent since start (each EVALSHA is one, however much its script does).
  std::uint64_t commands_sent() const;
  /// How long requests took from send to reply.
  const histogram& request_durations() const;

  /// Sends one command. Redis error replies come back as a value with is_error(); transport
  /// failures (not connected, timeout, connection lost) as the error.
  boost::asio::awaitable<result<redis_value>> exec(std::vector<std::string> command);

  /// FCALL of a function of a registered library; when the server no longer has it (FUNCTION FLUSH,
  /// a restart between our PINGs) it loads the libraries again and tries once more.
  boost::asio::awaitable<result<redis_value>> fcall(const std::string& function, const std::vector<std::string>& keys,
                                                    const std::vector<std::string>& args);

 private:
  std::shared_ptr<redis_connection> connection_;
  std::vector<lua_library> libraries_;
};

}  // namespace hotline::core
