#pragma once
// One WebSocket to the gateway as a browser would open it (no Origin, TCP_NODELAY), counting the
// frames each way for the per-consultation figures.

#include "timing.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

/// Frames over every socket of the run: what the generator received is what the gateway sent.
struct traffic {
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
};

class ws_client {
 public:
  ws_client(asio::any_io_executor ex, traffic& counts);

  /// TCP connect and upgrade to `target`, within `handshake`. A read fails after `idle` without a
  /// frame (zero: reads wait for ever).
  asio::awaitable<boost::system::error_code> connect(std::uint16_t port, const std::string& target,
                                                     clock::duration handshake,
                                                     clock::duration idle = clock::duration::zero());
  /// Changes how long reads wait for a frame (zero: for ever).
  void idle_timeout(clock::duration idle);
  asio::awaitable<boost::system::error_code> send(std::string_view text);
  /// The next frame's text, valid until the next read; empty with `ec` set when the socket closed or
  /// timed out.
  asio::awaitable<std::string_view> read(boost::system::error_code& ec);
  /// The closing handshake; errors are of no interest any more.
  asio::awaitable<void> close();
  /// Drops the TCP connection without a closing handshake.
  void abort();

 private:
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  traffic& counts_;
  clock::duration handshake_timeout_{};
};

}  // namespace loadgen
