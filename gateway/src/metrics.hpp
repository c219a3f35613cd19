#pragma once
// The gateway's metrics, declared once in one list; /metrics renders the list.

#include <cstdint>
#include <string>

namespace hotline::gateway {

// X(name, type, help)
#define HOTLINE_GATEWAY_METRICS(X)                                                               \
  X(http_requests_total, counter, "HTTP requests answered")                                      \
  X(http_errors_total, counter, "HTTP requests answered with an error body")                     \
  X(ws_callers, gauge, "open caller WebSockets")                                                 \
  X(ws_agents, gauge, "open lawyer WebSockets")                                                  \
  X(ws_frames_received_total, counter, "WebSocket frames received")                              \
  X(ws_frame_errors_total, counter, "WebSocket frames answered with an error frame")             \
  X(ws_slow_consumers_total, counter, "WebSockets closed because their outbound queue was full") \
  X(sessions_started_total, counter, "caller sessions started through this gateway")             \
  X(sweeper_deadlines_total, counter, "deadlines (offer, wrap-up, grace) this gateway acted on") \
  X(notifications_total, counter, "pub/sub change hints received")

struct gateway_metrics {
#define HOTLINE_DECLARE_METRIC(name, type, help) std::int64_t name = 0;
  HOTLINE_GATEWAY_METRICS(HOTLINE_DECLARE_METRIC)
#undef HOTLINE_DECLARE_METRIC

  /// Prometheus text exposition format 0.0.4, plus the Redis connection gauges.
  std::string render(bool redis_ready, bool pubsub_ready) const;
};

}  // namespace hotline::gateway
