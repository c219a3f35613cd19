// Command-line parsing for hotline_loadgen.
#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>

namespace loadgen {
namespace {

bool to_int(std::string_view text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= 0;
}

bool to_ints(std::string_view text, std::vector<int>& out) {
  out.clear();
  while (!text.empty()) {
    const auto comma = text.find(',');
    int value = 0;
    if (!to_int(text.substr(0, comma), value) || value == 0) return false;
    out.push_back(value);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return !out.empty();
}

bool to_seconds(std::string_view text, double& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out > 0;
}

void smoke_sizes(options& o) {
  o.lawyers = 4;
  o.callers = 4;
  o.seconds = 3;
  o.warmup_seconds = 0.5;
  o.paced_rates = {50};
  o.paced_seconds = 1;
  o.idle = 200;
  o.waiting = {10, 100};
  o.arrivals = 10;
  o.no_load_consultations = 5;
  o.consultation_timeout = std::chrono::seconds(20);
  o.phase_cap = std::chrono::seconds(20);
}

}  // namespace

const char* usage() {
  return "usage: hotline_loadgen --hotline PATH [--redis-server PATH] [--smoke] [--json FILE] [--peer-json FILE]\n"
         "       [--lawyers 60] [--capacity 3] [--threads 0] [--callers 50] [--seconds 10] [--paced-rates 100,1000]\n"
         "       [--paced-seconds 3] [--idle 20000] [--waiting 10,1000,10000] [--arrivals 50]\n";
}

std::string parse_options(int argc, char** argv, options& out) {
  std::map<std::string, std::string> given;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--smoke") {
      out.smoke = true;
    } else if (arg == "--help" || arg == "-h") {
      return "help";
    } else if (arg.starts_with("--") && i + 1 < argc) {
      given[std::string(arg.substr(2))] = argv[++i];
    } else {
      return "unexpected argument '" + std::string(arg) + "'";
    }
  }
  if (out.smoke) smoke_sizes(out);
  for (const auto& [name, value] : given) {
    bool ok = true;
    if (name == "hotline") out.hotline = value;
    else if (name == "redis-server") out.redis_server = value;
    else if (name == "json") out.json_file = value;
    else if (name == "peer-json") out.peer_json = value;
    else if (name == "lawyers") ok = to_int(value, out.lawyers) && out.lawyers > 0;
    else if (name == "capacity") ok = to_int(value, out.capacity) && out.capacity > 0;
    else if (name == "threads") ok = to_int(value, out.threads);
    else if (name == "callers") ok = to_int(value, out.callers) && out.callers > 0;
    else if (name == "seconds") ok = to_seconds(value, out.seconds);
    else if (name == "paced-rates") ok = to_ints(value, out.paced_rates);
    else if (name == "paced-seconds") ok = to_seconds(value, out.paced_seconds);
    else if (name == "idle") ok = to_int(value, out.idle) && out.idle > 0;
    else if (name == "waiting") ok = to_ints(value, out.waiting);
    else if (name == "arrivals") ok = to_int(value, out.arrivals) && out.arrivals > 0;
    else return "unknown option --" + name;
    if (!ok) return "bad value '" + value + "' for --" + name;
  }
  if (out.hotline.empty()) return "--hotline PATH is required";
  // Waiting counts are filled cumulatively, smallest first.
  std::sort(out.waiting.begin(), out.waiting.end());
  return "";
}

}  // namespace loadgen
