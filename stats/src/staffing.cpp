// Erlang C and Erlang A arithmetic, and the hourly staffing report built on them. Products of
// rates are taken in log space or by normalised recursions, so loads of hundreds of erlangs are safe.
#include "hotline/stats/staffing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace hotline::stats {
namespace erlang {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// Only an overloaded queue whose callers wait for days gets this long; past it the stationary
// distribution is cut, and the figures are those of a queue that turns further callers away.
constexpr int max_queued_states = 200'000;

// No hotline offers this much work; a bigger figure is an input error and would only make the
// searches slow.
constexpr double max_load_erlangs = 100'000.0;

// A state whose probability (tail included) is below e^-40 of the largest one changes nothing.
constexpr double negligible_log = -40.0;

bool positive(double x) { return std::isfinite(x) && x > 0; }

double offered_load(double arrivals_per_second, double handle_seconds) {
  if (!positive(arrivals_per_second) || !positive(handle_seconds)) return 0.0;
  return std::min(arrivals_per_second * handle_seconds, max_load_erlangs);
}

// Far past any target short of 1 (Erlang C is below e^-50 there), so an unreachable target stops here.
int search_cap(double load) { return static_cast<int>(std::ceil(load + 10.0 * std::sqrt(load) + 50.0)); }

// Of the callers who queue (stationary probabilities p[n + j], j queued ahead), the share that
// reaches a lawyer within t. A caller with i still ahead moves up at rate nμ + iθ (a lawyer frees
// or one ahead gives up) and gives up itself at rate θ; each stage ends at rate ν_i = nμ + (i+1)θ
// whichever way it ends, so P(answered within t | j) = P(every stage moves up) × P(Σ_{i≤j} Exp(ν_i)
// ≤ t), and the first factor telescopes to nμ / (nμ + (j+1)θ). The second is the transient of a
// pure-death chain, solved for every j at once by uniformization: the chain starts with the weight
// of each j and the answer is the Poisson-weighted mass it has absorbed.
double queued_answered_within(const std::vector<double>& p, int n, double served_rate, double theta, double t) {
  const int queued = static_cast<int>(p.size()) - n;  // j = 0 .. queued − 1
  if (served_rate <= 0.0 || queued <= 0 || !(t > 0.0)) return 0.0;
  auto answered = [&](int j) { return p[n + j] * served_rate / (served_rate + (j + 1) * theta); };

  // When the transient is over by t, every caller who will be answered is answered in time. Each
  // stage is faster than Exp((i+1)θ), so the wait is shorter than the longest of j + 1 independent
  // patiences: P(not by t | answered) ≤ (j + 1)e^{−θt}. Each is faster than Exp(nμ) too, so it is
  // at most P(Poisson(nμt) ≤ j), below e^-80 once nμt ≥ 2j + 100 (Chernoff). Either way, skipping
  // the transient spares millions of steps when the patience or the handle time is far below t.
  if (theta * t > 50.0 + std::log(queued + 1.0) || served_rate * t >= 2.0 * queued + 100.0) {
    double sum = 0.0;
    for (int j = 0; j < queued; ++j) sum += answered(j);
    return sum;
  }

  // A caller with j ahead needs j + 1 uniformized events, so positions past the events that can
  // happen by t add nothing; dropping them lowers the uniform rate, which may drop more.
  int kept = queued;
  double uniform_rate = 0.0, events = 0.0;
  int steps = 0;
  for (;;) {
    uniform_rate = served_rate + kept * theta;  // the largest ν_i kept
    events = uniform_rate * t;
    steps = static_cast<int>(std::ceil(events + 12.0 * std::sqrt(events) + 30.0));
    if (steps >= kept) break;
    kept = steps;
  }
  std::vector<double> mass(kept + 1, 0.0);  // a spare empty slot keeps the step loop branch-free
  std::vector<double> advance(kept + 1, 0.0);
  for (int j = 0; j < kept; ++j) {
    mass[j] = answered(j);
    advance[j] = (served_rate + (j + 1) * theta) / uniform_rate;
  }
  const double log_events = std::log(events);
  double absorbed = 0.0, within = 0.0;
  for (int step = 1; step <= steps; ++step) {
    absorbed += mass[0] * advance[0];
    // In place and upwards: mass[j + 1] is still the previous step's when mass[j] reads it.
    for (int j = 0; j < kept; ++j) mass[j] = mass[j] * (1.0 - advance[j]) + mass[j + 1] * advance[j + 1];
    // P(exactly `step` uniformized events by t), in log space so a long threshold cannot underflow it.
    within += std::exp(-events + step * log_events - std::lgamma(step + 1.0)) * absorbed;
  }
  return within;
}

}  // namespace

