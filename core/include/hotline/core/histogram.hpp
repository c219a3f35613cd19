#pragma once
// A Prometheus histogram with fixed bucket bounds (seconds), cheap enough to observe on every
// request: one bucket increment, a count and a sum. Thread-safe (relaxed atomics).

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace hotline::core {

class histogram {
 public:
  /// Upper bounds in seconds, 0.5 ms to 10 min: Redis round trips at the low end, waits at the top.
  static constexpr std::array<double, 16> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01,  0.025, 0.05, 0.1,
                                                  0.25,   0.5,   1,      2.5,   10,    30,    120,  600};

  void observe(double seconds);
  /// Adds another histogram's observations (several io threads' histograms rendered as one).
  void add(const histogram& other);
  /// `# HELP`, `# TYPE` and the _bucket, _sum and _count series of `name` (without labels).
  void render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{};  ///< the last one is +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

}  // namespace hotline::core
