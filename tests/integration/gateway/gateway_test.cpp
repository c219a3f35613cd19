// The gateway in-process over real sockets, with a real redis-server: HTTP routes and limits,
// and the caller ⇄ lawyer WebSocket flow in both frame encodings.
#include "gateway_fixture.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

using namespace hotline;
using namespace hotline::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool is_error(const v1::CallerServerFrame& f, v1::ErrorCode code) { return f.has_error() && f.error().code() == code; }

/// TCP_NODELAY of this process's socket whose peer is 127.0.0.1:`peer_port` (the gateway's end of
/// a test client's connection); nothing when no such socket is open.
std::optional<bool> nodelay_of_socket_with_peer(std::uint16_t peer_port) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::stoi(entry.path().filename().string());
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0 || peer.ss_family != AF_INET) continue;
    if (ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port) != peer_port) continue;
    int on = 0;
    socklen_t size = sizeof on;
    if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &size) != 0) continue;
    return on != 0;
  }
  return std::nullopt;
}

}  // namespace

TEST_F(Gateway, HealthCatalogStaticFilesAndMetrics) {
  run([this]() -> asio::awaitable<void> {
    EXPECT_EQ((co_await request(http::verb::get, "/healthz")).status, 200u);
    EXPECT_EQ((co_await request(http::verb::get, "/readyz")).status, 200u);
    auto catalog = co_await request(http::verb::get, "/api/v1/catalog");
    EXPECT_EQ(catalog.status, 200u);
    EXPECT_NE(catalog.body.find("婚姻家庭"), std::string::npos) << catalog.body;
    auto page = co_await request(http::verb::get, "/chat.html");
    EXPECT_EQ(page.status, 200u);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    auto missing = co_await request(http::verb::get, "/../../etc/passwd");
    EXPECT_EQ(missing.status, 404u);
    EXPECT_NE(missing.body.find("\"code\":\"NOT_FOUND\""), std::string::npos) << missing.body;
    auto metrics = co_await request(http::verb::get, "/metrics");
    EXPECT_NE(metrics.body.find("hotline_http_requests_total "), std::string::npos);
    EXPECT_NE(metrics.body.find("hotline_redis_up 1"), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find("hotline_redis_requests_total "), std::string::npos) << metrics.body;
    EXPECT_EQ(metrics.body.find("hotline_redis_requests_total 0\n"), std::string::npos) << "requests are counted";
    EXPECT_EQ((co_await request(http::verb::get, "/api/v1/nothing")).status, 404u);
    EXPECT_EQ((co_await request(http::verb::get, "/api/v1/auth/login")).status, 405u);
    EXPECT_EQ((co_await request(http::verb::get, "/ws/caller")).status, 400u);
  }());
}

TEST_F(Gateway, MetricsShowTheFloorAndPassPromtool) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client caller(ex), lawyer(ex);
    co_await start_session(caller, "consult.labour");
    ASSERT_FALSE(co_await lawyer.connect(port, co_await console_of("lawyer1")));
    co_await lawyer.send(R"({"requestId":"s1","setStatus":{"status":"AVAILABLE"}})");
    co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.request_id() == "s1"; });

    auto metrics = (co_await request(http::verb::get, "/metrics")).body;
    for (const char* expected :
         {"hotline_build_info{revision=", "hotline_callers_waiting{skill=\"consult.labour:zh\"} 1",
          "hotline_longest_wait_seconds{skill=\"consult.labour:zh\"}", "hotline_lawyers{status=\"AVAILABLE\"} 1",
          "hotline_ws_connections{kind=\"caller\"} 1", "hotline_ws_connections{kind=\"agent\"} 1",
          "hotline_redis_request_duration_seconds_bucket{le=\"+Inf\"}", "hotline_ws_frame_handling_seconds_count ",
          "hotline_offer_wait_seconds_count 0", "hotline_archive_backlog_events "})
      EXPECT_NE(metrics.find(expected), std::string::npos) << expected << " missing in\n" << metrics;

    // Prometheus's own linter reads the exposition (the test configuration installs it).
    const auto file = web_root / "metrics.txt";
    std::ofstream(file) << metrics;
    const std::string command = "promtool check metrics < " + file.string() + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    ASSERT_TRUE(pipe);
    std::string output;
    char chunk[512];
    while (std::fgets(chunk, sizeof chunk, pipe.get())) output += chunk;
    EXPECT_EQ(pclose(pipe.release()), 0) << output;
    EXPECT_EQ(output, "");
  }());
}

TEST_F(Gateway, AcceptedSocketsSendSmallFramesAtOnce) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    tcp::socket client(ex);
    co_await client.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
    const auto client_port = client.local_endpoint().port();
    std::optional<bool> nodelay;
    for (int i = 0; i < 100 && !nodelay; ++i) {
      co_await test::sleep_for(10ms);  // the accept loop takes the connection on this same io_context
      nodelay = nodelay_of_socket_with_peer(client_port);
    }
    ASSERT_TRUE(nodelay.has_value()) << "the gateway's end of the connection was not found";
    EXPECT_TRUE(*nodelay) << "TCP_NODELAY is off: replies would wait for the delayed ACK";
  }());
}