double wait_probability(int agents, double load_erlangs) {
  if (!(load_erlangs > 0)) return 0.0;
  if (agents <= 0 || load_erlangs >= agents) return 1.0;
  // Erlang B by its recursion, which stays in [0, 1]; then C = nB / (n − a(1 − B)).
  double blocking = 1.0;
  for (int k = 1; k <= agents; ++k) {
    blocking = load_erlangs * blocking / (k + load_erlangs * blocking);
    if (blocking < 1e-300) return 0.0;  // B only falls from here: far more agents than load
  }
  return agents * blocking / (agents - load_erlangs * (1.0 - blocking));
}

double service_level_c(int agents, double arrivals_per_second, double handle_seconds, double threshold_seconds) {
  if (!positive(arrivals_per_second)) return 1.0;
  const double load = offered_load(arrivals_per_second, handle_seconds);
  if (agents <= 0 || load >= agents) return 0.0;
  const double waits = wait_probability(agents, load);
  if (waits == 0.0) return 1.0;  // no handle time: the exponent below would be 0/0
  const double t = std::max(threshold_seconds, 0.0);
  return 1.0 - waits * std::exp(-(agents - load) * t / handle_seconds);
}

double average_speed_of_answer_c(int agents, double arrivals_per_second, double handle_seconds) {
  const double load = offered_load(arrivals_per_second, handle_seconds);
  if (load == 0.0) return 0.0;
  if (agents <= 0 || load >= agents) return infinity;
  return wait_probability(agents, load) * handle_seconds / (agents - load);
}

erlang_a_result erlang_a(int agents, double arrivals_per_second, double handle_seconds, double patience_seconds,
                         double threshold_seconds) {
  const int n = std::max(agents, 0);
  double lambda = arrivals_per_second;
  if (!positive(lambda)) return {0.0, 0.0, 1.0, 0.0};
  if (!positive(handle_seconds) && n > 0) return {0.0, 0.0, 1.0, 0.0};  // answered the moment they call

  if (!positive(patience_seconds)) {
    // Callers who never give up: Erlang C, where an unstable queue answers nobody in time.
    const double load = offered_load(lambda, handle_seconds);
    if (n == 0 || load >= n) return {1.0, 0.0, 0.0, infinity};
    return {wait_probability(n, load), 0.0, service_level_c(n, lambda, handle_seconds, threshold_seconds),
            average_speed_of_answer_c(n, lambda, handle_seconds)};
  }

  const double mu = n > 0 ? 1.0 / handle_seconds : 0.0;
  const double theta = 1.0 / patience_seconds;
  if (n > 0) lambda = std::min(lambda, max_load_erlangs * mu);
  const double served_rate = n * mu;
  auto death_rate = [&](int k) { return std::min(k, n) * mu + std::max(k - n, 0) * theta; };

  // log of the unnormalised stationary probability of k callers in the system: a^k/k! up to n,
  // then one more factor λ/(nμ + jθ) per queued caller.
  std::vector<double> log_p{0.0};
  double log_max = 0.0;
  const double log_lambda = std::log(lambda);
  bool cut = false;
  for (int k = 1;; ++k) {
    log_p.push_back(log_p.back() + log_lambda - std::log(death_rate(k)));
    log_max = std::max(log_max, log_p.back());
    // The ratio of successive terms only falls with k, so once it is below 1 the rest of the tail
    // is at most term × ratio / (1 − ratio). The term itself must be negligible too: the abandon
    // rate of the next state, θ·p[k+1] / λ, is as large as p[k] when patience is short beside the
    // gaps between calls. Far more lawyers than load stops this before k = n.
    const double ratio = lambda / death_rate(k + 1);
    const double log_tail = log_p.back() + std::max(std::log(ratio / (1.0 - ratio)), 0.0);
    if (ratio < 1.0 && log_tail < log_max + negligible_log) break;
    if (k - n >= max_queued_states) {
      cut = true;
      break;
    }
  }
  std::vector<double> p(log_p.size());
  double total = 0.0;
  for (std::size_t k = 0; k < p.size(); ++k) total += p[k] = std::exp(log_p[k] - log_max);
  for (double& x : p) x /= total;

  const int states = static_cast<int>(p.size());
  double immediate = 0.0, waits = 0.0, mean_queue = 0.0, mean_busy = 0.0;
  for (int k = 0; k < states; ++k) {
    if (k < n)
      immediate += p[k];
    else
      waits += p[k];
    if (k > n) mean_queue += (k - n) * p[k];
    mean_busy += std::min(k, n) * p[k];
  }
  // Every caller is answered or gives up, so θ·E[Q] = λ − μ·E[busy]. The left side keeps its
  // precision when abandons are rare; a cut queue would hide most of them from it, while the
  // right side still sees the lawyers' throughput and counts the callers past the cut as lost.
  const double abandons = cut ? std::max(1.0 - mu * mean_busy / lambda, 0.0) : theta * mean_queue / lambda;
  const double answered_in_time = queued_answered_within(p, n, served_rate, theta, threshold_seconds);
  return {waits, abandons, std::min(immediate + answered_in_time, 1.0), mean_queue / lambda};
}

