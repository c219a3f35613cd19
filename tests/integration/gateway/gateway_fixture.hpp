#pragma once
// The gateway in-process over real sockets with a real redis-server, and a WebSocket test client:
// shared by the gateway's integration tests.
#include "async.hpp"
#include "redis_server.hpp"

#include <hotline/core/civil_day.hpp>
#include <hotline/gateway/frame_codec.hpp>
#include <hotline/gateway/server.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace hotline::test {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct http_reply {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  http::fields headers;
};

class ws_client {
 public:
  explicit ws_client(asio::any_io_executor ex) : ws_(ex) {}

  /// Opens the WebSocket from `source` (any of 127.0.0.0/8: another client address to the gateway).
  asio::awaitable<beast::error_code> connect(std::uint16_t port, const std::string& target,
                                             const std::string& origin = "", const std::string& source = "127.0.0.1") {
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(tcp::v4());
    socket.bind(tcp::endpoint(asio::ip::make_address(source), 0));
    co_await beast::get_lowest_layer(ws_).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(beast::websocket::stream_base::timeout{5s, 10s, false});
    ws_.read_message_max(1 << 20);
    if (!origin.empty())
      ws_.set_option(beast::websocket::stream_base::decorator(
          [origin](beast::websocket::request_type& req) { req.set(http::field::origin, origin); }));
    co_await ws_.async_handshake("127.0.0.1:" + std::to_string(port), target,
                                 asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  asio::awaitable<void> send(const std::string& text, bool binary = false) {
    ws_.binary(binary);
    co_await ws_.async_write(asio::buffer(text), asio::use_awaitable);
  }

  /// The next frame; empty when the connection closed.
  asio::awaitable<std::string> read() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    co_await ws_.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::string();
    co_return beast::buffers_to_string(buffer.data());
  }

  /// Reads frames until one decoded as `Frame` satisfies `match`; fails the test after 40 frames or a close.
  template <class Frame, class Match>
  asio::awaitable<Frame> read_until(Match match, bool binary = false) {
    for (int i = 0; i < 40; ++i) {
      const auto payload = co_await read();
      if (payload.empty()) break;
      Frame frame;
      std::string error;
      EXPECT_TRUE(gateway::decode_frame(
          payload, binary ? gateway::frame_encoding::binary : gateway::frame_encoding::json, frame, error))
          << error << ": " << payload;
      if (match(frame)) co_return frame;
    }
    ADD_FAILURE() << "the expected frame did not arrive";
    co_return Frame{};
  }

  /// Every frame up to and including the first that satisfies `match` (at most 60).
  template <class Frame, class Match>
  asio::awaitable<std::vector<Frame>> read_all_until(Match match) {
    std::vector<Frame> frames;
    for (int i = 0; i < 60; ++i) {
      const auto payload = co_await read();
      if (payload.empty()) break;
      Frame frame;
      std::string error;
      EXPECT_TRUE(gateway::decode_frame(payload, gateway::frame_encoding::json, frame, error)) << error;
      frames.push_back(frame);
      if (match(frame)) co_return frames;
    }
    std::string got;
    for (const auto& f : frames) got += "\n  " + f.ShortDebugString();
    ADD_FAILURE() << "the expected frame did not arrive; got" << got;
    co_return frames;
  }

  bool got_binary() const { return ws_.got_binary(); }

 private:
  beast::websocket::stream<beast::tcp_stream> ws_;
};

class Gateway : public ::testing::Test {
 protected:
  /// `tweak` adjusts the configuration before anything reads it.
  explicit Gateway(const std::function<void(core::config&)>& tweak = {})
      : config(make_config(tweak)),
        redis(io.get_executor(), options(), queue::engine::scripts()),
        engine(redis, config),
        accounts(redis, config),
        archive(config, std::move(*stats::open_archive("sqlite:" + (web_root / "archive.db").string(), web_root))),
        server(io, config, options(), redis, engine, accounts, archive) {
    redis.start();
    port = server.start().value();
    run([this]() -> asio::awaitable<void> {
      for (const auto& [name, role] :
           std::vector<std::pair<std::string, v1::Role>>{{"lawyer1", v1::LAWYER_ROLE}, {"boss", v1::SUPERVISOR}}) {
        agents::new_account a;
        a.profile.username = name;
        a.profile.display_name = name == "lawyer1" ? "张律师" : "主管";
        a.profile.role = role;
        a.profile.categories = {"consult.marriage"};
        a.profile.languages = {"zh"};
        a.password = "password-" + name;
        auto created = co_await accounts.create(a);
        EXPECT_TRUE(created) << created.error().message();
      }
      for (int i = 0; i < 300 && !server.ready(); ++i) co_await test::sleep_for(10ms);
    }());
  }
  ~Gateway() override {
    server.stop();
    redis.stop();
    io.run_for(200ms);
    std::filesystem::remove_all(web_root);
  }

