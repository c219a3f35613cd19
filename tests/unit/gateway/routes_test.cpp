// Pure pieces of the HTTP layer: query strings, the Origin rule, static file paths.
#include "routes.hpp"
#include "http_session.hpp"
#include "static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace hotline;

TEST(Routes, QueryParametersAreDecoded) {
  auto q = gateway::query_parameters("/api/v1/reports/summary?from=2026-12-01&groupBy=category&x=%E4%B8%AD+1&flag");
  EXPECT_EQ(q["from"], "2026-12-01");
  EXPECT_EQ(q["groupBy"], "category");
  EXPECT_EQ(q["x"], "中 1");
  EXPECT_TRUE(q.contains("flag"));
  EXPECT_TRUE(gateway::query_parameters("/plain").empty());
}

TEST(Routes, OriginRule) {
  core::server_config config;
  config.allowed_origins = {"https://12348.example.gov.cn"};
  EXPECT_TRUE(gateway::origin_allowed(config, "", "127.0.0.1:8080"));
  EXPECT_TRUE(gateway::origin_allowed(config, "http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(gateway::origin_allowed(config, "https://12348.example.gov.cn", "127.0.0.1:8080"));
  EXPECT_FALSE(gateway::origin_allowed(config, "http://evil.example", "127.0.0.1:8080"));
  EXPECT_FALSE(gateway::origin_allowed(config, "http://127.0.0.1:9999", "127.0.0.1:8080"));
}

TEST(StaticFiles, ServesInsideTheRootOnly) {
  const auto root = std::filesystem::temp_directory_path() / ("hotline-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "css");
  std::ofstream(root / "index.html") << "<h1>12348</h1>";
  std::ofstream(root / "css" / "app.css") << "body{}";
  std::ofstream(root / ".secret") << "x";

  auto index = gateway::load_static_file(root, "/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body, "<h1>12348</h1>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  auto css = gateway::load_static_file(root, "/css/app.css?v=2");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_FALSE(gateway::load_static_file(root, "/../etc/passwd"));
  EXPECT_FALSE(gateway::load_static_file(root, "/css/../../etc/passwd"));
  EXPECT_FALSE(gateway::load_static_file(root, "/.secret"));
  EXPECT_FALSE(gateway::load_static_file(root, "//etc/passwd"));
  EXPECT_FALSE(gateway::load_static_file(root, "/missing.html"));
  EXPECT_FALSE(gateway::load_static_file(root, "relative"));
  std::filesystem::remove_all(root);
}
