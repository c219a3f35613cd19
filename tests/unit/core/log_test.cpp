// Phone numbers never reach a log line whole.
#include <hotline/core/log.hpp>

#include <gtest/gtest.h>

#include <algorithm>

using hotline::core::mask_phone_numbers;

TEST(Log, MasksMobileNumbers) {
  EXPECT_EQ(mask_phone_numbers("caller 13812345678 joined"), "caller 138****5678 joined");
  EXPECT_EQ(mask_phone_numbers("+8613812345678"), "+861******5678");
}

TEST(Log, MasksLandlinesAndKeepsShortNumbers) {
  EXPECT_EQ(mask_phone_numbers("tel 5551234"), "tel ***1234");
  EXPECT_EQ(mask_phone_numbers("queue 12, position 3"), "queue 12, position 3");
  EXPECT_EQ(mask_phone_numbers(""), "");
}

TEST(Log, EveryLineIsMaskedAndEscapedWhoeverLogsIt) {
  using hotline::core::sanitize_log_text;
  EXPECT_EQ(sanitize_log_text("id 110101199003071234"), "id 110***********1234");
  EXPECT_EQ(sanitize_log_text("id 11010119900307123X."), "id 110**********7123*.");
  EXPECT_EQ(sanitize_log_text("name\nFORGED 2026 error\r\t\x1b[31m"), "name\\nFORGED 2026 error\\r\\t\\x1b[31m");
  EXPECT_EQ(sanitize_log_text("Xian 0592-5551234 ext. X"), "Xian 0592-***1234 ext. X");

  testing::internal::CaptureStderr();
  hotline::core::logger("test")->warn("caller {} wrote {}", "13812345678", "hi\n2026-01-01 error [gateway] forged");
  const auto written = testing::internal::GetCapturedStderr();
  EXPECT_NE(written.find("caller 138****5678 wrote hi\\n2026-01-01 error [gateway] forged"), std::string::npos)
      << written;
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 1) << "one line, however many the input had";
}
