#pragma once
// The reports as JSON (proto3 mapping); the summary also as CSV and plain text for the terminal.

#include <hotline/proto/hotline.pb.h>

#include <string>

namespace hotline::stats {

/// Any report (summary, disclosure, staffing) as its proto3 JSON, zero counts included.
std::string to_json(const google::protobuf::Message& report);
/// One header line, then one line per row and a last "total" line; rates as fractions, 0 when their base is 0.
std::string to_csv(const v1::SummaryReport& report);
std::string to_text(const v1::SummaryReport& report);

}  // namespace hotline::stats
