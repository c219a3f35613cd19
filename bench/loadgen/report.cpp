// The table of figures, the JSON file, the peer's line and the machine line.
#include "report.hpp"

#include <boost/json.hpp>

#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>

namespace loadgen {

namespace json = boost::json;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string number(double v, int decimals = -1) {
  if (!std::isfinite(v)) return "n/a";
  if (decimals < 0) decimals = std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : std::fabs(v) >= 1 ? 2 : 3;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

double ratio(double ours, double theirs) { return theirs != 0 ? ours / theirs : nan; }

std::string verdict(const std::string& target, double value, bool met) {
  if (!std::isfinite(value)) return target + " (not measured)";
  return target + (met ? " — met" : " — missed");
}

struct percentiles {
  double p50, p99, p999;
};

percentiles of(const std::vector<double>& ms) { return {quantile(ms, 0.5), quantile(ms, 0.99), quantile(ms, 0.999)}; }

std::string triple(const percentiles& p) { return number(p.p50) + " / " + number(p.p99) + " / " + number(p.p999); }

// Redis and gateway CPU of one arrival: the figure whose growth with the line length matters.
double arrival_cpu_us(const waiting_result& w) { return w.cost.redis_cpu_us + w.cost.gateway_cpu_us; }

double aof_ratio(const run_figures& f) { return ratio(f.aof_always.per_second, f.no_persistence.per_second); }

double waiting_growth(const run_figures& f) {
  if (f.waiting.size() < 2) return nan;
  return ratio(arrival_cpu_us(f.waiting.back()), arrival_cpu_us(f.waiting.front()));
}

std::string count(int n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

json::value json_number(double v) { return std::isfinite(v) ? json::value(v) : json::value(nullptr); }

json::object json_percentiles(const std::vector<double>& ms) {
  const auto p = of(ms);
  json::object o;
  o["p50"] = json_number(p.p50);
  o["p99"] = json_number(p.p99);
  o["p999"] = json_number(p.p999);
  o["samples"] = ms.size();
  return o;
}

json::object json_cost(const resource_cost& c) {
  json::object o;
  o["redis_commands"] = json_number(c.redis_commands);
  o["redis_round_trips"] = json_number(c.redis_round_trips);
  o["redis_cpu_us"] = json_number(c.redis_cpu_us);
  o["gateway_cpu_us"] = json_number(c.gateway_cpu_us);
  o["generator_cpu_us"] = json_number(c.generator_cpu_us);
  o["frames_from_gateway"] = json_number(c.frames_from_gateway);
  o["frames_to_gateway"] = json_number(c.frames_to_gateway);
  return o;
}

double number_in(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return nan;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return nan;
}

// One JSON object per row of a phase (paced rates, waiting counts).
template <class Rows, class Row>
json::array json_rows(const Rows& rows, Row row) {
  json::array out;
  for (const auto& r : rows) out.push_back(row(r));
  return out;
}

}  // namespace

std::optional<peer_figures> read_peer(const std::string& file, std::string& error) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    error = "cannot read " + file;
    return std::nullopt;
  }
  boost::system::error_code ec;
  const auto value = json::parse(line, ec);
  if (ec || !value.is_object()) {
    error = file + " is not a JSON object: " + line;
    return std::nullopt;
  }
  const auto& o = value.get_object();
  peer_figures p;
  p.jobs_per_s = number_in(o, "jobs_per_s");
  p.redis_commands_per_job = number_in(o, "redis_commands_per_job");
  p.redis_cpu_us_per_job = number_in(o, "redis_cpu_us_per_job");
  p.client_round_trips_per_job = number_in(o, "client_round_trips_per_job");
  p.add_to_start_p50_ms = p.add_to_start_p99_ms = p.add_to_start_p999_ms = nan;
  if (const auto* latency = o.if_contains("add_to_start_ms"); latency && latency->is_object()) {
    p.add_to_start_p50_ms = number_in(latency->get_object(), "p50");
    p.add_to_start_p99_ms = number_in(latency->get_object(), "p99");
    p.add_to_start_p999_ms = number_in(latency->get_object(), "p999");
  }
  return p;
}

std::string machine_description() {
  std::string model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.starts_with("model name")) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  utsname name{};
  uname(&name);
  return std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs (nproc), " + model + ", " + name.sysname + " " +
         name.release;
}

