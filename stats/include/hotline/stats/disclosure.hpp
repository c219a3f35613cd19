#pragma once
// The hotline section of the annual government-information disclosure report
// (政府信息公开工作年度报告): standard wording with the year's figures, tables by month and by
// category, as Markdown, printable HTML and JSON.

#include <hotline/proto/hotline.pb.h>
#include <hotline/stats/records.hpp>

#include <map>
#include <string>

namespace hotline::stats {

struct disclosure_request {
  std::string centre;
  std::string centre_name;  ///< e.g. "厦门市12348公共法律服务热线"
  int year = 0;
  int utc_offset_minutes = 480;
  int service_level_seconds = 15;
  int short_abandon_seconds = 5;
  std::int64_t now_ms = 0;
  /// Category code → name, in catalog order: every category gets a row.
  std::vector<std::pair<std::string, std::string>> categories;
  std::string source;
};

/// The year's report from its records; the same identities as every report (a violation refuses it).
boost::system::result<v1::DisclosureReport, report_failure> disclosure(const record_set& records,
                                                                       const disclosure_request& request);

std::string to_markdown(const v1::DisclosureReport& report);
/// A standalone page that prints on A4 as it shows.
std::string to_html(const v1::DisclosureReport& report);
// JSON: stats::to_json in report_format.hpp.

}  // namespace hotline::stats