int agents_for_service_level(double arrivals_per_second, double handle_seconds, double threshold_seconds,
                             double target) {
  if (!positive(arrivals_per_second)) return 0;
  const double load = offered_load(arrivals_per_second, handle_seconds);
  const int cap = search_cap(load);
  // The Erlang C service level rises with every agent, so the fewest that reach it are found by bisection.
  int low = static_cast<int>(std::floor(load)) + 1, high = cap;
  if (service_level_c(high, arrivals_per_second, handle_seconds, threshold_seconds) < target) return cap;
  while (low < high) {
    const int middle = low + (high - low) / 2;
    if (service_level_c(middle, arrivals_per_second, handle_seconds, threshold_seconds) >= target)
      high = middle;
    else
      low = middle + 1;
  }
  return low;
}

int agents_for_targets(double arrivals_per_second, double handle_seconds, double patience_seconds,
                       double threshold_seconds, double target_service_level, double target_answer_rate) {
  if (!positive(arrivals_per_second)) return 0;
  // Without abandonment every caller of a stable queue is answered: only the service level binds.
  if (!positive(patience_seconds))
    return agents_for_service_level(arrivals_per_second, handle_seconds, threshold_seconds, target_service_level);
  const double load = offered_load(arrivals_per_second, handle_seconds);
  const int cap = search_cap(load);
  // n lawyers answer at most nμ callers a second, so fewer than a × target_answer_rate cannot do;
  // from there the first n that meets both targets is the answer.
  int n = std::max(1, static_cast<int>(std::floor(load * std::clamp(target_answer_rate, 0.0, 1.0))));
  for (; n < cap; ++n) {
    const auto r = erlang_a(n, arrivals_per_second, handle_seconds, patience_seconds, threshold_seconds);
    if (r.service_level >= target_service_level && 1.0 - r.abandon_probability >= target_answer_rate) return n;
  }
  return cap;
}

}  // namespace erlang

namespace {

// Means of whole lawyers carry float noise: 3.0000000001 on duty is three lawyers, not four.
int whole_lawyers(double on_duty) {
  if (!(on_duty > 0)) return 0;
  return static_cast<int>(std::ceil(std::min(on_duty, 1e6) - 1e-9));
}

std::string clock(int hour) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d:00", hour);
  return buffer;
}

// 0.9 → "90%", 0.875 → "87.5%".
std::string percent(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", share * 100.0);
  std::string text = buffer;
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text + "%";
}