void print_table(std::FILE* out, const run_figures& f, const std::optional<peer_figures>& peer, const options& o) {
  struct row {
    std::string figure, ours, theirs, ratio, target;
  };
  std::vector<row> rows;
  const auto& main = f.no_persistence;
  const auto& cost = main.cost;
  auto theirs = [&](double v) { return peer ? number(v) : std::string(); };
  auto against = [&](double ours, double v) { return peer ? number(ratio(ours, v), 2) : std::string(); };

  rows.push_back({"consultations/s, closed loop, no persistence (" + count(o.callers) + " callers, " +
                      count(o.lawyers) + " lawyers × " + std::to_string(o.capacity) + ")",
                  number(main.per_second), peer ? number(peer->jobs_per_s) + " jobs/s" : "",
                  against(main.per_second, peer ? peer->jobs_per_s : nan),
                  peer ? verdict("≥ 0.5 × BullMQ", main.per_second, main.per_second >= 0.5 * peer->jobs_per_s)
                       : "≥ 0.5 × BullMQ"});
  rows.push_back({"consultations/s, closed loop, AOF appendfsync always", number(f.aof_always.per_second), "", "", ""});
  rows.push_back({"AOF always / no persistence", number(aof_ratio(f), 2), "", "",
                  verdict("≥ 0.6", aof_ratio(f), aof_ratio(f) >= 0.6)});
  const auto closed = of(main.offer_ms);
  rows.push_back({"start → offer p50 / p99 / p99.9, closed loop (ms)", triple(closed),
                  peer ? "add → start " + triple({peer->add_to_start_p50_ms, peer->add_to_start_p99_ms,
                                                  peer->add_to_start_p999_ms})
                       : "",
                  peer ? "p99 " + number(ratio(closed.p99, peer->add_to_start_p99_ms), 2) : "", ""});
  for (const auto& p : f.paced) {
    const auto l = of(p.offer_ms);
    rows.push_back({"start → offer p50 / p99 / p99.9 at " + count(p.rate) + "/s paced (ms; " + count(p.completed) +
                        " of " + count(p.arrivals) + " completed)",
                    triple(l), "", "", p.rate == 1000 ? verdict("p99 ≤ 2 ms", l.p99, l.p99 <= 2) : ""});
  }
  const double one = quantile(f.no_load.consultation_ms, 0.5);
  rows.push_back({"one consultation at no load, start → rating acknowledged, median of " +
                      std::to_string(f.no_load.consultation_ms.size()) + " (ms)",
                  number(one), "", "", verdict("≤ 10 ms", one, one <= 10)});
  const double chat = quantile(f.no_load.chat_round_trip_ms, 0.5);
  rows.push_back({"chat round trip at no load: caller's line → lawyer's answer at the caller, median (ms)",
                  number(chat), "", "", verdict("≤ 1 ms", chat, chat <= 1)});
  rows.push_back({"Redis commands per consultation (commandstats, scripts' commands included)",
                  number(cost.redis_commands), theirs(peer ? peer->redis_commands_per_job : nan),
                  against(cost.redis_commands, peer ? peer->redis_commands_per_job : nan),
                  verdict("≤ 40", cost.redis_commands, cost.redis_commands <= 40)});
  rows.push_back({"client round trips to Redis per consultation (hotline_redis_requests_total)",
                  number(cost.redis_round_trips), theirs(peer ? peer->client_round_trips_per_job : nan),
                  against(cost.redis_round_trips, peer ? peer->client_round_trips_per_job : nan),
                  verdict("≤ 12", cost.redis_round_trips, cost.redis_round_trips <= 12)});
  rows.push_back({"Redis CPU per consultation (µs)", number(cost.redis_cpu_us),
                  theirs(peer ? peer->redis_cpu_us_per_job : nan),
                  against(cost.redis_cpu_us, peer ? peer->redis_cpu_us_per_job : nan), ""});
  rows.push_back({"Redis CPU per consultation, AOF always (µs)", number(f.aof_always.cost.redis_cpu_us), "", "", ""});
  rows.push_back({"gateway CPU per consultation (µs)", number(cost.gateway_cpu_us), "", "", ""});
  rows.push_back({"generator CPU per consultation (µs)", number(cost.generator_cpu_us), "", "", ""});
  rows.push_back({"WebSocket frames per consultation, gateway sent / received",
                  number(cost.frames_from_gateway, 1) + " / " + number(cost.frames_to_gateway, 1), "", "", ""});
  std::string idle = "idle WebSocket, gateway RSS per socket (KB; " + count(f.idle.opened) + " of " +
                     count(f.idle.wanted) + " opened";
  if (!f.idle.limited_by.empty()) idle += ", limited by " + f.idle.limited_by;
  rows.push_back({idle + ")", number(f.idle.kb_per_socket, 2), "", "",
                  verdict("≤ 12 KB", f.idle.kb_per_socket, f.idle.kb_per_socket <= 12)});
  for (const auto& w : f.waiting) {
    std::string figure = "one arrival (start, end) with " + count(w.reached) + " waiting";
    if (w.reached < w.wanted) figure += " (of " + count(w.wanted) + " wanted: the fill hit the phase cap)";
    figure += ": Redis + gateway CPU (µs) [Redis µs, gateway µs, Redis commands, ms each; " + count(w.arrivals) +
              " arrivals; CPU % with no arrivals]";
    rows.push_back({figure,
                    number(arrival_cpu_us(w)) + " [" + number(w.cost.redis_cpu_us) + ", " +
                        number(w.cost.gateway_cpu_us) + ", " + number(w.cost.redis_commands) + ", " +
                        number(w.ms_per_arrival) + "; " + number(w.idle_cpu_percent, 1) + " %]",
                    "", "", ""});
  }
  if (f.waiting.size() >= 2)
    rows.push_back({"arrival cost at " + count(f.waiting.back().reached) + " / at " +
                        count(f.waiting.front().reached) + " waiting",
                    number(waiting_growth(f), 2), "", "",
                    verdict("≤ 2", waiting_growth(f), waiting_growth(f) <= 2)});
  rows.push_back({"failures (error frames, consultations not completed in time)", std::to_string(f.failures), "", "",
                  verdict("0", f.failures, f.failures == 0)});

  std::fprintf(out, "| figure | hotline |%s ratio | target |\n|---|---|%s---|---|\n", peer ? " BullMQ |" : "",
               peer ? "---|" : "");
  for (const auto& r : rows) {
    if (peer)
      std::fprintf(out, "| %s | %s | %s | %s | %s |\n", r.figure.c_str(), r.ours.c_str(), r.theirs.c_str(),
                   r.ratio.c_str(), r.target.c_str());
    else
      std::fprintf(out, "| %s | %s | %s | %s |\n", r.figure.c_str(), r.ours.c_str(), r.ratio.c_str(), r.target.c_str());
  }
}

