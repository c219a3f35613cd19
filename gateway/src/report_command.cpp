// `hotline report`: the summary of a period, printed as text, JSON or CSV.
#include "cli.hpp"
#include "reports.hpp"

#include <hotline/stats/report_format.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace hotline::gateway {

namespace asio = boost::asio;

int report_command(const cli_args& args, const core::config& config) {
  const auto by = stats::parse_group_by(args.option("group-by").value_or("day"));
  const auto format = args.option("format").value_or("text");
  if (!by || (format != "text" && format != "json" && format != "csv")) {
    std::cerr << "hotline report: --group-by day|category|channel, --format text|json|csv\n";
    return 2;
  }
  asio::io_context io;
  auto options = redis_options_for(config, config.redis.address);
  options.name = "report";
  core::redis_client redis(io.get_executor(), options);
  queue::engine queue(redis, config);
  redis.start();
  int status = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto report = co_await summary_report(queue, config, args.option("from").value_or(""),
                                              args.option("to").value_or(""), *by);
        redis.stop();
        if (!report) {
          std::cerr << "hotline report: " << report.error().message() << "\n";
          co_return;
        }
        std::cout << (format == "json" ? stats::to_json(*report) + "\n"
                      : format == "csv" ? stats::to_csv(*report)
                                        : stats::to_text(*report));
        status = 0;
      },
      asio::detached);
  io.run();
  return status;
}

}  // namespace hotline::gateway
