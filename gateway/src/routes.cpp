// Route handlers. Every error body is {"error":{"code","message"}} with a stable code.
#include "routes.hpp"

#include "phone_service.hpp"
#include "reports.hpp"
#include "session_update.hpp"
#include "static_files.hpp"
#include "wire_error.hpp"

#include <hotline/core/ids.hpp>
#include <hotline/core/log.hpp>
#include <hotline/queue/lifecycle.hpp>
#include <hotline/stats/report_format.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>
#include <chrono>
#include <variant>

namespace hotline::gateway {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// The counters, and what Redis says now; a Redis that does not answer leaves the live figures out.
asio::awaitable<std::string> metrics_text(gateway_context& context) {
  scrape live;
  live.redis_ready = live.pubsub_ready = true;
  std::array<std::size_t, 3> connections{};
  for (auto* shard : context.ws_shards) {
    live.redis_ready = live.redis_ready && shard->redis.ready();
    live.pubsub_ready = live.pubsub_ready && shard->subscriber.ready();
    live.redis_requests += shard->redis.commands_sent();
    live.redis_durations.add(shard->redis.request_durations());
    // A shard's registry is its thread's: counted there.
    auto counts = co_await asio::co_spawn(
        shard->executor,
        [shard]() -> asio::awaitable<std::array<std::size_t, 3>> {
          const auto& r = shard->connections;
          co_return std::array<std::size_t, 3>{r.count(registry::role::caller), r.count(registry::role::agent),
                                               r.count(registry::role::wallboard)};
        },
        asio::use_awaitable);
    for (std::size_t i = 0; i < counts.size(); ++i) connections[i] += counts[i];
  }
  live.connections_by_kind = {{"caller", connections[0]}, {"agent", connections[1]}, {"wallboard", connections[2]}};
  if (live.redis_ready) {
    if (auto floor = co_await context.queue.floor_view()) {
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      for (const auto& skill : floor->skills) {
        live.waiting_by_skill[skill.skill] = skill.waiting;
        live.longest_wait_by_skill[skill.skill] =
            skill.oldest_enqueued_ms ? static_cast<double>(now - *skill.oldest_enqueued_ms) / 1000 : 0.0;
      }
      for (const auto& a : floor->agents) ++live.lawyers_by_status[floor_status(a)];
    }
    if (auto backlog = co_await context.queue.archive_backlog()) live.archive_backlog = *backlog;
  }
  co_return context.metrics.render(live);
}

http_response make_response(const http_request& request, http::status status, std::string body,
                            std::string_view content_type) {
  http_response res{status, request.version()};
  res.set(http::field::server, "hotline");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  // The pages load only their own scripts, styles and sockets, are never framed, and leak no URL.
  res.set("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.keep_alive(request.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http_response json_response(const http_request& request, const google::protobuf::Message& message) {
  return make_response(request, http::status::ok, encode_frame(message, frame_encoding::json), "application/json");
}

http_response wire_error_response(const http_request& request, const wire_error& error) {
  return make_response(request, static_cast<http::status>(error.http_status), error_body_json(error),
                       "application/json");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// 127.0.0.1 arriving on a dual-stack socket is ::ffff:127.0.0.1.
bool from_loopback(const asio::ip::address& peer) {
  if (peer.is_v6() && peer.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, peer.to_v6()).is_loopback();
  return peer.is_loopback();
}

std::string bearer_token(const http_request& request) {
  const auto header = request[http::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.substr(0, prefix.size()) != prefix) return "";
  return std::string(header.substr(prefix.size()));
}

http_response retry_later(const http_request& request, const boost::system::error_code& ec, std::int64_t after_ms) {
  auto res = wire_error_response(request, to_wire(ec));
  res.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(1, (after_ms + 999) / 1000)));
  return res;
}

asio::awaitable<http_response> login(gateway_context& context, const http_request& request,
                                     const asio::ip::address& peer) {
  v1::LoginRequest body;
  std::string error;
  if (!decode_frame(request.body(), frame_encoding::json, body, error))
    co_return error_response(request, v1::BAD_REQUEST, "body must be {\"username\",\"password\"}: " + error);
  if (body.username().empty() || body.password().empty() || body.password().size() > 1024 ||
      body.username().size() > 256)
    co_return error_response(request, v1::BAD_REQUEST, "username and password are required");
  const auto source = context.gate->source_of(peer, request["X-Forwarded-For"]);
  auto wait = co_await context.accounts.login_wait(body.username(), source);
  if (!wait) co_return wire_error_response(request, to_wire(wait.error()));
  if (wait->count() > 0) {
    ++context.metrics.logins_throttled_total;
    core::logger("gateway")->warn("throttled login for '{}' from {} ({} ms left)", body.username(), source,
                                  wait->count());
    co_return retry_later(request, agents::errc::login_throttled, wait->count());
  }
  auto result = co_await context.accounts.login(body.username(), body.password(), source);
  if (!result) {
    const bool busy = result.error() == agents::errc::login_busy;
    ++(busy ? context.metrics.logins_busy_total : context.metrics.logins_failed_total);
    core::logger("gateway")->info("failed login for '{}' from {}: {}", body.username(), source,
                                  result.error().message());
    if (busy) co_return retry_later(request, result.error(), 1000);
    co_return wire_error_response(request, to_wire(result.error()));
  }
  ++context.metrics.logins_total;
  v1::LoginResponse out;
  out.set_token(result->token);
  out.set_role(result->who.role);
  out.set_display_name(result->who.display_name);
  out.set_expires_at_ms(result->expires_at_ms);
  out.set_agent_id(result->who.username);
  co_return json_response(request, out);
}

asio::awaitable<http_response> logout(gateway_context& context, const http_request& request) {
  const auto token = bearer_token(request);
  if (token.empty()) co_return error_response(request, v1::NOT_AUTHENTICATED, "Authorization: Bearer <token> required");
  auto done = co_await context.accounts.logout(token);
  if (!done) co_return wire_error_response(request, to_wire(done.error()));
  co_return make_response(request, http::status::ok, "{}", "application/json");
}

void copy_entries(const std::vector<core::catalog_entry>& from,
                  google::protobuf::RepeatedPtrField<v1::CatalogEntry>& to) {
  for (const auto& entry : from) {
    auto* e = to.Add();
    e->set_code(entry.code);
    e->set_name(entry.name);
  }
}

http_response catalog(gateway_context& context, const http_request& request) {
  v1::Catalog out;
  out.set_centre(context.config.centre.id);
  copy_entries(context.config.routing.categories, *out.mutable_categories());
  copy_entries(context.config.routing.languages, *out.mutable_languages());
  copy_entries(context.config.routing.transfer_destinations, *out.mutable_transfer_destinations());
  return json_response(request, out);
}

/// The account behind the request's bearer token, or the response refusing it.
asio::awaitable<std::variant<agents::account, http_response>> signed_in(gateway_context& context,
                                                                        const http_request& request) {
  const auto token = bearer_token(request);
  if (token.empty()) co_return error_response(request, v1::NOT_AUTHENTICATED, "Authorization: Bearer <token> required");
  auto who = co_await context.accounts.authenticate(token);
  if (!who) co_return wire_error_response(request, to_wire(who.error()));
  co_return std::move(*who);
}

/// The supervisor or admin behind the request's bearer token, or the response refusing it.
asio::awaitable<std::variant<agents::account, http_response>> supervisor(gateway_context& context,
                                                                         const http_request& request) {
  auto who = co_await signed_in(context, request);
  if (auto* account = std::get_if<agents::account>(&who);
      account && account->role != v1::SUPERVISOR && account->role != v1::ADMIN)
    co_return error_response(request, v1::FORBIDDEN, "this is for supervisors and admins");
  co_return who;
}

asio::awaitable<http_response> socket_pass(gateway_context& context, const http_request& request) {
  auto who = co_await signed_in(context, request);
  if (auto* refused = std::get_if<http_response>(&who)) co_return std::move(*refused);
  auto pass = co_await context.accounts.issue_socket_pass(std::get<agents::account>(who));
  if (!pass) co_return wire_error_response(request, to_wire(pass.error()));
  v1::SocketPass out;
  out.set_pass(pass->pass);
  out.set_expires_at_ms(pass->expires_at_ms);
  co_return json_response(request, out);
}

asio::awaitable<http_response> queue_snapshot(gateway_context& context, const http_request& request) {
  auto who = co_await supervisor(context, request);
  if (auto* refused = std::get_if<http_response>(&who)) co_return std::move(*refused);
  auto snapshot = co_await context.queue.snapshot();
  if (!snapshot) co_return wire_error_response(request, to_wire(snapshot.error()));
  v1::QueueSnapshot out;
  for (const auto& s : snapshot->sessions)
    if (queue::is_waiting(s.state)) *out.add_waiting() = to_update(s, context.queue);
  // Each lawyer with the sessions they hold (a call in progress is what a supervisor can listen to).
  for (auto a : snapshot->agents) {
    for (const auto& s : snapshot->sessions)
      if (s.lawyer_id == a.id && (s.state == v1::CONNECTED || s.state == v1::WRAP_UP)) a.sessions.push_back(s);
    *out.add_agents() = to_agent_state(a, context.queue);
  }
  out.set_taken_at_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  co_return json_response(request, out);
}

asio::awaitable<http_response> mark_urgent(gateway_context& context, const http_request& request,
                                           const std::string& session_id) {
  auto who = co_await supervisor(context, request);
  if (auto* refused = std::get_if<http_response>(&who)) co_return std::move(*refused);
  const auto& by = std::get<agents::account>(who).username;
  auto marked = co_await context.queue.mark_urgent(session_id, by, "");
  if (!marked) co_return wire_error_response(request, to_wire(marked.error()));
  core::logger("gateway")->info("{} marked session {} urgent", by, session_id);
  co_return json_response(request, to_update(*marked, context.queue));
}

asio::awaitable<http_response> ticket_lookup(gateway_context& context, const http_request& request) {
  v1::TicketLookup body;
  std::string error;
  if (!decode_frame(request.body(), frame_encoding::json, body, error))
    co_return error_response(request, v1::BAD_REQUEST, "body must be {\"ticketId\",\"token\"}: " + error);
  auto found = co_await context.queue.ticket(body.ticket_id());
  if (!found && found.error() != queue::errc::ticket_not_found)
    co_return wire_error_response(request, to_wire(found.error()));
  // A wrong token looks exactly like a missing ticket: ids cannot be probed.
  if (!found || !core::same_secret(found->token_hash, core::sha256_hex(body.token())))
    co_return wire_error_response(request, to_wire(queue::errc::ticket_not_found));
  co_return json_response(request, to_ticket(*found, ticket_reader::caller));
}

http_response failure_response(const http_request& request, const stats::report_failure& failure) {
  auto wire = to_wire(failure.code);
  if (!failure.detail.empty()) wire.message += ": " + failure.detail;
  return wire_error_response(request, wire);
}

http_response download(const http_request& request, std::string body, const std::string& type,
                       const std::string& filename) {
  auto res = make_response(request, http::status::ok, std::move(body), type);
  res.set(http::field::content_disposition, "attachment; filename=\"" + filename + "\"");
  return res;
}

asio::awaitable<http_response> summary(gateway_context& context, const http_request& request) {
  auto who = co_await supervisor(context, request);
  if (auto* refused = std::get_if<http_response>(&who)) co_return std::move(*refused);
  auto params = query_parameters(request.target());
  const auto by = stats::parse_grouping(params["groupBy"]);
  if (!by) co_return wire_error_response(request, to_wire(stats::errc::bad_group_by));
  const auto format = params["format"].empty() ? std::string("json") : params["format"];
  if (format != "json" && format != "csv")
    co_return error_response(request, v1::BAD_REQUEST, "format must be json or csv");
  auto report =
      co_await summary_report(context.queue, context.archive, context.config, params["from"], params["to"], *by);
  if (!report) co_return failure_response(request, report.error());
  // The byte-order mark makes spreadsheet programs read the Chinese names as UTF-8.
  if (format == "csv")
    co_return download(request, "\xEF\xBB\xBF" + stats::to_csv(*report), "text/csv; charset=utf-8",
                       "summary-" + report->from() + "-" + report->to() + ".csv");
  co_return make_response(request, http::status::ok, stats::to_json(*report), "application/json");
}

asio::awaitable<http_response> disclosure(gateway_context& context, const http_request& request) {
  auto who = co_await supervisor(context, request);
  if (auto* refused = std::get_if<http_response>(&who)) co_return std::move(*refused);
  auto params = query_parameters(request.target());
  int year = 0;
  const auto& text = params["year"].empty() ? today(context.config).substr(0, 4) : params["year"];
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (ec != std::errc{} || end != text.data() + text.size())
    co_return error_response(request, v1::BAD_REQUEST, "year must be a number such as 2026");
  const auto format = params["format"].empty() ? std::string("json") : params["format"];
  if (format != "json" && format != "md" && format != "html")
    co_return error_response(request, v1::BAD_REQUEST, "format must be json, md or html");
  auto report = co_await disclosure_report(context.queue, context.archive, context.config, year);
  if (!report) co_return failure_response(request, report.error());
  const std::string name = "disclosure-" + std::to_string(year);
  if (format == "md")
    co_return download(request, stats::to_markdown(*report), "text/markdown; charset=utf-8", name + ".md");
  if (format == "html")
    co_return make_response(request, http::status::ok, stats::to_html(*report), "text/html; charset=utf-8");
  co_return make_response(request, http::status::ok, stats::to_json(*report), "application/json");
}

asio::awaitable<http_response> staffing(gateway_context& context, const http_request& request) {
  auto who = co_await supervisor(context, request);
  if (auto* refused = std::get_if<http_response>(&who)) co_return std::move(*refused);
  auto params = query_parameters(request.target());
  auto report = co_await staffing_report(context.queue, context.archive, context.config, params["from"], params["to"]);
  if (!report) co_return failure_response(request, report.error());
  co_return json_response(request, *report);
}

asio::awaitable<http_response> realtime(gateway_context& context, const http_request& request) {
  auto who = co_await supervisor(context, request);
  if (auto* refused = std::get_if<http_response>(&who)) co_return std::move(*refused);
  auto board = co_await wallboard(context.queue, context.config);
  if (!board) co_return wire_error_response(request, to_wire(board.error()));
  co_return json_response(request, *board);
}

}  // namespace

