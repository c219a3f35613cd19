#pragma once
// A real `hotline serve` process for a test: its own config file and data dir in a temp dir, an
// ephemeral port, a given Redis. Stopped by PID (SIGTERM, then SIGKILL) when destroyed.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace hotline::test {

class gateway_process {
 public:
  /// `toml` is the whole config file; the Redis address and port 0 are given on the command line.
  gateway_process(const std::string& binary, const std::string& toml, const std::string& redis_address);
  ~gateway_process();
  gateway_process(const gateway_process&) = delete;
  gateway_process& operator=(const gateway_process&) = delete;

  /// Still running (not exited or killed).
  bool alive();
  /// What the process printed so far (stdout and stderr).
  std::string output() const;
  /// SIGTERM, and SIGKILL if it has not exited within 5 s.
  void stop();

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace hotline::test
