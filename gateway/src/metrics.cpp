// Rendering of the metric list, the histograms and the scrape-time figures.
#include "metrics.hpp"

#include <cstdio>

#ifndef HOTLINE_REVISION
#define HOTLINE_REVISION "unknown"
#endif

namespace hotline::gateway {
namespace {

void header(std::string& out, const std::string& name, const char* type, const char* help) {
  out += "# HELP hotline_" + name + " " + help + "\n";
  out += "# TYPE hotline_" + name + " " + type + "\n";
}

void emit(std::string& out, const char* name, const char* type, const char* help, std::int64_t value) {
  header(out, name, type, help);
  out += std::string("hotline_") + name + " " + std::to_string(value) + "\n";
}

// Label values are configuration codes and enum names; escaping keeps a stray quote harmless.
std::string label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

template <class Map>
void emit_labelled(std::string& out, const char* name, const char* help, const char* label_name, const Map& values) {
  header(out, name, "gauge", help);
  for (const auto& [key, value] : values) {
    char number[32];
    std::snprintf(number, sizeof number, "%g", static_cast<double>(value));
    out += std::string("hotline_") + name + "{" + label_name + "=\"" + label(key) + "\"} " + number + "\n";
  }
}

}  // namespace

std::string gateway_metrics::render(const scrape& live) const {
  std::string out;
  header(out, "build_info", "gauge", "the running build (value 1)");
  out += std::string("hotline_build_info{revision=\"") + HOTLINE_REVISION + "\"} 1\n";
#define HOTLINE_RENDER_METRIC(name, type, help) emit(out, #name, #type, help, name.load());
  HOTLINE_GATEWAY_METRICS(HOTLINE_RENDER_METRIC)
#undef HOTLINE_RENDER_METRIC
  emit(out, "redis_up", "gauge", "1 when every io thread's Redis command connection is ready", live.redis_ready ? 1 : 0);
  emit(out, "redis_pubsub_up", "gauge", "1 when every io thread's Redis pub/sub connection is subscribed", live.pubsub_ready ? 1 : 0);
  emit(out, "redis_requests_total", "counter", "commands sent on the io threads' Redis command connections (one per script call)",
       static_cast<std::int64_t>(live.redis_requests));
  live.redis_durations.render(out, "hotline_redis_request_duration_seconds",
                              "time from sending a Redis command to its reply");
  frame_handling.render(out, "hotline_ws_frame_handling_seconds",
                        "time to handle one client WebSocket frame, Redis calls included");
  offer_wait.render(out, "hotline_offer_wait_seconds",
                    "from a session's start to each offer shown to a lawyer on this gateway (Redis time)");
  emit_labelled(out, "ws_connections", "open WebSockets on this gateway by kind", "kind", live.connections_by_kind);
  emit_labelled(out, "callers_waiting", "callers waiting (queued or ringing a lawyer) by skill", "skill",
                live.waiting_by_skill);
  emit_labelled(out, "longest_wait_seconds", "the longest current wait by skill", "skill", live.longest_wait_by_skill);
  emit_labelled(out, "lawyers", "lawyers known to routing by status (BUSY: available with sessions)", "status",
                live.lawyers_by_status);
  if (live.archive_backlog)
    emit(out, "archive_backlog_events", "gauge", "events the archiver has not written to the archive yet",
         *live.archive_backlog);
  return out;
}

}  // namespace hotline::gateway
