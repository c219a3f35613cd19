#pragma once
// The redis-server child that `hotline serve` starts when no Redis address is configured:
// AOF with appendfsync always, data under the data directory, a unix socket and no TCP port.

#include <boost/system/result.hpp>

#include <sys/types.h>
#include <filesystem>
#include <string>

namespace hotline::core {

class embedded_redis {
 public:
  /// Starts `binary` with its data in `dir` and waits until its socket accepts connections.
  /// `durable` = AOF with appendfsync always; tests and the benchmark's baseline turn it off.
  static boost::system::result<embedded_redis, std::string> start(const std::string& binary,
                                                                  const std::filesystem::path& dir,
                                                                  bool durable = true);
  /// The socket of a server already started in `dir` (for `hotline admin` beside a running gateway).
  static std::filesystem::path socket_path(const std::filesystem::path& dir);

  embedded_redis(embedded_redis&& other) noexcept;
  embedded_redis& operator=(embedded_redis&&) = delete;
  ~embedded_redis();

  /// "unix:/…/redis.sock", for redis_endpoint::parse.
  std::string address() const;
  pid_t pid() const { return pid_; }

  /// SIGTERM, then SIGKILL if it has not exited within a few seconds. Idempotent.
  void stop();

 private:
  embedded_redis(pid_t pid, std::filesystem::path socket) : pid_(pid), socket_(std::move(socket)) {}
  pid_t pid_;
  std::filesystem::path socket_;
};

}  // namespace hotline::core
