// Phone numbers never reach a log line whole.
#include <hotline/core/log.hpp>

#include <gtest/gtest.h>

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
