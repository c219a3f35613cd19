// JSON, CSV and text renderings of one report.
#include <hotline/stats/report_format.hpp>
#include <hotline/stats/summary.hpp>

#include <gtest/gtest.h>

using namespace hotline;

namespace {

v1::SummaryReport one_answered() {
  stats::day_counters day{"2026-12-01",
                          {{"offered|CHAT|consult.marriage", 1},
                           {"answered|CHAT|consult.marriage", 1},
                           {"rated|CHAT|consult.marriage", 1},
                           {"satisfied|CHAT|consult.marriage", 1}}};
  return stats::summarize({day}, {"xm", "2026-12-01", "2026-12-01", stats::group_by::day, 480, 15, 5}).value();
}

}  // namespace

TEST(ReportFormat, JsonUsesTheProtoMapping) {
  const auto json = stats::to_json(one_answered());
  EXPECT_NE(json.find("\"offered\":\"1\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"answerRate\":1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"satisfaction\":1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"timezone\":\"+08:00\""), std::string::npos) << json;
}

TEST(ReportFormat, CsvHasAHeaderRowsAndTotal) {
  const auto csv = stats::to_csv(one_answered());
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")).substr(0, 22), "day,offered,answered,a");
  EXPECT_NE(csv.find("\r\n2026-12-01,1,1,0,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\ntotal,1,1,0,0,0,0,0,1.0000,1.0000,"), std::string::npos) << csv;
}

TEST(ReportFormat, TextShowsPercentages) {
  const auto text = stats::to_text(one_answered());
  EXPECT_NE(text.find("接通率      100.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("满意率     100.0%"), std::string::npos) << text;
}
