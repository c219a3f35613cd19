// `hotline report`: the summary, the disclosure section and the staffing advice of a period, and
// `report rebuild`, which recounts the day counters from the records and prints every difference.
#include "cli.hpp"
#include "reports.hpp"

#include <hotline/core/civil_day.hpp>
#include <hotline/stats/report_format.hpp>

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace hotline::gateway {

namespace {

namespace asio = boost::asio;

// One line redrawn in place on a terminal: [=====>     ] 120/365 days  40.1/s  6 s left
class progress_bar {
 public:
  progress_bar(std::int64_t total, const char* unit)
      : total_(total), unit_(unit), shown_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}
  void update(std::int64_t done) {
    if (!shown_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() + 1e-9;
    const double rate = static_cast<double>(done) / elapsed;
    const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    constexpr int width = 30;
    const int filled = total_ > 0 ? static_cast<int>(width * done / total_) : width;
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
    std::fprintf(stderr, "\r[%s] %lld/%lld %s  %.1f/s  %.0f s left ", bar.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total_), unit_, rate, left);
    if (done >= total_) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  std::int64_t total_;
  const char* unit_;
  bool shown_;
  std::chrono::steady_clock::time_point start_;
};

std::string staffing_text(const v1::StaffingReport& r) {
  std::ostringstream out;
  out << "staffing " << r.from() << " .. " << r.to() << ": target " << r.target_service_level() * 100 << "% within "
      << r.service_level_seconds() << " s, answer rate " << r.target_answer_rate() * 100 << "%\n"
      << "hour  arrivals/h  AHT s  patience s  Erlang C  Erlang A  on duty  short\n";
  for (const auto& h : r.hours()) {
    char line[160];
    std::snprintf(line, sizeof line, "%02d    %10.1f %6.0f %11.0f %9d %9d %8.1f %6d\n", h.hour(), h.arrivals_per_hour(),
                  h.average_handle_seconds(), h.average_patience_seconds(), h.needed_erlang_c(), h.needed_erlang_a(),
                  h.on_duty(), h.shortfall());
    out << line;
  }
  out << r.advice() << "\n";
  return out.str();
}

std::string failure_text(const stats::report_failure& f) {
  return f.code.message() + (f.detail.empty() ? "" : ": " + f.detail);
}

asio::awaitable<int> rebuild(const cli_args& args, const core::config& config, queue::engine& queue,
                             archive_service& archive) {
  const auto from = args.option("from").value_or(today(config));
  const auto to = args.option("to").value_or(from);
  const auto first = core::parse_day(from), last = core::parse_day(to);
  if (!first || !last || *first > *last) {
    std::cerr << "hotline report rebuild: --from and --to must be days YYYY-MM-DD, from <= to\n";
    co_return 2;
  }
  const bool write = args.option("write").has_value();
  // First what the events stream holds and the archive does not yet (the gateway's archiver may
  // hold the lease; then it is doing the same).
  auto caught_up = co_await archive.archive_all(queue, "report-rebuild");
  if (!caught_up) {
    std::cerr << "hotline report rebuild: " << caught_up.error() << "\n";
    co_return 1;
  }
  std::cerr << "archived " << caught_up->events << " pending events first\n";
  progress_bar bar(*last - *first + 1, "days");
  int differing_days = 0, differences = 0;
  for (auto day = *first; day <= *last; ++day) {
    const auto name = core::day_string(day);
    auto records = co_await archive.records(queue, name, name);
    if (!records) {
      std::cerr << "\nhotline report rebuild: " << records.error() << "\n";
      co_return 1;
    }
    auto expected = stats::recount(*records, config.stats.service_level_seconds, config.stats.short_abandon_seconds);
    auto& want = expected[name];
    auto have = co_await queue.day_counters(name);
    if (!have) {
      std::cerr << "\nhotline report rebuild: redis: " << have.error().message() << "\n";
      co_return 1;
    }
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> diff;  // field → {redis, recount}
    for (const auto& [field, value] : *have)
      if (value != 0 && (!want.contains(field) || want[field] != value)) diff[field] = {value, want[field]};
    for (const auto& [field, value] : want)
      if (value != 0 && (!have->contains(field) || have->at(field) != value))
        diff[field] = {have->contains(field) ? have->at(field) : 0, value};
    if (!diff.empty()) {
      ++differing_days;
      differences += static_cast<int>(diff.size());
      if (isatty(STDERR_FILENO)) std::cerr << "\n";
      for (const auto& [field, values] : diff)
        std::cout << name << "  " << field << "  redis " << values.first << "  recount " << values.second << "\n";
      if (write) {
        std::map<std::string, std::int64_t> clean;
        for (const auto& [field, value] : want)
          if (value != 0) clean[field] = value;
        auto replaced = co_await queue.replace_day_counters(name, clean);
        if (!replaced) {
          std::cerr << "hotline report rebuild: redis: " << replaced.error().message() << "\n";
          co_return 1;
        }
      }
    }
    bar.update(day - *first + 1);
  }
  std::cout << (*last - *first + 1) << " days recounted from " << archive.describe()
            << " and the live sessions: " << differences << " differences on " << differing_days << " days"
            << (write && differences ? " (counters replaced by the recount)" : "") << "\n";
  co_return differences == 0 || write ? 0 : 1;
}

asio::awaitable<int> print_report(const cli_args& args, const core::config& config, core::redis_client& redis,
                                  archive_service& archive) {
  queue::engine queue(redis, config);
  const std::string verb = args.positional.size() > 1 ? args.positional[1] : "summary";
  const auto format = args.option("format");
  if (verb == "rebuild") co_return co_await rebuild(args, config, queue, archive);
  if (verb == "disclosure") {
    const auto text = args.option("year").value_or(today(config).substr(0, 4));
    int year = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      std::cerr << "hotline report disclosure: --year must be a number such as 2026\n";
      co_return 2;
    }
    auto report = co_await disclosure_report(queue, archive, config, year);
    if (!report) {
      std::cerr << "hotline report: " << failure_text(report.error()) << "\n";
      co_return 1;
    }
    const auto f = format.value_or("md");
    std::cout << (f == "json"   ? stats::to_json(*report) + "\n"
                  : f == "html" ? stats::to_html(*report)
                                : stats::to_markdown(*report));
    co_return 0;
  }
  if (verb == "staffing") {
    auto report = co_await staffing_report(queue, archive, config, args.option("from").value_or(""),
                                           args.option("to").value_or(""));
    if (!report) {
      std::cerr << "hotline report: " << failure_text(report.error()) << "\n";
      co_return 1;
    }
    std::cout << (format.value_or("text") == "json" ? stats::to_json(*report) + "\n" : staffing_text(*report));
    co_return 0;
  }
  const auto by = stats::parse_grouping(args.option("group-by").value_or("day"));
  const auto f = format.value_or("text");
  if (verb != "summary" || !by || (f != "text" && f != "json" && f != "csv")) {
    std::cerr << "hotline report [summary] --group-by <period>[,<dimension>] --format text|json|csv\n"
                 "  periods: hour day week month quarter year; dimensions: channel category language lawyer priority\n"
                 "hotline report disclosure --year Y --format md|html|json\n"
                 "hotline report staffing --from D --to D [--format text|json]\n"
                 "hotline report rebuild --from D --to D [--write]\n";
    co_return 2;
  }
  auto report = co_await summary_report(queue, archive, config, args.option("from").value_or(""),
                                        args.option("to").value_or(""), *by);
  if (!report) {
    std::cerr << "hotline report: " << failure_text(report.error()) << "\n";
    co_return 1;
  }
  std::cout << (f == "json"  ? stats::to_json(*report) + "\n"
                : f == "csv" ? stats::to_csv(*report)
                             : stats::to_text(*report));
  co_return 0;
}

}  // namespace

int with_archive(const core::config& config, const std::string& name,
                 const std::function<boost::asio::awaitable<int>(core::redis_client&, archive_service&)>& body) {
  auto store = stats::open_archive(config.archive.url, config.data_dir);
  if (!store) {
    std::cerr << "hotline " << name << ": cannot open the archive: " << store.error() << "\n";
    return 1;
  }
  archive_service archive(config, std::move(*store));
  return with_redis(config, name, [&](core::redis_client& redis) { return body(redis, archive); });
}

int report_command(const cli_args& args, const core::config& config) {
  return with_archive(config, "report", [&](core::redis_client& redis, archive_service& archive) {
    return print_report(args, config, redis, archive);
  });
}

}  // namespace hotline::gateway