TEST_F(Gateway, LoginAndReportAccessAndErrors) {
  run([this]() -> asio::awaitable<void> {
    auto bad = co_await request(http::verb::post, "/api/v1/auth/login", R"({"username":"boss","password":"nope"})");
    EXPECT_EQ(bad.status, 401u);
    EXPECT_NE(bad.body.find("\"code\":\"INVALID_CREDENTIALS\""), std::string::npos) << bad.body;
    auto garbage = co_await request(http::verb::post, "/api/v1/auth/login", "{oops");
    EXPECT_EQ(garbage.status, 400u);
    EXPECT_NE(garbage.body.find("\"code\":\"BAD_REQUEST\""), std::string::npos);
    auto huge = co_await request(http::verb::post, "/api/v1/auth/login", std::string(8000, 'x'));
    EXPECT_EQ(huge.status, 413u);
    EXPECT_NE(huge.body.find("\"code\":\"TOO_LARGE\""), std::string::npos) << huge.body;

    EXPECT_EQ((co_await request(http::verb::get, "/api/v1/reports/summary")).status, 401u);
    const auto lawyer = co_await login("lawyer1");
    auto forbidden = co_await request(http::verb::get, "/api/v1/reports/summary", "", lawyer);
    EXPECT_EQ(forbidden.status, 403u);
    const auto boss = co_await login("boss");
    auto csv = co_await request(http::verb::get, "/api/v1/reports/summary?format=csv&groupBy=category", "", boss);
    EXPECT_EQ(csv.status, 200u);
    EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
    EXPECT_EQ(csv.body.substr(0, 20),
              "\xEF\xBB\xBF"
              "category,offered,")
        << "a UTF-8 byte-order mark first";
    auto by_month = co_await request(http::verb::get, "/api/v1/reports/summary?groupBy=month", "", boss);
    EXPECT_EQ(by_month.status, 200u) << by_month.body;
    EXPECT_NE(by_month.body.find("\"groupBy\":\"month\""), std::string::npos) << by_month.body;
    auto bad_group = co_await request(http::verb::get, "/api/v1/reports/summary?groupBy=decade", "", boss);
    EXPECT_EQ(bad_group.status, 400u);
    auto bad_period = co_await request(http::verb::get, "/api/v1/reports/summary?from=2026-02-30", "", boss);
    EXPECT_EQ(bad_period.status, 400u);
  }());
}

TEST_F(Gateway, ACallerReachesALawyerChatsAndRates) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client caller(ex);
    ASSERT_FALSE(co_await caller.connect(port, "/ws/caller", "http://127.0.0.1:" + std::to_string(port)));
    co_await caller.send(R"({"chat":{"text":"有人吗"}})");
    auto early = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_TRUE(is_error(early, v1::NO_SESSION));
    co_await caller.send(R"({"requestId":"r1","start":{"category":"consult.marriage","language":"zh"}})");
    auto queued = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_session(); });
    EXPECT_EQ(queued.request_id(), "r1");
    EXPECT_EQ(queued.session().state(), v1::QUEUED);
    EXPECT_EQ(queued.session().position(), 1);
    EXPECT_EQ(queued.session().token().size(), 32u);
    const std::string session_id = queued.session().session_id();

    const auto token = co_await login("lawyer1");
    ws_client lawyer(ex);
    ASSERT_FALSE(co_await lawyer.connect(port, co_await with_pass("/ws/agent?", token)));
    auto state = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_agent_state(); });
    EXPECT_EQ(state.agent_state().display_name(), "张律师");
    co_await lawyer.send(R"({"setStatus":{"status":"AVAILABLE"}})");
    auto offer = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_offer(); });
    EXPECT_EQ(offer.offer().session_id(), session_id);
    EXPECT_GT(offer.offer().expires_at_ms(), 0);
    co_await lawyer.send(R"({"requestId":"a1","accept":{"offerId":")" + offer.offer().offer_id() + R"("}})");
    auto connected = co_await caller.read_until<v1::CallerServerFrame>(
        [](auto& f) { return f.has_session() && f.session().state() == v1::CONNECTED; });
    EXPECT_EQ(connected.session().lawyer_name(), "张律师");

    co_await caller.send(R"({"chat":{"text":"我想咨询抚养权"}})");
    auto at_lawyer = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_chat(); });
    EXPECT_EQ(at_lawyer.chat().text(), "我想咨询抚养权");
    EXPECT_EQ(at_lawyer.chat().from(), v1::CALLER);
    co_await lawyer.send(R"({"chat":{"sessionId":")" + session_id + R"(","text":"请问孩子多大了？"}})");
    auto at_caller = co_await caller.read_until<v1::CallerServerFrame>(
        [](auto& f) { return f.has_chat() && f.chat().from() == v1::LAWYER; });
    EXPECT_EQ(at_caller.chat().text(), "请问孩子多大了？");
    EXPECT_EQ(at_caller.chat().sender_name(), "张律师");

    co_await lawyer.send(R"({"end":{"sessionId":")" + session_id + R"("}})");
    co_await caller.read_until<v1::CallerServerFrame>(
        [](auto& f) { return f.has_session() && f.session().state() == v1::WRAP_UP; });
    co_await caller.send(R"({"requestId":"rate1","rate":{"rating":"SATISFIED"}})");
    auto rated = co_await caller.read_until<v1::CallerServerFrame>(
        [](auto& f) { return f.has_session() && f.request_id() == "rate1"; });
    EXPECT_EQ(rated.session().rating(), v1::SATISFIED) << "a success is answered with the request's id";
    co_await lawyer.send(
        R"({"requestId":"w1","wrapUp":{"sessionId":")" + session_id +
        R"(","type":"CONSULTATION","category":"consult.marriage","outcome":"RESOLVED","note":"已解答"}})");
    // The session's last state comes first, then the lawyer's, without it, answering the request.
    auto filing = co_await lawyer.read_all_until<v1::AgentServerFrame>(
        [](auto& f) { return f.has_agent_state() && f.request_id() == "w1"; });
    EXPECT_EQ(filing.back().agent_state().sessions_size(), 0);
    auto closed = std::find_if(filing.begin(), filing.end(), [](auto& f) {
      return f.has_session_state() && f.session_state().state() == v1::CLOSED;
    });
    ASSERT_NE(closed, filing.end());
    EXPECT_EQ(closed->session_state().session_id(), session_id);

    auto report = co_await summary(co_await login("boss"));
    EXPECT_EQ(report.total().offered(), 1);
    EXPECT_EQ(report.total().answered(), 1);
    EXPECT_EQ(report.total().abandoned(), 0);
    EXPECT_DOUBLE_EQ(report.total().answer_rate(), 1.0);
    EXPECT_DOUBLE_EQ(report.total().satisfaction(), 1.0);
  }());
}

