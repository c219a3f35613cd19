#pragma once
// The gateway's metrics, declared once in one list; /metrics renders the list, the histograms and
// what is read at scrape time (queues, lawyers, connections, the archiver's backlog).

#include <hotline/core/histogram.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace hotline::gateway {

// X(name, type, help)
#define HOTLINE_GATEWAY_METRICS(X)                                                               \
  X(http_requests_total, counter, "HTTP requests answered")                                      \
  X(http_errors_total, counter, "HTTP requests answered with an error body")                     \
  X(ws_frames_received_total, counter, "WebSocket frames received")                              \
  X(ws_frames_sent_total, counter, "WebSocket frames sent")                                      \
  X(ws_frame_errors_total, counter, "WebSocket frames answered with an error frame")             \
  X(ws_slow_consumers_total, counter, "WebSockets closed because their outbound queue was full") \
  X(sessions_started_total, counter, "caller sessions started through this gateway")             \
  X(sweeper_deadlines_total, counter, "deadlines (offer, wrap-up, grace) this gateway acted on") \
  X(notifications_total, counter, "pub/sub change hints received")                             \
  X(logins_total, counter, "logins that succeeded")                                              \
  X(logins_failed_total, counter, "logins refused for a wrong username or password")             \
  X(logins_throttled_total, counter, "logins refused (429) while the username or address is locked") \
  X(logins_busy_total, counter, "logins refused (503) with the password hashing queue full")     \
  X(access_ended_total, counter, "staff WebSockets closed because their account's access ended")  \
  X(connections_refused_total, counter, "connections closed at accept: the node held max_connections") \
  X(callers_refused_total, counter, "caller WebSockets refused: the anonymous share or the source's was full") \
  X(starts_rate_limited_total, counter, "caller starts refused: the source started or holds too many sessions")

/// What /metrics reads when it is scraped, besides the gateway's own counters.
struct scrape {
  bool redis_ready = false;   ///< every shard's command connection
  bool pubsub_ready = false;  ///< every shard's pub/sub connection
  std::uint64_t redis_requests = 0;
  core::histogram redis_durations;
  std::map<std::string, int> waiting_by_skill;             ///< callers QUEUED or OFFERED, by category:language
  std::map<std::string, double> longest_wait_by_skill;     ///< seconds, of those waiting now
  std::map<std::string, int> lawyers_by_status;            ///< as the wallboard counts them (BUSY included)
  std::map<std::string, std::size_t> connections_by_kind;  ///< caller, agent, wallboard
  std::optional<std::int64_t> archive_backlog;             ///< events not yet archived; nothing when unknown
};

struct gateway_metrics {
#define HOTLINE_DECLARE_METRIC(name, type, help) std::atomic<std::int64_t> name = 0;
  HOTLINE_GATEWAY_METRICS(HOTLINE_DECLARE_METRIC)
#undef HOTLINE_DECLARE_METRIC
  core::histogram frame_handling;  ///< one client frame, from read to handled
  core::histogram offer_wait;      ///< a session's start to each offer, in Redis time

  /// Prometheus text exposition format 0.0.4.
  std::string render(const scrape& live) const;
};

}  // namespace hotline::gateway
