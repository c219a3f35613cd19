#pragma once
// What every part of the gateway reaches: configuration, the module APIs, the connection registry
// and the metrics. Outlives every connection of its shard.

#include "admission.hpp"
#include "metrics.hpp"
#include "registry.hpp"

#include <hotline/agents/accounts.hpp>
#include <hotline/core/config.hpp>
#include <hotline/core/redis_client.hpp>
#include <hotline/core/redis_subscriber.hpp>
#include <hotline/gateway/archive_service.hpp>
#include <hotline/queue/engine.hpp>

#include <vector>

namespace hotline::gateway {

class phone_service;

// One per shard (server.cpp): each io thread has its own Redis connections, module APIs and
// connections; the metrics are shared (atomic).
struct gateway_context {
  boost::asio::any_io_executor executor;  ///< the shard's io thread
  const core::config& config;
  core::redis_client& redis;
  core::redis_subscriber& subscriber;
  queue::engine& queue;
  agents::accounts& accounts;
  archive_service& archive;  ///< the first shard's: reports run there
  gateway_metrics& metrics;
  phone_service* phone = nullptr;  ///< the phone channel (the first shard's; null on the others)
  admission* gate = nullptr;       ///< the node's connection limits, shared by every shard
  registry connections = {};
  std::uint64_t next_connection_id = 1;
  /// The first shard's: every shard, the first included; new caller and lawyer WebSockets go to
  /// them in turn. HTTP, wallboards and listeners stay on the first.
  std::vector<gateway_context*> ws_shards = {};
  std::size_t next_ws_shard = 0;
};

}  // namespace hotline::gateway