TEST_F(Gateway, ConsultationsRunSideBySideOnSeveralIoThreads) {
  // Lawyers and callers land on different io threads; each consultation must still run start to
  // rating, and routing's invariants hold after all of them.
  run([this]() -> asio::awaitable<void> {
    const int lawyers = 4, callers = 16, lines = 3;  // half of the callers wait (capacity 2)  // every caller answered at once (capacity 2)
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < lawyers; ++i) {
      agents::new_account a;
      a.profile.username = "team" + std::to_string(i);
      a.profile.display_name = "律师" + std::to_string(i);
      a.profile.role = v1::LAWYER_ROLE;
      a.profile.categories = {"consult.marriage"};
      a.profile.languages = {"zh"};
      a.profile.chat_capacity = 2;
      a.password = "password-" + a.profile.username;
      EXPECT_TRUE(co_await accounts.create(a));
    }
    int rated = 0, filed = 0;
    bool stopping = false;
    // A lawyer takes every offer, answers each line, ends after the last and files the work order.
    auto lawyer = [&](std::string name) -> asio::awaitable<void> {
      ws_client ws(ex);
      EXPECT_FALSE(co_await ws.connect(port, co_await console_of(name)));
      co_await ws.send(R"({"setStatus":{"status":"AVAILABLE"}})");
      std::map<std::string, int> heard;
      while (!stopping) {
        const auto payload = co_await ws.read();
        if (payload.empty()) break;
        v1::AgentServerFrame f;
        std::string error;
        EXPECT_TRUE(gateway::decode_frame(payload, gateway::frame_encoding::json, f, error)) << error;
        if (f.has_offer()) co_await ws.send(R"({"accept":{"offerId":")" + f.offer().offer_id() + R"("}})");
        if (f.has_chat() && f.chat().from() == v1::CALLER) {
          const auto& sid = f.chat().session_id();
          co_await ws.send(R"({"chat":{"sessionId":")" + sid + R"(","text":"答"}})");
          if (++heard[sid] == lines) co_await ws.send(R"({"end":{"sessionId":")" + sid + R"("}})");
        }
        if (f.has_session_state() && f.session_state().state() == v1::WRAP_UP) {
          // A request id of its own: the same id again would replay the first work order.
          const auto& sid = f.session_state().session_id();
          co_await ws.send(R"({"requestId":"w)" + sid + R"(","wrapUp":{"sessionId":")" + sid +
                           R"(","type":"CONSULTATION","category":"consult.marriage","outcome":"RESOLVED"}})");
        }
        if (f.has_agent_state() && f.request_id().starts_with("w")) ++filed;
      }
    };
    auto caller = [&]() -> asio::awaitable<void> {
      ws_client ws(ex);
      co_await start_session(ws, "consult.marriage");
      co_await ws.read_until<v1::CallerServerFrame>(
          [](auto& f) { return f.has_session() && f.session().state() == v1::CONNECTED; });
      for (int i = 0; i < lines; ++i) {
        co_await ws.send(R"({"chat":{"text":"问"}})");
        co_await ws.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_chat() && f.chat().from() == v1::LAWYER; });
      }
      co_await ws.read_until<v1::CallerServerFrame>(
          [](auto& f) { return f.has_session() && f.session().state() == v1::WRAP_UP; });
      co_await ws.send(R"({"requestId":"r","rate":{"rating":"SATISFIED"}})");
      co_await ws.read_until<v1::CallerServerFrame>([](auto& f) { return f.request_id() == "r"; });
      ++rated;
    };
    for (int i = 0; i < lawyers; ++i) asio::co_spawn(ex, lawyer("team" + std::to_string(i)), asio::detached);
    for (int i = 0; i < callers; ++i) asio::co_spawn(ex, caller(), asio::detached);
    for (int i = 0; i < 400 && (rated < callers || filed < callers); ++i) co_await test::sleep_for(50ms);
    stopping = true;
    EXPECT_EQ(rated, callers);
    EXPECT_EQ(filed, callers);
    auto problems = co_await engine.verify();
    ASSERT_TRUE(problems);
    EXPECT_TRUE(problems->empty()) << problems->front();
    auto report = co_await summary(co_await login("boss"));
    EXPECT_EQ(report.total().answered(), callers);
    EXPECT_EQ(report.total().satisfied(), callers);
  }());
}

