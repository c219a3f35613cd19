#pragma once
// A program the generator starts (redis-server, `hotline serve`, `hotline admin`), its output in a
// log file, stopped by its PID only.

#include "timing.hpp"

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace loadgen {

class child_process {
 public:
  /// Starts argv[0] (looked up in PATH) with stdout and stderr appended to `log`; throws when it cannot.
  child_process(const std::vector<std::string>& argv, const std::filesystem::path& log);
  /// Still running: SIGKILL, so that nothing outlives the generator.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  /// The last `bytes` of what it printed.
  std::string output(std::size_t bytes = 4000) const;
  /// Waits until a line of its output starts with `prefix` and returns the rest of that line;
  /// nullopt when it exits or `limit` passes first.
  asio::awaitable<std::optional<std::string>> wait_for_line(const char* prefix, clock::duration limit);
  /// The exit status once it exits (-1 when `limit` passes first; it is then still running).
  asio::awaitable<int> wait(clock::duration limit);
  /// SIGTERM, then SIGKILL when it has not exited after `grace`.
  asio::awaitable<void> stop(clock::duration grace = std::chrono::seconds(5));

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int status_ = -1;
};

}  // namespace loadgen
