#pragma once
// Staffing advice: how many lawyers each hour needs to meet the answer-rate and service-level
// targets, by Erlang C (callers never give up) and Erlang A (callers give up after an exponential
// patience), set against the lawyers who were on duty.

#include <hotline/proto/hotline.pb.h>

#include <optional>
#include <string>
#include <vector>

namespace hotline::stats {

/// The queueing formulas, pure arithmetic. Times are in seconds, rates per second, load in erlangs.
namespace erlang {

/// Erlang C: the probability that a caller has to wait at all, with `agents` lawyers and
/// `load_erlangs` = arrivals × handle time offered. 1 when the load is at or above the agents
/// (the queue has no steady state and grows without bound).
double wait_probability(int agents, double load_erlangs);

/// Erlang C service level: the share of callers answered within `threshold_seconds`,
/// 1 − C·exp(−(n − a)·t / AHT). 0 when the queue is unstable, 1 when nobody calls.
double service_level_c(int agents, double arrivals_per_second, double handle_seconds, double threshold_seconds);

/// Erlang C average speed of answer over all callers (those answered at once count as 0),
/// C·AHT / (n − a). Infinite when the queue is unstable.
double average_speed_of_answer_c(int agents, double arrivals_per_second, double handle_seconds);

/// The steady state of the Erlang A (M/M/n+M) queue, as seen by an arriving caller.
struct erlang_a_result {
  double wait_probability;      ///< the caller finds every lawyer busy and queues
  double abandon_probability;   ///< the caller hangs up before being answered
  double service_level;         ///< answered within the threshold; an abandon counts as not answered
  double average_wait_seconds;  ///< mean time in queue over all callers, abandoned ones included
};

/// Erlang A with mean patience `patience_seconds`: exact, from the birth–death stationary
/// distribution (truncated where the states become negligible) and, for the service level, the
/// transient of each queued caller's race between reaching a lawyer and giving up. Stable at any
/// load. A patience that is not a positive finite number means callers never give up: the Erlang C
/// figures (abandon probability 0), which is also the limit as the patience grows.
erlang_a_result erlang_a(int agents, double arrivals_per_second, double handle_seconds, double patience_seconds,
                         double threshold_seconds);

/// The fewest agents whose Erlang C service level reaches `target` (a share, 0.8 for 80%);
/// 0 when nobody calls. A target of 1 or more is unreachable and gives the search's cap.
int agents_for_service_level(double arrivals_per_second, double handle_seconds, double threshold_seconds,
                             double target);

/// The fewest agents whose Erlang A service level reaches `target_service_level` and whose answer
/// probability (1 − abandon probability) reaches `target_answer_rate`; 0 when nobody calls.
/// Patience as for erlang_a: without one, only the service level binds.
int agents_for_targets(double arrivals_per_second, double handle_seconds, double patience_seconds,
                       double threshold_seconds, double target_service_level, double target_answer_rate);

}  // namespace erlang

/// One hour of the day, averaged over the days of the period, as the archive measured it.
struct staffing_input {
  int hour;                  ///< 0–23, local time of the centre
  double arrivals_per_hour;  ///< sessions entering the queue
  double handle_seconds;     ///< mean talk + wrap-up time
  /// Mean patience; 0 when nobody abandoned (unknown). Estimate it as the queue time of all callers
  /// divided by the abandons (Erlang A has P(Ab) = θ·E[W]): the mean wait of those who abandoned
  /// is shorter, since the patient ones are answered before they would have given up.
  double patience_seconds;
  double on_duty;  ///< mean lawyers signed in
  std::optional<double> measured_answer_rate;
};

/// What the centre promises callers.
struct staffing_targets {
  double service_level = 0.8;      ///< share answered within service_level_seconds
  int service_level_seconds = 15;  ///< the service-level threshold
  double answer_rate = 0.9;        ///< share answered at all (接通率)
};

/// The staffing report: for each hour the lawyers needed by Erlang C and by Erlang A, the
/// shortfall against those on duty, and one plain sentence of advice naming the hours that are
/// short. Hours are reported in the order given; the advice reads them by hour of the day.
v1::StaffingReport staffing_advice(const std::vector<staffing_input>& hours, const staffing_targets& targets,
                                   std::string from, std::string to);

}  // namespace hotline::stats