bool write_json(const std::string& file, const run_figures& f, const std::optional<peer_figures>& peer) {
  json::object o;
  o["machine"] = machine_description();
  o["consultations_per_s_no_persistence"] = json_number(f.no_persistence.per_second);
  o["consultations_per_s_aof_always"] = json_number(f.aof_always.per_second);
  o["aof_always_over_no_persistence"] = json_number(aof_ratio(f));
  o["start_to_offer_ms_closed_loop"] = json_percentiles(f.no_persistence.offer_ms);
  o["start_to_offer_ms_paced"] = json_rows(f.paced, [](const auto& p) {
    json::object entry = json_percentiles(p.offer_ms);
    entry["rate"] = p.rate;
    entry["arrivals"] = p.arrivals;
    entry["completed"] = p.completed;
    return entry;
  });
  o["no_load_consultation_ms"] = json_number(quantile(f.no_load.consultation_ms, 0.5));
  o["no_load_chat_round_trip_ms"] = json_number(quantile(f.no_load.chat_round_trip_ms, 0.5));
  o["per_consultation"] = json_cost(f.no_persistence.cost);
  o["per_consultation_aof_always"] = json_cost(f.aof_always.cost);
  json::object idle;
  idle["wanted"] = f.idle.wanted;
  idle["opened"] = f.idle.opened;
  idle["kb_per_socket"] = json_number(f.idle.kb_per_socket);
  o["idle"] = std::move(idle);
  o["waiting"] = json_rows(f.waiting, [](const auto& w) {
    json::object entry = json_cost(w.cost);
    entry["wanted"] = w.wanted;
    entry["reached"] = w.reached;
    entry["arrivals"] = w.arrivals;
    entry["ms_per_arrival"] = json_number(w.ms_per_arrival);
    entry["idle_cpu_percent"] = json_number(w.idle_cpu_percent);
    return entry;
  });
  o["arrival_cost_growth"] = json_number(waiting_growth(f));
  o["failures"] = f.failures;
  if (peer) {
    json::object p;
    p["jobs_per_s"] = json_number(peer->jobs_per_s);
    p["redis_commands_per_job"] = json_number(peer->redis_commands_per_job);
    p["redis_cpu_us_per_job"] = json_number(peer->redis_cpu_us_per_job);
    p["client_round_trips_per_job"] = json_number(peer->client_round_trips_per_job);
    o["bullmq"] = std::move(p);
  }
  std::ofstream out(file);
  out << json::serialize(o) << "\n";
  return static_cast<bool>(out);
}

std::vector<std::string> unmeasured(const run_figures& f) {
  std::vector<std::pair<std::string, double>> figures{
      {"consultations/s no persistence", f.no_persistence.per_second},
      {"consultations/s AOF always", f.aof_always.per_second},
      {"start → offer p99 closed loop", quantile(f.no_persistence.offer_ms, 0.99)},
      {"no-load consultation", quantile(f.no_load.consultation_ms, 0.5)},
      {"no-load chat round trip", quantile(f.no_load.chat_round_trip_ms, 0.5)},
      {"Redis commands per consultation", f.no_persistence.cost.redis_commands},
      {"Redis CPU per consultation", f.no_persistence.cost.redis_cpu_us},
      {"gateway CPU per consultation", f.no_persistence.cost.gateway_cpu_us},
      {"generator CPU per consultation", f.no_persistence.cost.generator_cpu_us},
      {"frames per consultation", f.no_persistence.cost.frames_from_gateway},
      {"idle socket memory", f.idle.kb_per_socket},
      {"arrival cost growth", waiting_growth(f)},
  };
  for (const auto& p : f.paced) figures.emplace_back("start → offer p99 at " + std::to_string(p.rate) + "/s",
                                                      quantile(p.offer_ms, 0.99));
  for (const auto& w : f.waiting)
    figures.emplace_back("arrival cost at " + std::to_string(w.wanted) + " waiting", arrival_cpu_us(w));
  std::vector<std::string> missing;
  for (const auto& [name, value] : figures)
    if (!std::isfinite(value)) missing.push_back(name);
  return missing;
}

}  // namespace loadgen
