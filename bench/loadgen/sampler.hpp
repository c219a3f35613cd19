#pragma once
// Snapshots of what the system has spent so far, and the cost per unit of work between two of them.

#include "gateway_instance.hpp"
#include "redis_instance.hpp"
#include "ws_client.hpp"

#include <vector>

namespace loadgen {

struct resource_sample {
  clock::time_point at;
  double redis_commands = 0;
  double redis_cpu_seconds = 0;
  double gateway_cpu_seconds = 0;
  double generator_cpu_seconds = 0;
  double gateway_redis_requests = 0;  ///< NaN when the gateway does not export the counter
  double frames_to_gateway = 0;
  double frames_from_gateway = 0;
};

/// Per unit of work (a consultation, an arrival); every figure NaN when there were no units.
struct resource_cost {
  double redis_commands = 0;
  double redis_round_trips = 0;  ///< the gateway's requests to Redis
  double redis_cpu_us = 0;
  double gateway_cpu_us = 0;
  double generator_cpu_us = 0;
  double frames_to_gateway = 0;
  double frames_from_gateway = 0;
};

asio::awaitable<resource_sample> take_sample(redis_instance& redis, const gateway_instance& gateway,
                                             const traffic& counts);
resource_cost cost_per_unit(const resource_sample& before, const resource_sample& after, double units);

/// The q-quantile (0..1) of `values`, nearest rank; NaN for none.
double quantile(std::vector<double> values, double q);

}  // namespace loadgen
