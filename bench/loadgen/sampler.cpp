// Reading Redis, the gateway and the generator itself at one instant.
#include "sampler.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace loadgen {

namespace {

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

asio::awaitable<resource_sample> take_sample(redis_instance& redis, const gateway_instance& gateway,
                                             const traffic& counts) {
  resource_sample s;
  s.at = clock::now();
  s.generator_cpu_seconds = own_cpu_seconds();
  s.gateway_cpu_seconds = gateway.cpu_seconds();
  s.frames_to_gateway = static_cast<double>(counts.frames_sent);
  s.frames_from_gateway = static_cast<double>(counts.frames_received);
  const auto info = co_await redis.counters();
  s.redis_commands = info ? info->commands : nan;
  s.redis_cpu_seconds = info ? info->cpu_seconds : nan;
  s.gateway_redis_requests = co_await gateway.redis_requests();
  co_return s;
}

resource_cost cost_per_unit(const resource_sample& before, const resource_sample& after, double units) {
  const double per = units > 0 ? 1.0 / units : nan;
  resource_cost c;
  c.redis_commands = (after.redis_commands - before.redis_commands) * per;
  c.redis_round_trips = (after.gateway_redis_requests - before.gateway_redis_requests) * per;
  c.redis_cpu_us = (after.redis_cpu_seconds - before.redis_cpu_seconds) * 1e6 * per;
  c.gateway_cpu_us = (after.gateway_cpu_seconds - before.gateway_cpu_seconds) * 1e6 * per;
  c.generator_cpu_us = (after.generator_cpu_seconds - before.generator_cpu_seconds) * 1e6 * per;
  c.frames_to_gateway = (after.frames_to_gateway - before.frames_to_gateway) * per;
  c.frames_from_gateway = (after.frames_from_gateway - before.frames_from_gateway) * per;
  return c;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return nan;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(std::clamp<std::size_t>(rank, 1, values.size()) - 1);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

}  // namespace loadgen
