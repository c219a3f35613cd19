// `hotline simulate`: books a period of simulated traffic through the real scripts (with their
// clock set to the simulated time) into a running system's Redis, then archives it.
#include "cli.hpp"

#include <hotline/gateway/archive_service.hpp>
#include <hotline/gateway/simulation.hpp>

#include <iostream>

namespace hotline::gateway {

int simulate_command(const cli_args& args, const core::config& config) {
  simulation_options options;
  options.from = args.option("from").value_or("");
  options.to = args.option("to").value_or(options.from);
  try {
    options.sessions_per_day = std::stod(args.option("per-day").value_or("180"));
    options.lawyers = std::stoi(args.option("lawyers").value_or("6"));
    options.seed = std::stoull(args.option("seed").value_or("1"));
  } catch (const std::exception&) {
    std::cerr << "hotline simulate: --per-day, --lawyers and --seed are numbers\n";
    return 2;
  }
  options.id_prefix = args.option("prefix").value_or("sim" + std::to_string(options.seed));
  if (options.from.empty() || options.lawyers < 1) {
    std::cerr << "hotline simulate --from YYYY-MM-DD --to YYYY-MM-DD [--per-day 180] [--lawyers 6] [--seed 1]\n";
    return 2;
  }
  return with_archive(
      config, "simulate", [&](core::redis_client& redis, archive_service& archive) -> boost::asio::awaitable<int> {
        queue::engine queue(redis, config);
        const auto started = std::chrono::steady_clock::now();
        auto done = co_await simulate(queue, config, options);
        if (!done) {
          std::cerr << "hotline simulate: " << done.error() << "\n";
          co_return 1;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cout << "simulated " << done->sessions << " sessions (" << done->messages << " messages) with "
                  << done->actions << " script calls in " << seconds << " s\n";
        auto archived = co_await archive.archive_all(queue, "simulate");
        if (!archived) {
          std::cerr << "hotline simulate: " << archived.error() << "\n";
          co_return 1;
        }
        std::cout << "archived " << archived->sessions << " session rows from " << archived->events << " events into "
                  << archive.describe() << "\n";
        co_return 0;
      });
}

}  // namespace hotline::gateway
