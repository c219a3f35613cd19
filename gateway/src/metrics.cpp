// Rendering of the metric list.
#include "metrics.hpp"

namespace hotline::gateway {
namespace {

void emit(std::string& out, const char* name, const char* type, const char* help, std::int64_t value) {
  out += std::string("# HELP hotline_") + name + " " + help + "\n";
  out += std::string("# TYPE hotline_") + name + " " + type + "\n";
  out += std::string("hotline_") + name + " " + std::to_string(value) + "\n";
}

}  // namespace

std::string gateway_metrics::render(bool redis_ready, bool pubsub_ready) const {
  std::string out;
#define HOTLINE_RENDER_METRIC(name, type, help) emit(out, #name, #type, help, name);
  HOTLINE_GATEWAY_METRICS(HOTLINE_RENDER_METRIC)
#undef HOTLINE_RENDER_METRIC
  emit(out, "redis_up", "gauge", "1 when the Redis command connection is ready", redis_ready ? 1 : 0);
  emit(out, "redis_pubsub_up", "gauge", "1 when the Redis pub/sub connection is subscribed", pubsub_ready ? 1 : 0);
  return out;
}

}  // namespace hotline::gateway
