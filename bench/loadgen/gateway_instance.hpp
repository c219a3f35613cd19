#pragma once
// A real `hotline serve` for the generator: its config file, its lawyer accounts (made with
// `hotline admin create`), its port, and what it costs (CPU, RSS, Redis requests).

#include "child_process.hpp"

#include <cstdint>
#include <memory>

namespace loadgen {

struct gateway_settings {
  std::string binary;
  std::string redis_address;  ///< host:port or unix:/path
  int max_queue_length = 100;
  int lawyers = 0;            ///< accounts lawyer1..N with consult.marriage:zh
  int capacity = 3;
  int threads = 0;  ///< [server] threads: 0 one per core
};

class gateway_instance {
 public:
  gateway_instance(gateway_settings settings, std::filesystem::path dir);

  /// Writes the config, creates the accounts and starts `hotline serve`; true once /readyz says 200.
  asio::awaitable<bool> start(std::string& error);
  asio::awaitable<void> stop();

  std::uint16_t port() const { return port_; }
  /// User + system CPU seconds of the whole process so far (its CPU clock: nanoseconds, not ticks).
  double cpu_seconds() const;
  /// VmRSS in KB; 0 when it cannot be read.
  long rss_kb() const;
  /// The gateway's own count of requests sent to Redis (`hotline_redis_requests_total`); NaN when
  /// this build does not export it.
  asio::awaitable<double> redis_requests() const;

  static std::string lawyer_name(int i) { return "lawyer" + std::to_string(i); }
  static std::string lawyer_password(int i) { return "bench-password-" + std::to_string(i); }

 private:
  asio::awaitable<bool> create_lawyers(std::string& error);

  gateway_settings settings_;
  std::filesystem::path dir_;
  std::unique_ptr<child_process> process_;
  std::uint16_t port_ = 0;
};

}  // namespace loadgen
