// The config parser: strict, with the offending key named.
#include <hotline/core/config.hpp>

#include <gtest/gtest.h>

#include <fstream>

using namespace hotline::core;

namespace {

const std::string minimal = R"(
[routing]
categories = [{ code = "consult.marriage", name = "婚姻家庭" }]
languages = [{ code = "zh", name = "普通话" }]
)";

}  // namespace

TEST(Config, MinimalFileGetsDefaults) {
  auto c = parse_config(minimal);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->server.max_ws_message_bytes, 65536u);
  EXPECT_EQ(c->routing.ring_timeout_seconds, 20);
  EXPECT_EQ(c->stats.service_level_seconds, 15);
  EXPECT_EQ(c->centre.utc_offset_minutes, 480);
  ASSERT_EQ(c->routing.categories.size(), 1u);
  EXPECT_EQ(c->routing.categories[0].name, "婚姻家庭");
}

TEST(Config, UnknownKeyIsNamed) {
  auto c = parse_config(minimal + "\n[server]\nprot = 9000\n");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("unknown key 'server.prot'"), std::string::npos) << c.error();
  auto section = parse_config(minimal + "\n[serverz]\nport = 1\n");
  ASSERT_FALSE(section);
  EXPECT_NE(section.error().find("unknown key 'serverz'"), std::string::npos) << section.error();
}

TEST(Config, WrongTypesAndRangesAreRefused) {
  auto c = parse_config(minimal + "\n[server]\nport = \"80\"\n");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("'server.port' must be an integer"), std::string::npos) << c.error();
  auto range = parse_config(minimal + "\n[server]\nport = 70000\n");
  ASSERT_FALSE(range);
  EXPECT_NE(range.error().find("between 0 and 65535"), std::string::npos);
  EXPECT_FALSE(parse_config("[routing]\nlanguages = [{ code = \"zh\", name = \"x\" }]\n"));  // no categories
  EXPECT_FALSE(parse_config("not toml ["));
}

TEST(Config, DuplicateOrBadCodesAreRefused) {
  EXPECT_FALSE(parse_config(R"([routing]
categories = [{ code = "a", name = "A" }, { code = "a", name = "B" }]
languages = [{ code = "zh", name = "普通话" }])"));
  EXPECT_FALSE(parse_config(R"([routing]
categories = [{ code = "a:b", name = "A" }]
languages = [{ code = "zh", name = "普通话" }])"));
}

TEST(Config, ShippedFileParses) {
  auto c = load_config(std::string(HOTLINE_SOURCE_DIR) + "/deploy/hotline.toml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_GE(c->routing.categories.size(), 10u);
  EXPECT_TRUE(c->redis.address.empty());
}
