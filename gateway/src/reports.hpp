#pragma once
// The reports as the API and `hotline report` serve them: records from the archive service
// through the stats arithmetic. The wallboard's "today" comes from the live counters.

#include <hotline/core/config.hpp>
#include <hotline/gateway/archive_service.hpp>
#include <hotline/queue/engine.hpp>
#include <hotline/stats/disclosure.hpp>
#include <hotline/stats/records.hpp>
#include <hotline/stats/staffing.hpp>

namespace hotline::gateway {

template <class T>
using report_result = boost::system::result<T, stats::report_failure>;

/// Today in the centre's time zone, YYYY-MM-DD.
std::string today(const core::config& config);

/// The summary of [from, to] (empty: today) grouped as asked.
boost::asio::awaitable<report_result<v1::SummaryReport>> summary_report(queue::engine& queue, archive_service& archive,
                                                                        const core::config& config, std::string from,
                                                                        std::string to, stats::grouping by);

boost::asio::awaitable<report_result<v1::DisclosureReport>> disclosure_report(queue::engine& queue,
                                                                              archive_service& archive,
                                                                              const core::config& config, int year);

/// Lawyers needed per hour of day for the targets in [stats], from the period's arrivals.
boost::asio::awaitable<report_result<v1::StaffingReport>> staffing_report(queue::engine& queue,
                                                                          archive_service& archive,
                                                                          const core::config& config, std::string from,
                                                                          std::string to);

/// A lawyer as the floor sees them: BUSY when available with sessions, else their status.
std::string floor_status(const queue::agent_view& agent);

/// The live wallboard: who waits, the lawyers by status, today's figures from the counters.
boost::asio::awaitable<boost::system::result<v1::Wallboard>> wallboard(queue::engine& queue,
                                                                       const core::config& config);

}  // namespace hotline::gateway
