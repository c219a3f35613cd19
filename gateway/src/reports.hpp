#pragma once
// The summary report for a period: the queue's day counters through the stats arithmetic.
// Shared by GET /api/v1/reports/summary and `hotline report`.

#include <hotline/core/config.hpp>
#include <hotline/queue/engine.hpp>
#include <hotline/stats/summary.hpp>

namespace hotline::gateway {

/// Today in the centre's time zone, YYYY-MM-DD.
std::string today(const core::config& config);

boost::asio::awaitable<boost::system::result<v1::SummaryReport>> summary_report(queue::engine& queue,
                                                                                const core::config& config,
                                                                                std::string from, std::string to,
                                                                                stats::group_by by);

}  // namespace hotline::gateway
