#pragma once
// The summary report as JSON (proto3 mapping), CSV, and plain text for the terminal.

#include <hotline/proto/hotline.pb.h>

#include <string>

namespace hotline::stats {

std::string to_json(const v1::SummaryReport& report);
/// One header line, then one line per row and a last "total" line; rates as fractions, empty when undefined.
std::string to_csv(const v1::SummaryReport& report);
std::string to_text(const v1::SummaryReport& report);

}  // namespace hotline::stats
