#pragma once
// A redis-server of the generator's own on a free loopback TCP port, and the probe connection that
// reads its command counts and CPU time.

#include "child_process.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <optional>

namespace loadgen {

/// What Redis has done so far: commands run (scripts' inner commands included) and CPU seconds.
struct redis_counters {
  double commands = 0;
  double cpu_seconds = 0;
};

class redis_instance {
 public:
  /// `durable`: AOF with appendfsync always; otherwise no persistence at all.
  redis_instance(std::string binary, std::filesystem::path dir, bool durable);

  /// Starts the server and connects the probe; false (with the log in `error`) when it did not come up.
  asio::awaitable<bool> start(std::string& error);
  /// "127.0.0.1:port", as `hotline --redis` takes it.
  std::string address() const;
  /// INFO cpu commandstats; the probe's own INFO calls are left out of the count.
  asio::awaitable<std::optional<redis_counters>> counters();
  asio::awaitable<void> stop();

 private:
  /// One command written inline, its reply's text (bulk or status); nullopt on an error reply or I/O failure.
  asio::awaitable<std::optional<std::string>> command(std::string_view line);

  std::string binary_;
  std::filesystem::path dir_;
  bool durable_;
  std::uint16_t port_ = 0;
  std::unique_ptr<child_process> process_;
  std::unique_ptr<asio::ip::tcp::socket> probe_;
  std::string buffer_;
};

}  // namespace loadgen
