#pragma once
// A real redis-server for one test binary: unix socket in a temp dir, no TCP port, no persistence,
// stopped by PID (core::embedded_redis does the process work).
// $HOTLINE_TEST_REDIS points the tests at an external server instead.

#include <hotline/core/embedded_redis.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

namespace hotline::test {

class redis_server {
 public:
  redis_server();
  ~redis_server();

  /// "unix:/tmp/…/redis.sock"
  std::string address() const;
  void start();
  void stop();
  /// Stops the server and starts it again on the same socket (no data kept).
  void restart();
  /// SIGSTOP / SIGCONT: a server that keeps its socket open but answers nothing.
  void pause();
  void resume();

 private:
  std::filesystem::path dir_;
  std::optional<core::embedded_redis> server_;
};

/// The binary's shared server (a gtest Environment starts it once).
redis_server& shared_redis();

/// A hash tag no other test uses, so tests share the server without FLUSHALL.
std::string unique_centre();

}  // namespace hotline::test
