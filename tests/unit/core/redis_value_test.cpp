// Accessors of the owned reply type.
#include <hotline/core/redis_value.hpp>

#include <gtest/gtest.h>

using hotline::core::redis_value;

TEST(RedisValue, FlatArrayFields) {
  redis_value v;
  v.type = redis_value::kind::array;
  v.elements = {redis_value::make_string("state"), redis_value::make_string("QUEUED"),
                redis_value::make_string("position"), redis_value::make_string("3")};
  EXPECT_EQ(v.field("state").text, "QUEUED");
  EXPECT_EQ(v.field("position").as_integer(), 3);
  EXPECT_TRUE(v.field("missing").is_nil());
  EXPECT_TRUE(v.at(10).is_nil());
}

TEST(RedisValue, IntegerConversions) {
  EXPECT_EQ(redis_value::make_integer(42).as_string(), "42");
  EXPECT_EQ(redis_value::make_string("-7").as_integer(), -7);
  EXPECT_FALSE(redis_value::make_string("7x").as_integer());
  EXPECT_FALSE(redis_value::make_string("").as_integer());
  EXPECT_FALSE(redis_value::make_error("ERR").as_string());
}
