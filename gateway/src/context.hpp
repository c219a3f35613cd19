#pragma once
// What every part of the gateway reaches: configuration, the module APIs, the connection registry
// and the metrics. One per process, outliving every connection.

#include "metrics.hpp"
#include "registry.hpp"

#include <hotline/agents/accounts.hpp>
#include <hotline/core/config.hpp>
#include <hotline/core/redis_client.hpp>
#include <hotline/core/redis_subscriber.hpp>
#include <hotline/gateway/archive_service.hpp>
#include <hotline/queue/engine.hpp>

namespace hotline::gateway {

class phone_service;

struct gateway_context {
  const core::config& config;
  core::redis_client& redis;
  core::redis_subscriber& subscriber;
  queue::engine& queue;
  agents::accounts& accounts;
  archive_service& archive;
  phone_service* phone = nullptr;  ///< the phone channel (set by the server)
  registry connections;
  gateway_metrics metrics;
  std::uint64_t next_connection_id = 1;
};

}  // namespace hotline::gateway
