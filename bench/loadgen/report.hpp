#pragma once
// The run's figures, the one table they are printed in, and their JSON forms (ours and the peer's).

#include "phases.hpp"

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loadgen {

struct run_figures {
  closed_loop_result no_persistence;
  closed_loop_result aof_always;
  no_load_result no_load;
  std::vector<paced_result> paced;
  idle_result idle;
  std::vector<waiting_result> waiting;
  int failures = 0;
  std::map<std::string, int> failure_kinds;
};

/// The BullMQ benchmark's line (bench/bullmq/bench.mjs).
struct peer_figures {
  double jobs_per_s = 0;
  double redis_commands_per_job = 0;
  double redis_cpu_us_per_job = 0;
  double client_round_trips_per_job = 0;
  double add_to_start_p50_ms = 0;
  double add_to_start_p99_ms = 0;
  double add_to_start_p999_ms = 0;
};

/// Reads the first JSON line of `file`; nullopt with `error` set when it cannot.
std::optional<peer_figures> read_peer(const std::string& file, std::string& error);

/// nproc, CPU model and kernel, for the line above the table.
std::string machine_description();

/// The markdown table: figure | hotline | BullMQ (when given) | ratio | target.
void print_table(std::FILE* out, const run_figures& f, const std::optional<peer_figures>& peer, const options& o);

/// Writes the figures as one JSON object.
bool write_json(const std::string& file, const run_figures& f, const std::optional<peer_figures>& peer);

/// Names of the figures that came out NaN (not measured); the smoke test requires none.
std::vector<std::string> unmeasured(const run_figures& f);

}  // namespace loadgen