TEST_F(Gateway, EachChangeIsShownOnceAndEachRequestAnsweredOnce) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client caller(ex), lawyer(ex);
    std::vector<v1::CallerServerFrame> at_caller;
    std::vector<v1::AgentServerFrame> at_lawyer;
    // Sends a request and keeps every frame up to its answer.
    auto on_caller = [&](std::string frame, std::string rid) -> asio::awaitable<void> {
      co_await caller.send(frame);
      for (auto& f : co_await caller.read_all_until<v1::CallerServerFrame>(
               [&](const auto& f) { return f.request_id() == rid; }))
        at_caller.push_back(std::move(f));
    };
    auto on_lawyer = [&](std::string frame, std::string rid) -> asio::awaitable<void> {
      co_await lawyer.send(frame);
      for (auto& f : co_await lawyer.read_all_until<v1::AgentServerFrame>(
               [&](const auto& f) { return f.request_id() == rid; }))
        at_lawyer.push_back(std::move(f));
    };
    EXPECT_FALSE(co_await caller.connect(port, "/ws/caller"));
    EXPECT_FALSE(co_await lawyer.connect(port, co_await console_of("lawyer1")));
    co_await on_caller(R"({"requestId":"start","start":{"category":"consult.marriage","language":"zh"}})", "start");
    const std::string sid = at_caller.back().session().session_id();
    co_await on_lawyer(R"({"requestId":"on","setStatus":{"status":"AVAILABLE"}})", "on");
    if (std::none_of(at_lawyer.begin(), at_lawyer.end(), [](auto& f) { return f.has_offer(); }))
      for (auto& f : co_await lawyer.read_all_until<v1::AgentServerFrame>([](auto& f) { return f.has_offer(); }))
        at_lawyer.push_back(std::move(f));
    co_await on_lawyer(R"({"requestId":"take","accept":{"offerId":")" + sid + R"(.1"}})", "take");
    co_await on_lawyer(R"({"requestId":"stop","end":{"sessionId":")" + sid + R"("}})", "stop");
    co_await on_caller(R"({"requestId":"stars","rate":{"rating":"SATISFIED"}})", "stars");
    co_await on_lawyer(R"({"requestId":"file","wrapUp":{"sessionId":")" + sid +
                           R"(","type":"CONSULTATION","category":"consult.marriage","outcome":"RESOLVED"}})",
                       "file");
    co_await on_lawyer(R"({"requestId":"away","setStatus":{"status":"AWAY"}})", "away");
    // Refused at once: everything the consultation caused on the caller's side is in before it.
    co_await on_caller(R"({"requestId":"last","chat":{"text":""}})", "last");

    auto answers = [](const auto& frames) {
      std::map<std::string, int> n;
      for (const auto& f : frames)
        if (!f.request_id().empty()) ++n[f.request_id()];
      return n;
    };
    EXPECT_EQ(answers(at_caller), (std::map<std::string, int>{{"start", 1}, {"stars", 1}, {"last", 1}}));
    EXPECT_EQ(answers(at_lawyer),
              (std::map<std::string, int>{{"on", 1}, {"take", 1}, {"stop", 1}, {"file", 1}, {"away", 1}}));

    // A frame that repeats the last state it shows, answering nothing, is a change sent twice.
    std::string last_session;
    std::vector<v1::SessionState> caller_states;
    for (const auto& f : at_caller) {
      if (!f.has_session()) continue;
      auto bytes = f.session().SerializeAsString();
      EXPECT_TRUE(bytes != last_session || !f.request_id().empty()) << f.DebugString();
      last_session = bytes;
      if (caller_states.empty() || caller_states.back() != f.session().state())
        caller_states.push_back(f.session().state());
    }
    EXPECT_EQ(caller_states, (std::vector<v1::SessionState>{v1::QUEUED, v1::OFFERED, v1::CONNECTED, v1::WRAP_UP, v1::CLOSED}));
    std::string last_state;
    std::map<std::string, int> offers, session_states;
    for (const auto& f : at_lawyer) {
      if (f.has_agent_state()) {
        auto bytes = f.agent_state().SerializeAsString();
        EXPECT_TRUE(bytes != last_state || !f.request_id().empty()) << f.DebugString();
        last_state = bytes;
      }
      if (f.has_offer()) ++offers[f.offer().offer_id()];
      if (f.has_session_state())
        ++session_states[f.session_state().session_id() + " " + v1::SessionState_Name(f.session_state().state())];
    }
    EXPECT_EQ(offers, (std::map<std::string, int>{{sid + ".1", 1}}));
    EXPECT_EQ(session_states, (std::map<std::string, int>{
                                  {sid + " CONNECTED", 1}, {sid + " WRAP_UP", 1}, {sid + " CLOSED", 1}}));
  }());
}

