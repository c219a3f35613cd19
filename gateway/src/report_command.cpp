// `hotline report`: the summary of a period, printed as text, JSON or CSV.
#include "cli.hpp"
#include "reports.hpp"

#include <hotline/stats/report_format.hpp>

#include <iostream>

namespace hotline::gateway {

namespace {

boost::asio::awaitable<int> print_report(const cli_args& args, const core::config& config, core::redis_client& redis,
                                         stats::group_by by, std::string format) {
  queue::engine queue(redis, config);
  auto report =
      co_await summary_report(queue, config, args.option("from").value_or(""), args.option("to").value_or(""), by);
  if (!report) {
    std::cerr << "hotline report: " << report.error().message() << "\n";
    co_return 1;
  }
  std::cout << (format == "json"  ? stats::to_json(*report) + "\n"
                : format == "csv" ? stats::to_csv(*report)
                                  : stats::to_text(*report));
  co_return 0;
}

}  // namespace

int report_command(const cli_args& args, const core::config& config) {
  const auto by = stats::parse_group_by(args.option("group-by").value_or("day"));
  const auto format = args.option("format").value_or("text");
  if (!by || (format != "text" && format != "json" && format != "csv")) {
    std::cerr << "hotline report: --group-by day|week|month|quarter|year|category|channel, --format text|json|csv\n";
    return 2;
  }
  return with_redis(config, "report",
                    [&](core::redis_client& redis) { return print_report(args, config, redis, *by, format); });
}

}  // namespace hotline::gateway