  core::config make_config(const std::function<void(core::config&)>& tweak) {
    core::config c;
    c.centre.id = test::unique_centre();
    c.server.port = 0;
    c.server.max_body_bytes = 4096;
    c.routing.categories = {{"consult.marriage", "婚姻家庭"}, {"consult.labour", "劳动争议"}};
    c.routing.languages = {{"zh", "普通话"}};
    c.routing.position_tick_ms = 100;
    // Caller and lawyer sockets spread over three io threads whatever the machine: every test
    // crosses threads (and the TSan configuration checks them).
    c.server.threads = 3;
    web_root = std::filesystem::temp_directory_path() / ("hotline-gw-web-" + c.centre.id);
    std::filesystem::create_directories(web_root);
    std::ofstream(web_root / "chat.html") << "<!doctype html><title>在线咨询</title>";
    c.server.web_root = web_root.string();
    // Every test client is on one machine: per-source limits only where a test is about them.
    c.admission.caller_sockets_per_source = c.admission.starts_per_source_per_minute =
        c.admission.waiting_per_source = 100000;
    if (tweak) tweak(c);
    return c;
  }
  static core::redis_options options() {
    core::redis_options o;
    o.endpoint = core::redis_endpoint::parse(test::shared_redis().address()).value();
    return o;
  }

  /// One HTTP request on a connection of its own, from `source` (any of 127.0.0.0/8: each is
  /// another client address to the gateway).
  asio::awaitable<http_reply> request(http::verb method, const std::string& target, const std::string& body = "",
                                      const std::string& token = "", const std::string& source = "127.0.0.1") {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.socket().open(tcp::v4());
    stream.socket().bind(tcp::endpoint(asio::ip::make_address(source), 0));
    co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    stream.expires_after(10s);
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    co_await http::async_read(stream, buffer, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return http_reply{res.result_int(), res.body(), std::string(res[http::field::content_type]), res.base()};
  }

  asio::awaitable<std::string> login(const std::string& user) {
    auto reply = co_await request(http::verb::post, "/api/v1/auth/login",
                                  R"({"username":")" + user + R"(","password":"password-)" + user + R"("})");
    EXPECT_EQ(reply.status, 200u) << reply.body;
    v1::LoginResponse res;
    std::string error;
    EXPECT_TRUE(gateway::decode_frame(reply.body, gateway::frame_encoding::json, res, error)) << error;
    co_return res.token();
  }

  /// `path` (a staff WebSocket, with "?" or "&" ending it) with a fresh single-use pass of the
  /// account behind `token`.
  asio::awaitable<std::string> with_pass(const std::string& path, const std::string& token) {
    auto reply = co_await request(http::verb::post, "/api/v1/auth/socket-pass", "", token);
    EXPECT_EQ(reply.status, 200u) << reply.body;
    v1::SocketPass pass;
    std::string error;
    EXPECT_TRUE(gateway::decode_frame(reply.body, gateway::frame_encoding::json, pass, error)) << error;
    co_return path + "pass=" + pass.pass();
  }

  /// The console path for `user`, signed in afresh.
  asio::awaitable<std::string> console_of(const std::string& user) {
    co_return co_await with_pass("/ws/agent?", co_await login(user));
  }

  asio::awaitable<v1::SummaryReport> summary(const std::string& token) {
    auto reply = co_await request(http::verb::get, "/api/v1/reports/summary", "", token);
    EXPECT_EQ(reply.status, 200u) << reply.body;
    v1::SummaryReport report;
    std::string error;
    EXPECT_TRUE(gateway::decode_frame(reply.body, gateway::frame_encoding::json, report, error)) << error;
    co_return report;
  }

  /// Connects `caller` and starts a session of `category` in Mandarin; the reply to `start`.
  asio::awaitable<v1::SessionUpdate> start_session(ws_client& caller, const std::string& category) {
    EXPECT_FALSE(co_await caller.connect(port, "/ws/caller"));
    co_await caller.send(R"({"start":{"category":")" + category + R"(","language":"zh"}})");
    auto started = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_session(); });
    co_return started.session();
  }

  /// Signs lawyer1 in on `lawyer`, puts them on duty and has them take the caller's offer; back
  /// when the caller is told CONNECTED.
  asio::awaitable<void> answer(ws_client& lawyer, ws_client& caller) {
    EXPECT_FALSE(co_await lawyer.connect(port, co_await console_of("lawyer1")));
    co_await lawyer.send(R"({"setStatus":{"status":"AVAILABLE"}})");
    auto offer = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_offer(); });
    co_await lawyer.send(R"({"accept":{"offerId":")" + offer.offer().offer_id() + R"("}})");
    co_await caller.read_until<v1::CallerServerFrame>(
        [](auto& f) { return f.has_session() && f.session().state() == v1::CONNECTED; });
  }

  void run(asio::awaitable<void> body) { test::run_async(io, std::move(body), 60s); }

  std::filesystem::path web_root;
  asio::io_context io;
  core::config config;
  core::redis_client redis;
  queue::engine engine;
  agents::accounts accounts;
  gateway::archive_service archive;
  gateway::server server;
  std::uint16_t port = 0;
};

}  // namespace hotline::test