TEST_F(Gateway, EachChatLineReachesEachSideOnceAndItsOwnLineAnswersTheRequest) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client caller(ex), lawyer(ex);
    const auto queued = co_await start_session(caller, "consult.marriage");
    const std::string session_id = queued.session_id();
    co_await answer(lawyer, caller);

    // Four lines each way, interleaved, each side's with request ids (and one without).
    for (int i = 1; i <= 4; ++i) {
      co_await caller.send(R"({"requestId":"c)" + std::to_string(i) + R"(","chat":{"text":"问)" + std::to_string(i) +
                           R"("}})");
      const std::string rid = i == 4 ? "" : R"("requestId":"l)" + std::to_string(i) + R"(",)";
      co_await lawyer.send("{" + rid + R"("chat":{"sessionId":")" + session_id + R"(","text":"答)" +
                           std::to_string(i) + R"("}})");
    }
    // All eight lines on both sides before the end (else a late line meets a closed chat), then
    // everything up to the end, so that a late duplicate would be seen too.
    auto eight_lines = [](std::set<std::string>& seen) {
      return [&seen](const auto& f) { return f.has_chat() && seen.insert(f.chat().message_id()).second && seen.size() == 8; };
    };
    std::set<std::string> seen_by_caller, seen_by_lawyer;
    auto at_caller = co_await caller.read_all_until<v1::CallerServerFrame>(eight_lines(seen_by_caller));
    auto at_lawyer = co_await lawyer.read_all_until<v1::AgentServerFrame>(eight_lines(seen_by_lawyer));
    co_await lawyer.send(R"({"end":{"sessionId":")" + session_id + R"("}})");
    for (auto& f : co_await caller.read_all_until<v1::CallerServerFrame>(
             [](const auto& f) { return f.has_session() && f.session().state() == v1::WRAP_UP; }))
      at_caller.push_back(std::move(f));
    for (auto& f : co_await lawyer.read_all_until<v1::AgentServerFrame>(
             [](const auto& f) { return f.has_session_state() && f.session_state().state() == v1::WRAP_UP; }))
      at_lawyer.push_back(std::move(f));

    // Per side: how often each line came, and which request each of its own lines answered.
    struct tally {
      std::map<std::string, int> copies;
      std::map<std::string, std::string> acks;  // text → request id
    };
    auto count = [](const auto& frames, const char* own_prefix) {
      tally t;
      for (const auto& f : frames) {
        if (f.has_chat()) {
          ++t.copies[f.chat().message_id()];
          if (!f.request_id().empty()) t.acks[f.chat().text()] = f.request_id();
        } else {
          EXPECT_FALSE(f.request_id().starts_with(own_prefix)) << "a chat is answered by its line";
        }
      }
      EXPECT_EQ(t.copies.size(), 8u);
      for (const auto& [id, n] : t.copies) EXPECT_EQ(n, 1) << "line " << id << " came " << n << " times";
      return t;
    };
    const auto caller_tally = count(at_caller, "c");
    const auto lawyer_tally = count(at_lawyer, "l");
    const auto& caller_acks = caller_tally.acks;
    const auto& lawyer_acks = lawyer_tally.acks;
    EXPECT_EQ(caller_acks, (std::map<std::string, std::string>{{"问1", "c1"}, {"问2", "c2"}, {"问3", "c3"}, {"问4", "c4"}}));
    EXPECT_EQ(lawyer_acks, (std::map<std::string, std::string>{{"答1", "l1"}, {"答2", "l2"}, {"答3", "l3"}}));

    // What was pushed is what the transcript holds: a resume from the start reads the same lines.
    ws_client again(ex);
    ASSERT_FALSE(co_await again.connect(port, "/ws/caller"));
    co_await again.send(R"({"resume":{"sessionId":")" + session_id + R"(","token":")" + queued.token() +
                        R"(","lastMessageId":""}})");
    std::map<std::string, std::string> pushed, read;
    for (const auto& f : at_caller)
      if (f.has_chat()) pushed[f.chat().message_id()] = f.chat().SerializeAsString();
    while (read.size() < 8) {
      auto f = co_await again.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_chat(); });
      if (!f.has_chat()) break;
      read[f.chat().message_id()] = f.chat().SerializeAsString();
    }
    EXPECT_EQ(read, pushed);
  }());
}

TEST_F(Gateway, BinaryFramesGetBinaryReplies) {
  run([this]() -> asio::awaitable<void> {
    ws_client caller(co_await asio::this_coro::executor);
    ASSERT_FALSE(co_await caller.connect(port, "/ws/caller"));
    v1::CallerFrame start;
    start.set_request_id("bin");
    start.mutable_start()->set_category("consult.marriage");
    start.mutable_start()->set_language("zh");
    co_await caller.send(gateway::encode_frame(start, gateway::frame_encoding::binary), true);
    auto reply = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_session(); }, true);
    EXPECT_TRUE(caller.got_binary());
    EXPECT_EQ(reply.request_id(), "bin");
    EXPECT_EQ(reply.session().state(), v1::QUEUED);
    co_await caller.send("\x0a\x02\xff\xfe", true);
    auto bad = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_error(); }, true);
    EXPECT_EQ(bad.error().code(), v1::BAD_FRAME);
  }());
}

TEST_F(Gateway, BadFramesGetStableCodesAndNothingChanges) {
  run([this]() -> asio::awaitable<void> {
    ws_client caller(co_await asio::this_coro::executor);
    ASSERT_FALSE(co_await caller.connect(port, "/ws/caller"));
    co_await caller.send("{not json");
    auto bad = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(bad.error().code(), v1::BAD_FRAME);
    co_await caller.send(R"({"requestId":"x","start":{"category":"consult.tax","language":"zh"}})");
    auto unknown = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(unknown.error().code(), v1::UNKNOWN_CATEGORY);
    EXPECT_EQ(unknown.request_id(), "x");
    co_await caller.send(R"({"start":{"category":"consult.marriage","language":"zh"}})");
    co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_session(); });
    co_await caller.send(R"({"start":{"category":"consult.marriage","language":"zh"}})");
    auto twice = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(twice.error().code(), v1::SESSION_ACTIVE);
    co_await caller.send(R"({"rate":{"rating":"SATISFIED"}})");
    auto early = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(early.error().code(), v1::INVALID_STATE);

    auto report = co_await summary(co_await login("boss"));
    EXPECT_EQ(report.total().offered(), 1) << "only the valid start counted";
    EXPECT_EQ(report.total().rated(), 0);
  }());
}

TEST_F(Gateway, ACallIsEndedOnTheSoftphoneNotFromTheConsole) {
  run([this]() -> asio::awaitable<void> {
    ws_client lawyer(co_await asio::this_coro::executor);
    ASSERT_FALSE(co_await lawyer.connect(port, co_await console_of("lawyer1")));
    co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_agent_state(); });
    const std::string call = "p" + std::string(31, 'a');
    co_await lawyer.send(R"({"requestId":"e1","end":{"sessionId":")" + call + R"("}})");
    auto end = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(end.request_id(), "e1");
    EXPECT_EQ(end.error().code(), v1::INVALID_STATE) << end.error().message();
    co_await lawyer.send(R"({"requestId":"t1","transfer":{"sessionId":")" + call +
                         R"(","category":"consult.labour"}})");
    auto transfer = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(transfer.request_id(), "t1");
    EXPECT_EQ(transfer.error().code(), v1::INVALID_STATE) << transfer.error().message();
  }());
}

