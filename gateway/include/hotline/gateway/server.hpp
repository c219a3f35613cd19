#pragma once
// The gateway: the HTTP/WebSocket listener, the pub/sub dispatcher, the deadline sweeper and the
// archiver, over the module APIs it is given, with caller and lawyer WebSockets spread over
// `server.threads` io threads. Heavy Beast headers stay in src/.

#include <hotline/agents/accounts.hpp>
#include <hotline/core/config.hpp>
#include <hotline/core/redis_client.hpp>
#include <hotline/core/redis_subscriber.hpp>
#include <hotline/gateway/archive_service.hpp>
#include <hotline/queue/engine.hpp>

#include <boost/asio/io_context.hpp>

#include <memory>

namespace hotline::gateway {

class server {
 public:
  /// `redis_options` are for the gateway's own pub/sub connection.
  server(boost::asio::io_context& io, const core::config& config, const core::redis_options& redis_options,
         core::redis_client& redis, queue::engine& queue, agents::accounts& accounts, archive_service& archive);
  ~server();

  /// Binds the listener and starts serving; returns the bound port (useful with port 0).
  boost::system::result<std::uint16_t, std::string> start();
  /// Stops accepting, closes every WebSocket (clients reconnect elsewhere) and stops the sweeper.
  void stop();
  /// Every io thread's Redis command and pub/sub connections are up.
  bool ready() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace hotline::gateway