std::map<std::string, std::string> query_parameters(std::string_view target) {
  std::map<std::string, std::string> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (!pair.empty())
      out[percent_decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

http_response error_response(const http_request& request, v1::ErrorCode code, const std::string& message) {
  return wire_error_response(request, gateway_error(code, message));
}

namespace {

/// The CTI API: Kamailio's questions and reports, from an allowed address and signed.
asio::awaitable<http_response> cti(gateway_context& context, const http_request& request, std::string_view path,
                                   const asio::ip::address& peer) {
  auto& phone = *context.phone;
  if (!context.config.phone.enabled) co_return error_response(request, v1::NOT_FOUND, "the phone channel is off");
  if (request.method() != http::verb::post) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use POST");
  auto allowed = co_await phone.authenticate(request, peer);
  if (!allowed) co_return wire_error_response(request, allowed.error());
  auto parse = [&](google::protobuf::Message& out) {
    std::string error;
    return decode_frame(request.body(), frame_encoding::json, out, error);
  };
  auto reply = [&](const auto& result) -> http_response {
    if (!result) return wire_error_response(request, result.error());
    return json_response(request, *result);
  };
  auto done = [&](const wire_result<void>& result) -> http_response {
    if (!result) return wire_error_response(request, result.error());
    return make_response(request, http::status::ok, "{}", "application/json");
  };
  constexpr std::string_view calls = "/cti/v1/calls", events = "/events";
  if (path == calls) {
    v1::CtiCallRequest body;
    if (!parse(body)) co_return error_response(request, v1::BAD_FRAME, "not a call request");
    co_return reply(co_await phone.route_call(body));
  }
  if (path.starts_with(calls) && path.ends_with(events) && path.size() > calls.size() + 1 + events.size()) {
    const auto callid = percent_decode(path.substr(calls.size() + 1, path.size() - calls.size() - 1 - events.size()));
    v1::CtiEvent body;
    if (!parse(body)) co_return error_response(request, v1::BAD_FRAME, "not a call event");
    co_return done(co_await phone.call_event(callid, body));
  }
  if (path == "/cti/v1/credentials") {
    v1::CtiCredentialsRequest body;
    if (!parse(body)) co_return error_response(request, v1::BAD_FRAME, "not a credentials request");
    co_return reply(co_await phone.credentials(body));
  }
  if (path == "/cti/v1/registrations") {
    v1::CtiRegistration body;
    if (!parse(body)) co_return error_response(request, v1::BAD_FRAME, "not a registration");
    co_return done(co_await phone.registration(body));
  }
  co_return error_response(request, v1::NOT_FOUND, "no such CTI endpoint");
}

/// Quality-inspection recordings, for supervisors: the list, and each file.
asio::awaitable<http_response> recordings(gateway_context& context, const http_request& request, std::string_view path) {
  auto who = co_await supervisor(context, request);
  if (auto* refused = std::get_if<http_response>(&who)) co_return std::move(*refused);
  if (request.method() != http::verb::get) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use GET");
  constexpr std::string_view prefix = "/api/v1/recordings/", suffix = ".mp3";
  if (path.starts_with(prefix) && path.ends_with(suffix)) {
    const std::string id(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
    auto file = context.phone->recording_file(id);
    if (!file) co_return error_response(request, v1::NOT_FOUND, "no recording of that session");
    std::ifstream in(*file, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    core::logger("phone")->info("{} fetched the recording of {}", std::get<agents::account>(who).username, id);
    co_return make_response(request, http::status::ok, body.str(), "audio/mpeg");
  }
  const auto parameters = query_parameters(request.target());
  const auto limit = parameters.contains("limit") ? std::atoi(parameters.at("limit").c_str()) : 50;
  auto list = co_await context.phone->recordings(std::clamp(limit, 1, 500));
  if (!list) co_return wire_error_response(request, list.error());
  co_return json_response(request, *list);
}

asio::awaitable<http_response> route(gateway_context& context, const http_request& request,
                                     const asio::ip::address& peer) {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  const auto method = request.method();
  if (path == "/healthz") co_return make_response(request, http::status::ok, "{\"status\":\"ok\"}", "application/json");
  if (path == "/readyz") {
    const bool ready = std::all_of(context.ws_shards.begin(), context.ws_shards.end(),
                                   [](auto* shard) { return shard->redis.ready() && shard->subscriber.ready(); });
    co_return make_response(request, ready ? http::status::ok : http::status::service_unavailable,
                            ready ? "{\"status\":\"ready\"}" : "{\"status\":\"redis unavailable\"}",
                            "application/json");
  }
  if (path == "/metrics") {
    // Operational detail for the operator's scraper, not for the citizens the gateway faces.
    const auto& token = context.config.server.metrics_token;
    if (token.empty() ? !from_loopback(peer) : !core::same_secret(bearer_token(request), token))
      co_return error_response(request, v1::FORBIDDEN,
                               token.empty() ? "metrics are served to loopback clients only (or set HOTLINE_METRICS_TOKEN)"
                                             : "Authorization: Bearer <metrics token> required");
    co_return make_response(request, http::status::ok, co_await metrics_text(context), "text/plain; version=0.0.4");
  }
  if (path.starts_with("/cti/")) co_return co_await cti(context, request, path, peer);
  if (path == "/api/v1/recordings" || path.starts_with("/api/v1/recordings/"))
    co_return co_await recordings(context, request, path);
  if (path == "/api/v1/auth/login") {
    if (method != http::verb::post) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use POST");
    co_return co_await login(context, request, peer);
  }
  if (path == "/api/v1/auth/logout") {
    if (method != http::verb::post) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use POST");
    co_return co_await logout(context, request);
  }
  if (path == "/api/v1/auth/socket-pass") {
    if (method != http::verb::post) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use POST");
    co_return co_await socket_pass(context, request);
  }
  if (path == "/api/v1/catalog") {
    if (method != http::verb::get) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use GET");
    co_return catalog(context, request);
  }
  if (path == "/api/v1/queue") {
    if (method != http::verb::get) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use GET");
    co_return co_await queue_snapshot(context, request);
  }
  if (path == "/api/v1/tickets/lookup") {
    if (method != http::verb::post) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use POST");
    co_return co_await ticket_lookup(context, request);
  }
  if (constexpr std::string_view sessions = "/api/v1/sessions/", urgent = "/urgent";
      path.starts_with(sessions) && path.ends_with(urgent) && path.size() > sessions.size() + urgent.size()) {
    if (method != http::verb::post) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use POST");
    const std::string id(path.substr(sessions.size(), path.size() - sessions.size() - urgent.size()));
    co_return co_await mark_urgent(context, request, id);
  }
  using report_route = asio::awaitable<http_response> (*)(gateway_context&, const http_request&);
  static constexpr std::pair<std::string_view, report_route> reports[] = {
      {"/api/v1/reports/summary", summary},
      {"/api/v1/reports/disclosure", disclosure},
      {"/api/v1/reports/staffing", staffing},
      {"/api/v1/stats/realtime", realtime},
  };
  for (const auto& [report_path, handler] : reports) {
    if (path != report_path) continue;
    if (method != http::verb::get) co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use GET");
    co_return co_await handler(context, request);
  }
  if (path.starts_with("/api/")) co_return error_response(request, v1::NOT_FOUND, "no such endpoint");
  if (path.starts_with("/ws/")) co_return error_response(request, v1::BAD_REQUEST, "WebSocket upgrade required");
  if (method != http::verb::get && method != http::verb::head)
    co_return error_response(request, v1::METHOD_NOT_ALLOWED, "use GET");
  auto file = load_static_file(context.config.server.web_root, target);
  if (!file) co_return error_response(request, v1::NOT_FOUND, "not found");
  auto res = make_response(request, http::status::ok, std::move(file->body), file->content_type);
  res.set(http::field::cache_control, "no-cache");
  co_return res;
}

}  // namespace

asio::awaitable<http_response> handle_request(gateway_context& context, const http_request& request,
                                              const asio::ip::address& peer) {
  ++context.metrics.http_requests_total;
  auto response = co_await route(context, request, peer);
  if (response.result_int() >= 400) ++context.metrics.http_errors_total;
  co_return response;
}

}  // namespace hotline::gateway