TEST_F(Gateway, LimitsOriginsAndTokensOnWebSockets) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client foreign(ex);
    auto refused = co_await foreign.connect(port, "/ws/caller", "http://evil.example");
    EXPECT_TRUE(refused) << "a foreign origin cannot open a WebSocket";

    ws_client big(ex);
    ASSERT_FALSE(co_await big.connect(port, "/ws/caller"));
    co_await big.send(R"({"chat":{"text":")" + std::string(70 * 1024, 'a') + R"("}})");
    EXPECT_EQ(co_await big.read(), "") << "a message over 64 KiB closes the connection";

    ws_client stranger(ex);
    ASSERT_FALSE(co_await stranger.connect(port, "/ws/agent?token=not-a-token"));
    auto denied = co_await stranger.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(denied.error().code(), v1::NOT_AUTHENTICATED);
    EXPECT_EQ(co_await stranger.read(), "");
  }());
}

TEST_F(Gateway, ACallerWhoReconnectsResumesWithoutMissingMessages) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto first = std::make_unique<ws_client>(ex);
    const auto queued = co_await start_session(*first, "consult.marriage");
    const auto id = queued.session_id();
    const auto secret = queued.token();

    ws_client lawyer(ex);
    co_await answer(lawyer, *first);
    co_await lawyer.send(R"({"chat":{"sessionId":")" + id + R"(","text":"第一条"}})");
    auto one = co_await first->read_until<v1::CallerServerFrame>([](auto& f) { return f.has_chat(); });
    first.reset();  // the caller's connection drops
    co_await test::sleep_for(100ms);
    co_await lawyer.send(R"({"chat":{"sessionId":")" + id + R"(","text":"第二条"}})");

    ws_client again(ex);
    ASSERT_FALSE(co_await again.connect(port, "/ws/caller"));
    co_await again.send(R"({"resume":{"sessionId":")" + id + R"(","token":"wrong","lastMessageId":""}})");
    auto wrong = co_await again.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(wrong.error().code(), v1::SESSION_NOT_FOUND);
    co_await again.send(R"({"resume":{"sessionId":")" + id + R"(","token":")" + secret + R"(","lastMessageId":")" +
                        one.chat().message_id() + R"("}})");
    auto resumed = co_await again.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_session(); });
    EXPECT_EQ(resumed.session().state(), v1::CONNECTED);
    auto missed = co_await again.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_chat(); });
    EXPECT_EQ(missed.chat().text(), "第二条");
  }());
}

TEST_F(Gateway, ACallerLeavesAMessageALawyerAnswersItAndTheCallerReadsTheAnswer) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client caller(ex);
    const auto queued = co_await start_session(caller, "consult.marriage");
    EXPECT_EQ(queued.overflow_reason(), "no_lawyer_on_duty");
    const auto session_token = queued.token();
    co_await caller.send(R"({"requestId":"m0","leaveMessage":{"kind":"CALLBACK","question":"请回电"}})");
    auto refused = co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_TRUE(is_error(refused, v1::BAD_REQUEST)) << "a callback needs a contact";
    co_await caller.send(
        R"({"requestId":"m1","leaveMessage":{"kind":"MESSAGE","contact":"13800000000","question":"离婚时房产如何分割？"}})");
    // The ticket (the reply) and the session's new state (a push) may come in either order.
    v1::CallerServerFrame ticket, overflowed;
    co_await caller.read_until<v1::CallerServerFrame>([&](auto& f) {
      if (f.has_ticket()) ticket = f;
      if (f.has_session() && f.session().state() == v1::OVERFLOWED) overflowed = f;
      return ticket.has_ticket() && overflowed.has_session();
    });
    EXPECT_EQ(ticket.request_id(), "m1");
    EXPECT_EQ(ticket.ticket().state(), v1::OPEN);
    EXPECT_EQ(ticket.ticket().token(), session_token);
    EXPECT_EQ(ticket.ticket().contact(), "") << "never sent back to a caller";
    EXPECT_GT(ticket.ticket().reply_deadline_ms(), ticket.ticket().created_at_ms());
    const auto ticket_id = ticket.ticket().ticket_id();
    EXPECT_EQ(overflowed.session().ticket_id(), ticket_id);

    ws_client lawyer(ex);
    ASSERT_FALSE(co_await lawyer.connect(port, co_await console_of("lawyer1")));
    auto open = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_tickets(); });
    ASSERT_EQ(open.tickets().tickets_size(), 1);
    EXPECT_EQ(open.tickets().tickets(0).contact(), "13800000000");
    EXPECT_EQ(open.tickets().tickets(0).question(), "离婚时房产如何分割？");
    co_await lawyer.send(R"({"requestId":"t1","replyTicket":{"ticketId":")" + ticket_id +
                         R"(","kind":"TEXT_REPLY","text":"婚前房产归个人，婚后共同财产原则上平分。"}})");
    auto emptied = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_tickets(); });
    EXPECT_EQ(emptied.tickets().tickets_size(), 0);

    auto wrong = co_await request(http::verb::post, "/api/v1/tickets/lookup",
                                  R"({"ticketId":")" + ticket_id + R"(","token":"nope"})");
    EXPECT_EQ(wrong.status, 404u);
    EXPECT_NE(wrong.body.find("TICKET_NOT_FOUND"), std::string::npos) << wrong.body;
    auto read = co_await request(http::verb::post, "/api/v1/tickets/lookup",
                                 R"({"ticketId":")" + ticket_id + R"(","token":")" + session_token + R"("})");
    EXPECT_EQ(read.status, 200u) << read.body;
    v1::Ticket answer;
    std::string error;
    EXPECT_TRUE(gateway::decode_frame(read.body, gateway::frame_encoding::json, answer, error)) << error;
    EXPECT_EQ(answer.state(), v1::REPLIED);
    EXPECT_EQ(answer.reply(), "婚前房产归个人，婚后共同财产原则上平分。");
    EXPECT_EQ(answer.replied_by_name(), "张律师");
    EXPECT_EQ(answer.contact(), "");

    auto report = co_await summary(co_await login("boss"));
    EXPECT_EQ(report.total().overflowed(), 1);
    EXPECT_EQ(report.total().messages_received(), 1);
    EXPECT_EQ(report.total().messages_replied(), 1);
    EXPECT_DOUBLE_EQ(report.total().reply_rate(), 1.0);
  }());
}

