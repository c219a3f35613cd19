#pragma once
// The measured phases of a run and what each one yields.

#include "load_context.hpp"
#include "options.hpp"
#include "sampler.hpp"

#include <vector>

namespace loadgen {

/// `--callers` callers each doing consultations back to back; counted after a warm-up.
struct closed_loop_result {
  int completed = 0;  ///< finished inside the measured window
  double seconds = 0;
  double per_second = 0;
  resource_cost cost;  ///< per completed consultation
  std::vector<double> offer_ms;
};
asio::awaitable<closed_loop_result> run_closed_loop(load_context& ctx, redis_instance& redis,
                                                    const gateway_instance& gateway, const options& o);

/// Consultations started on a timer at `rate` per second whatever the ones before are doing.
struct paced_result {
  int rate = 0;
  int arrivals = 0;
  int completed = 0;
  std::vector<double> offer_ms;
};
asio::awaitable<paced_result> run_paced(load_context& ctx, int rate, double seconds, clock::duration cap);

/// One consultation at a time.
struct no_load_result {
  int completed = 0;
  std::vector<double> consultation_ms;
  std::vector<double> chat_round_trip_ms;
  std::vector<double> offer_ms;
};
asio::awaitable<no_load_result> run_no_load(load_context& ctx, int count);

/// Upgraded /ws/caller sockets that send nothing, and what they cost the gateway in memory.
struct idle_result {
  int wanted = 0;
  int opened = 0;
  double kb_per_socket = 0;
  std::string limited_by;  ///< why fewer than wanted were opened
};
asio::awaitable<idle_result> run_idle(load_context& ctx, const gateway_instance& gateway, int count,
                                      clock::duration cap);

/// The cost of one arrival (joins, then leaves at once) while W callers wait in the same queue.
struct waiting_result {
  int wanted = 0;
  int reached = 0;  ///< callers actually waiting when measured (the fill may hit the phase cap)
  int arrivals = 0;
  double ms_per_arrival = 0;
  resource_cost cost;          ///< per arrival
  double idle_cpu_percent = 0;  ///< Redis + gateway CPU, in % of a core, with nobody arriving
};
asio::awaitable<std::vector<waiting_result>> run_waiting(load_context& ctx, redis_instance& redis,
                                                         const gateway_instance& gateway, const options& o);

}  // namespace loadgen