struct short_hour {
  int hour;
  int shortfall;
  bool erlang_a;  // false: no patience was measured, so Erlang C decided
};

std::string advice(std::vector<short_hour> short_hours, const staffing_targets& targets) {
  if (short_hours.empty()) return "现有排班可达目标";
  std::sort(short_hours.begin(), short_hours.end(), [](const auto& x, const auto& y) { return x.hour < y.hour; });
  std::string ranges;
  int largest = 0, with_a = 0;
  for (std::size_t i = 0; i < short_hours.size();) {
    const int start = short_hours[i].hour;
    int end = start + 1;
    for (; i < short_hours.size() && short_hours[i].hour <= end; ++i) {
      end = std::max(end, short_hours[i].hour + 1);
      largest = std::max(largest, short_hours[i].shortfall);
      with_a += short_hours[i].erlang_a;
    }
    if (!ranges.empty()) ranges += "、";
    ranges += clock(start) + "–" + clock(end);
  }
  const std::string service_level =
      std::to_string(targets.service_level_seconds) + " 秒内接通 " + percent(targets.service_level);
  std::string basis;
  if (with_a == 0)  // Erlang C answers every caller in the end: the answer-rate target does not bind
    basis = "按 Erlang C，" + service_level;
  else if (with_a == static_cast<int>(short_hours.size()))
    basis = "按 Erlang A，目标接通率 " + percent(targets.answer_rate) + "、" + service_level;
  else
    basis =
        "按 Erlang A，无放弃数据的时段按 Erlang C；目标接通率 " + percent(targets.answer_rate) + "、" + service_level;
  return ranges + " 需增加 " + std::to_string(largest) + " 名律师（" + basis + "）";
}

}  // namespace

v1::StaffingReport staffing_advice(const std::vector<staffing_input>& hours, const staffing_targets& targets,
                                   std::string from, std::string to) {
  v1::StaffingReport report;
  report.set_from(std::move(from));
  report.set_to(std::move(to));
  report.set_service_level_seconds(targets.service_level_seconds);
  report.set_target_service_level(targets.service_level);
  report.set_target_answer_rate(targets.answer_rate);

  const double threshold = targets.service_level_seconds;
  std::vector<short_hour> short_hours;
  for (const auto& in : hours) {
    const double arrivals = in.arrivals_per_hour / 3600.0;
    // A patience of 0 means no caller abandoned in that hour, so there is nothing to fit Erlang A
    // to: the Erlang A column then repeats Erlang C (erlang_a and agents_for_targets do so for any
    // patience that is not a positive number).
    const bool patience_known = std::isfinite(in.patience_seconds) && in.patience_seconds > 0;
    const double patience = patience_known ? in.patience_seconds : 0.0;

    auto* row = report.add_hours();
    row->set_hour(in.hour);
    row->set_arrivals_per_hour(in.arrivals_per_hour);
    row->set_average_handle_seconds(in.handle_seconds);
    row->set_average_patience_seconds(in.patience_seconds);
    row->set_on_duty(in.on_duty);
    row->set_needed_erlang_c(
        erlang::agents_for_service_level(arrivals, in.handle_seconds, threshold, targets.service_level));
    const int needed = erlang::agents_for_targets(arrivals, in.handle_seconds, patience, threshold,
                                                  targets.service_level, targets.answer_rate);
    row->set_needed_erlang_a(needed);
    row->set_shortfall(std::max(needed - whole_lawyers(in.on_duty), 0));
    if (in.measured_answer_rate) row->set_measured_answer_rate(*in.measured_answer_rate);
    // A rate over no callers is not a number: an hour nobody called leaves the predictions unset,
    // as the summary report does with its ratios.
    if (needed > 0) {
      const auto predicted = erlang::erlang_a(needed, arrivals, in.handle_seconds, patience, threshold);
      row->set_predicted_answer_rate(1.0 - predicted.abandon_probability);
      row->set_predicted_service_level(predicted.service_level);
    }
    if (row->shortfall() > 0) short_hours.push_back({in.hour, row->shortfall(), patience_known});
  }
  report.set_advice(advice(std::move(short_hours), targets));
  return report;
}

}  // namespace hotline::stats