TEST_F(Gateway, PlacesInLineArePushedOnceAndOnlyToTheCallersWhosePlaceMoved) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    // No lawyer takes consult.labour here: everyone waits.
    std::vector<std::unique_ptr<ws_client>> callers;
    for (int i = 1; i <= 3; ++i) {
      callers.push_back(std::make_unique<ws_client>(ex));
      EXPECT_EQ((co_await start_session(*callers.back(), "consult.labour")).position(), i);
    }
    auto& a = *callers[0];
    auto& b = *callers[1];
    auto& c = *callers[2];
    auto place_is = [](int position) {
      return [position](const v1::CallerServerFrame& f) { return f.has_session() && f.session().position() == position; };
    };
    // The first leaves: the two behind move up, each told once (b's and c's arrival moved nobody).
    co_await a.send(R"({"requestId":"a-end","end":{}})");
    co_await a.read_until<v1::CallerServerFrame>([](auto& f) { return f.request_id() == "a-end"; });
    auto at_b = co_await b.read_all_until<v1::CallerServerFrame>(place_is(1));
    auto at_c = co_await c.read_all_until<v1::CallerServerFrame>(place_is(2));
    EXPECT_EQ(at_b.size(), 1u) << "b was told its place " << at_b.size() << " times";
    EXPECT_EQ(at_c.size(), 1u) << "c was told its place " << at_c.size() << " times";
    EXPECT_GT(at_c.back().session().estimated_wait_seconds(), 0);

    // A newcomer joins behind them: their places hold, so they hear nothing before their own next answer.
    ws_client d(ex);
    EXPECT_EQ((co_await start_session(d, "consult.labour")).position(), 3);
    co_await test::sleep_for(400ms);  // four ticks
    co_await b.send(R"({"requestId":"b-end","end":{}})");
    auto after_d_at_b =
        co_await b.read_all_until<v1::CallerServerFrame>([](auto& f) { return f.request_id() == "b-end"; });
    EXPECT_EQ(after_d_at_b.size(), 1u) << "b heard of a change behind it";
    auto at_d = co_await d.read_all_until<v1::CallerServerFrame>(place_is(2));
    EXPECT_EQ(at_d.size(), 1u);
  }());
}

TEST_F(Gateway, ASupervisorSeesTheQueueAndMarksACallerUrgent) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client first(ex), second(ex);
    ASSERT_FALSE(co_await first.connect(port, "/ws/caller"));
    ASSERT_FALSE(co_await second.connect(port, "/ws/caller"));
    co_await first.send(R"({"start":{"category":"consult.marriage","language":"zh"}})");
    co_await first.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_session(); });
    co_await second.send(
        R"({"start":{"category":"consult.marriage","language":"zh","priority":"PRIORITY_UNSPECIFIED"}})");
    auto waiting = co_await second.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_session(); });
    EXPECT_EQ(waiting.session().position(), 2);
    const auto id = waiting.session().session_id();

    const auto lawyer_token = co_await login("lawyer1");
    EXPECT_EQ((co_await request(http::verb::get, "/api/v1/queue", "", lawyer_token)).status, 403u);
    EXPECT_EQ((co_await request(http::verb::post, "/api/v1/sessions/" + id + "/urgent", "", lawyer_token)).status,
              403u);
    const auto boss = co_await login("boss");
    auto snapshot_reply = co_await request(http::verb::get, "/api/v1/queue", "", boss);
    EXPECT_EQ(snapshot_reply.status, 200u) << snapshot_reply.body;
    v1::QueueSnapshot snapshot;
    std::string error;
    EXPECT_TRUE(gateway::decode_frame(snapshot_reply.body, gateway::frame_encoding::json, snapshot, error)) << error;
    EXPECT_EQ(snapshot.waiting_size(), 2);
    auto marked = co_await request(http::verb::post, "/api/v1/sessions/" + id + "/urgent", "", boss);
    EXPECT_EQ(marked.status, 200u) << marked.body;
    auto moved = co_await second.read_until<v1::CallerServerFrame>(
        [](auto& f) { return f.has_session() && f.session().position() == 1; });
    EXPECT_EQ(moved.session().priority(), v1::URGENT);
    EXPECT_EQ((co_await request(http::verb::post, "/api/v1/sessions/nosuch/urgent", "", boss)).status, 404u);
  }());
}

TEST_F(Gateway, ALawyerTransfersACallerOutToAnotherHotline) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client caller(ex), lawyer(ex);
    const auto id = (co_await start_session(caller, "consult.marriage")).session_id();
    co_await answer(lawyer, caller);
    co_await lawyer.send(R"({"requestId":"x1","transfer":{"sessionId":")" + id +
                         R"(","category":"consult.labour","destination":"12345"}})");
    auto both = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(both.error().code(), v1::BAD_REQUEST);
    co_await lawyer.send(R"({"requestId":"x2","transfer":{"sessionId":")" + id + R"(","destination":"999"}})");
    auto unknown = co_await lawyer.read_until<v1::AgentServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(unknown.error().code(), v1::UNKNOWN_DESTINATION);
    co_await lawyer.send(R"({"requestId":"x3","transfer":{"sessionId":")" + id + R"(","destination":"12345"}})");
    auto told = co_await caller.read_until<v1::CallerServerFrame>(
        [](auto& f) { return f.has_session() && !f.session().transferred_to().empty(); });
    EXPECT_EQ(told.session().transferred_to(), "12345");
    EXPECT_EQ(told.session().state(), v1::WRAP_UP);
    auto catalog = co_await request(http::verb::get, "/api/v1/catalog");
    EXPECT_NE(catalog.body.find("\"transferDestinations\":[{\"code\":\"12345\""), std::string::npos) << catalog.body;
  }());
}

TEST_F(Gateway, TheWallboardIsPushedOnEveryChangeAndOnlyToSupervisors) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto lawyer = co_await login("lawyer1");
    ws_client refused(ex);
    ASSERT_FALSE(co_await refused.connect(port, co_await with_pass("/ws/wallboard?", lawyer)));
    auto denied = co_await refused.read_until<v1::WallboardServerFrame>([](auto& f) { return f.has_error(); });
    EXPECT_EQ(denied.error().code(), v1::FORBIDDEN);

    const auto boss = co_await login("boss");
    ws_client board(ex);
    ASSERT_FALSE(co_await board.connect(port, co_await with_pass("/ws/wallboard?", boss)));
    auto first = co_await board.read_until<v1::WallboardServerFrame>([](auto& f) { return f.has_wallboard(); });
    EXPECT_EQ(first.wallboard().waiting(), 0);

    // A caller joins a queue nobody is signed in to: the board comes without being asked.
    ws_client caller(ex);
    ASSERT_FALSE(co_await caller.connect(port, "/ws/caller"));
    co_await caller.send(R"({"requestId":"w1","start":{"category":"consult.marriage","language":"zh"}})");
    auto pushed = co_await board.read_until<v1::WallboardServerFrame>(
        [](auto& f) { return f.has_wallboard() && f.wallboard().waiting() == 1; });
    EXPECT_EQ(pushed.wallboard().waiting(), 1);
    EXPECT_EQ(pushed.wallboard().today().offered(), 1);
    EXPECT_EQ(pushed.wallboard().today().waiting(), 1);

    auto realtime = co_await request(http::verb::get, "/api/v1/stats/realtime", "", boss);
    EXPECT_EQ(realtime.status, 200u) << realtime.body;
    EXPECT_NE(realtime.body.find("\"waiting\":1"), std::string::npos) << realtime.body;
    EXPECT_EQ((co_await request(http::verb::get, "/api/v1/stats/realtime", "", lawyer)).status, 403u);
  }());
}

TEST_F(Gateway, DisclosureStaffingAndGroupedSummariesComeFromTheRecords) {
  run([this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    ws_client caller(ex);
    ASSERT_FALSE(co_await caller.connect(port, "/ws/caller"));
    co_await caller.send(R"({"requestId":"d1","start":{"category":"consult.labour","language":"zh"}})");
    co_await caller.read_until<v1::CallerServerFrame>([](auto& f) { return f.has_session(); });
    co_await caller.send(R"({"requestId":"d2","end":{}})");
    co_await caller.read_until<v1::CallerServerFrame>(
        [](auto& f) { return f.has_session() && f.session().state() == v1::ABANDONED; });

    const auto boss = co_await login("boss");
    const auto lawyer = co_await login("lawyer1");
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const auto year = core::day_string(core::local_day_number(now_ms, 480)).substr(0, 4);
    auto md = co_await request(http::verb::get, "/api/v1/reports/disclosure?year=" + year + "&format=md", "", boss);
    EXPECT_EQ(md.status, 200u) << md.body;
    EXPECT_NE(md.body.find("共受理群众来电和网上咨询1人次"), std::string::npos) << md.body;
    EXPECT_NE(md.body.find("| 劳动争议 | 1 | 0 | 0.0%"), std::string::npos) << md.body;
    auto html = co_await request(http::verb::get, "/api/v1/reports/disclosure?year=" + year + "&format=html", "", boss);
    EXPECT_EQ(html.status, 200u);
    EXPECT_NE(html.content_type.find("text/html"), std::string::npos);
    EXPECT_EQ((co_await request(http::verb::get, "/api/v1/reports/disclosure?year=" + year, "", lawyer)).status, 403u);
    EXPECT_EQ((co_await request(http::verb::get, "/api/v1/reports/disclosure?year=20x6", "", boss)).status, 400u);

    auto staffing = co_await request(http::verb::get, "/api/v1/reports/staffing", "", boss);
    EXPECT_EQ(staffing.status, 200u) << staffing.body;
    v1::StaffingReport advice;
    std::string error;
    EXPECT_TRUE(gateway::decode_frame(staffing.body, gateway::frame_encoding::json, advice, error)) << error;
    EXPECT_EQ(advice.hours_size(), 24);

    auto grouped = co_await request(http::verb::get, "/api/v1/reports/summary?groupBy=hour,category", "", boss);
    EXPECT_EQ(grouped.status, 200u) << grouped.body;
    v1::SummaryReport report;
    EXPECT_TRUE(gateway::decode_frame(grouped.body, gateway::frame_encoding::json, report, error)) << error;
    EXPECT_EQ(report.rows_size(), 24 * 2);  // every hour × both categories, empty ones print 0
    EXPECT_EQ(report.total().abandoned(), 1);
    auto bad = co_await request(http::verb::get, "/api/v1/reports/summary?groupBy=day,month", "", boss);
    EXPECT_EQ(bad.status, 400u);
    EXPECT_NE(bad.body.find("BAD_REQUEST"), std::string::npos);
  }());
}
