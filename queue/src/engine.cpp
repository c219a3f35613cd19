// The C++ face of the queue scripts: argument lists in, typed results out.
#include "hotline/queue/engine.hpp"

#include "embedded_scripts.hpp"
#include "push_codec.hpp"
#include "views.hpp"

#include <hotline/core/ids.hpp>
#include <hotline/core/text.hpp>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace hotline::queue {

namespace asio = boost::asio;

// Argument lists are named variables, never braced lists inside co_await: GCC 12 miscompiles those.
namespace {

bool retryable(const boost::system::error_code& ec) {
  return ec == core::errc::timeout || ec == core::errc::connection_lost || ec == core::errc::not_connected;
}

result<core::redis_value> checked(result<core::redis_value> reply) {
  if (!reply) return reply.error();
  if (reply->is_error()) return make_error_code(errc_from_script_error(reply->text));
  return reply;
}

}  // namespace

std::vector<core::lua_library> engine::scripts() {
  const auto& library = detail::embedded_scripts();
  return {core::lua_library{library.name, library.source}};
}

engine::engine(core::redis_client& redis, const core::config& config)
    : redis_(redis), config_(config), prefix_("{" + config.centre.id + "}:"), notify_channel_(prefix_ + "notify") {
  const auto& r = config.routing;
  // Field names as queue/lua/_lib.lua reads them.
  settings_ = {{"ring_ms", std::to_string(r.ring_timeout_seconds * 1000)},
               {"wrap_ms", std::to_string(r.wrap_up_seconds * 1000)},
               {"grace_ms", std::to_string(r.reconnect_grace_seconds * 1000)},
               {"max_misses", std::to_string(r.max_missed_offers)},
               {"sl_ms", std::to_string(config.stats.service_level_seconds * 1000)},
               {"short_ms", std::to_string(config.stats.short_abandon_seconds * 1000)},
               {"tz_min", std::to_string(config.centre.utc_offset_minutes)},
               {"backup_ms", std::to_string(r.backup_after_seconds * 1000)},
               {"general_ms", std::to_string(r.general_after_seconds * 1000)},
               {"max_wait_ms", std::to_string(r.max_wait_seconds * 1000)},
               {"max_queue", std::to_string(r.max_queue_length)},
               {"policy", r.selection},
               {"reply_ms", std::to_string(static_cast<std::int64_t>(r.ticket_reply_hours) * 3600 * 1000)},
               {"exclusion_ms", std::to_string(r.decline_exclusion_seconds * 1000)},
               {"urgent_boost_ms", std::to_string(r.urgent_boost_seconds * 1000)},
               {"chat_share", std::to_string(config.admission.chat_queue_share_percent)},
               {"starts_per_min", std::to_string(config.admission.starts_per_source_per_minute)},
               {"waiting_per_source", std::to_string(config.admission.waiting_per_source)}};
  std::string all;
  for (const auto& [name, value] : settings_) all += name + "=" + value + "\n";
  settings_version_ = core::sha256_hex(all).substr(0, 16);
  const auto& library = detail::embedded_scripts();
  for (const auto& name : library.functions) functions_.emplace(name, name + "_" + library.version);
}

asio::awaitable<result<void>> engine::store_settings() {
  std::vector<std::string> command{"HSET", prefix_ + "settings", "version", settings_version_};
  for (const auto& [name, value] : settings_) {
    command.push_back(name);
    command.push_back(value);
  }
  auto stored = co_await redis_.exec(std::move(command));
  if (!stored) co_return stored.error();
  if (stored->is_error()) co_return make_error_code(errc::unexpected_reply);
  co_return result<void>{};
}

asio::awaitable<result<core::redis_value>> engine::call(const std::string& script, const std::vector<std::string>& keys,
                                                        std::vector<std::string> args, const std::string& request_id) {
  const auto found = functions_.find(script);
  if (found == functions_.end()) co_return make_error_code(errc::unexpected_reply);
  std::vector<std::string> argv;
  argv.reserve(3 + args.size());
  argv.push_back(settings_version_);
  argv.push_back(clock_ ? std::to_string(clock_()) : "");
  argv.push_back(request_id);
  argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  auto reply = co_await redis_.fcall(found->second, keys, argv);
  if (reply && reply->is_error() && reply->text.starts_with("SETTINGS_STALE")) {
    // First call on this centre, a Redis that lost its data, or a node configured otherwise
    // wrote its own: ours apply to this call.
    if (auto stored = co_await store_settings(); !stored) co_return stored.error();
    reply = co_await redis_.fcall(found->second, keys, argv);
  }
  co_return reply;
}

asio::awaitable<result<core::redis_value>> engine::run(const std::string& script, std::vector<std::string> keys,
                                                       std::vector<std::string> args, std::string request_id) {
  // Without a caller's id, a fresh one still makes our own retries safe.
  if (request_id.empty()) request_id = core::random_hex(16);
  result<core::redis_value> reply = make_error_code(core::errc::not_connected);
  for (int attempt = 0; attempt < 3; ++attempt) {
    reply = co_await call(script, keys, args, request_id);
    if (reply || !retryable(reply.error())) break;
    asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50 << attempt));
    boost::system::error_code ignored;
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return checked(std::move(reply));
}

asio::awaitable<result<core::redis_value>> engine::view(const std::string& script, std::vector<std::string> keys,
                                                        std::vector<std::string> args) {
  // No request id: views change nothing.
  co_return checked(co_await call(script, keys, std::move(args), ""));
}

bool engine::known_destination(const std::string& code) const {
  const auto& list = config_.routing.transfer_destinations;
  return std::any_of(list.begin(), list.end(), [&](const auto& d) { return d.code == code; });
}

result<void> engine::check_skills(const std::vector<std::string>& skills) const {
  for (const auto& skill : skills) {
    const auto colon = skill.find(':');
    if (colon == std::string::npos || !known_category(skill.substr(0, colon))) return errc::unknown_category;
    if (!known_language(skill.substr(colon + 1))) return errc::unknown_language;
  }
  return {};
}

bool engine::known_category(const std::string& code) const {
  return std::any_of(config_.routing.categories.begin(), config_.routing.categories.end(),
                     [&](const auto& c) { return c.code == code; });
}

bool engine::known_language(const std::string& code) const {
  return std::any_of(config_.routing.languages.begin(), config_.routing.languages.end(),
                     [&](const auto& c) { return c.code == code; });
}

asio::awaitable<result<session_view>> engine::start(const start_request& request, std::string request_id) {
  if (!known_category(request.category)) co_return make_error_code(errc::unknown_category);
  if (!known_language(request.language)) co_return make_error_code(errc::unknown_language);
  const int boost_ms = request.priority == v1::PRIORITY_UNSPECIFIED ? 0 : config_.routing.priority_boost_seconds * 1000;
  std::vector<std::string> keys{session_key(request.session_id)};
  std::vector<std::string> args{request.session_id,       request.token_hash, v1::Channel_Name(request.channel),
                                request.category,         request.language,   v1::Priority_Name(request.priority),
                                std::to_string(boost_ms), request.contact,    "",
                                request.source};
  auto reply = co_await run("enqueue", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  auto started = detail::decode_session(*reply);
  if (!started) co_return make_error_code(errc::unexpected_reply);
  co_return std::move(*started);
}

asio::awaitable<result<void>> engine::accept(const std::string& agent_id, const std::string& offer_id,
                                             std::string request_id) {
  const auto session_id = offer_id.substr(0, offer_id.rfind('.'));
  std::vector<std::string> keys{session_key(session_id), agent_key(agent_id)};
  std::vector<std::string> args{offer_id, agent_id};
  auto reply = co_await run("accept", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::decline(const std::string& agent_id, const std::string& offer_id,
                                              std::string request_id) {
  const auto session_id = offer_id.substr(0, offer_id.rfind('.'));
  std::vector<std::string> keys{session_key(session_id), agent_key(agent_id)};
  std::vector<std::string> args{offer_id, agent_id};
  auto reply = co_await run("decline", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<v1::SessionState>> engine::end_by_caller(const std::string& session_id, std::string request_id) {
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{"caller", ""};
  auto reply = co_await run("end_session", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  v1::SessionState state = v1::SESSION_STATE_UNSPECIFIED;
  v1::SessionState_Parse(reply->field("state").text, &state);
  co_return state;
}

asio::awaitable<result<v1::SessionState>> engine::end_waiting_call(const std::string& session_id,
                                                                   const std::string& reason, std::string request_id) {
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{reason, ""};
  auto reply = co_await run("end_session", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  v1::SessionState state = v1::SESSION_STATE_UNSPECIFIED;
  v1::SessionState_Parse(reply->field("state").text, &state);
  co_return state;
}

asio::awaitable<result<void>> engine::phone_missed(const std::string& agent_id, const std::string& session_id,
                                                   const std::string& reason, std::int64_t seen_ms,
                                                   std::string request_id) {
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{agent_id, reason, std::to_string(seen_ms)};
  auto reply = co_await run("missed", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::set_phone(const std::string& agent_id, std::chrono::milliseconds lifetime,
                                                const std::string& contact, std::string request_id) {
  std::vector<std::string> keys{agent_key(agent_id)};
  std::vector<std::string> args{agent_id, std::to_string(lifetime.count()), contact};
  auto reply = co_await run("set_phone", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::end_by_lawyer(const std::string& agent_id, const std::string& session_id,
                                                    std::string request_id) {
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{"lawyer", agent_id};
  auto reply = co_await run("end_session", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::wrap_up(const std::string& agent_id, const work_order& order,
                                              std::string request_id) {
  if (!known_category(order.category)) co_return make_error_code(errc::unknown_category);
  std::vector<std::string> keys{session_key(order.session_id), agent_key(agent_id)};
  std::vector<std::string> args{agent_id, v1::WorkOrderType_Name(order.type), order.category,
                                v1::Outcome_Name(order.outcome), order.note};
  auto reply = co_await run("wrap_up", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::rate(const std::string& session_id, v1::Rating rating, std::string request_id) {
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{v1::Rating_Name(rating)};
  auto reply = co_await run("rate", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::survey_unrated(const std::string& session_id, const std::string& outcome,
                                                     std::string request_id) {
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{outcome};
  auto reply = co_await run("rate", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<chat_entry>> engine::post_chat(const std::string& session_id, v1::Party from,
                                                      const std::string& agent_id, const std::string& sender_name,
                                                      const std::string& text, std::string request_id) {
  const std::string party = from == v1::LAWYER ? "lawyer" : "caller";
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{party, agent_id, sender_name, text};
  auto reply = co_await run("chat", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  chat_entry entry;
  entry.id = reply->field("message_id").text;
  entry.from = from;
  entry.sender_name = sender_name;
  entry.text = text;
  entry.sent_ms = reply->field("sent_ms").as_integer().value_or(0);
  co_return entry;
}

asio::awaitable<result<void>> engine::set_status(const agent_profile& agent, v1::AgentStatus status,
                                                 std::string request_id, std::string reason) {
  if (auto ok = check_skills(agent.skills); !ok) co_return ok.error();
  if (auto ok = check_skills(agent.backup_skills); !ok) co_return ok.error();
  std::vector<std::string> keys{agent_key(agent.id)};
  std::vector<std::string> args{agent.id,
                                v1::AgentStatus_Name(status),
                                agent.name,
                                core::join_list(agent.skills),
                                core::join_list(agent.backup_skills),
                                std::to_string(agent.chat_capacity),
                                std::move(reason)};
  auto reply = co_await run("set_status", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<v1::SessionState>> engine::transfer(const std::string& agent_id, const transfer_request& request,
                                                           std::string request_id) {
  std::string kind = "out";
  std::string target = request.destination;
  if (request.destination.empty()) {
    if (!known_category(request.category)) co_return make_error_code(errc::unknown_category);
    if (!known_language(request.language)) co_return make_error_code(errc::unknown_language);
    kind = "skill";
    target = request.category + ":" + request.language;
  } else if (!known_destination(request.destination)) {
    co_return make_error_code(errc::unknown_destination);
  }
  std::vector<std::string> keys{session_key(request.session_id)};
  std::vector<std::string> args{agent_id, kind, target};
  auto reply = co_await run("transfer", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  v1::SessionState state = v1::SESSION_STATE_UNSPECIFIED;
  v1::SessionState_Parse(reply->field("state").text, &state);
  co_return state;
}

asio::awaitable<result<session_view>> engine::mark_urgent(const std::string& session_id, const std::string& by,
                                                          std::string request_id) {
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{by};
  auto reply = co_await run("set_priority", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return co_await session(session_id);
}

asio::awaitable<result<ticket_view>> engine::leave_message(const leave_message_request& request,
                                                           std::string request_id) {
  if (request.kind != v1::MESSAGE && request.kind != v1::CALLBACK) co_return make_error_code(errc::bad_request);
  // Duplicates are the same contact and question once case and spacing are set aside.
  auto normalised = [](const std::string& text) {
    std::string out;
    for (const char ch : text)
      if (!std::isspace(static_cast<unsigned char>(ch)))
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
  };
  const std::string ticket_id = ticket_id_of(request.session_id);
  const std::string contact = normalised(request.contact);
  const std::string duplicate_key =
      contact.empty() ? std::string() : core::sha256_hex(contact + "\n" + normalised(request.question));
  std::vector<std::string> keys{session_key(request.session_id)};
  std::vector<std::string> args{ticket_id, v1::TicketKind_Name(request.kind), request.contact, request.question,
                                duplicate_key};
  auto reply = co_await run("leave_message", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return co_await ticket(ticket_id);
}

asio::awaitable<result<void>> engine::reply_ticket(const std::string& agent_id, const std::string& agent_name,
                                                   const std::string& ticket_id, v1::ReplyKind kind,
                                                   const std::string& text, std::string request_id) {
  if (kind != v1::TEXT_REPLY && kind != v1::CALLBACK_MADE) co_return make_error_code(errc::bad_request);
  std::vector<std::string> keys{prefix_ + "ticket:" + ticket_id};
  std::vector<std::string> args{agent_id, agent_name, v1::ReplyKind_Name(kind), text};
  auto reply = co_await run("reply_ticket", std::move(keys), std::move(args), std::move(request_id));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::caller_connection(const std::string& session_id, bool connected,
                                                        const std::string& connection_id) {
  std::vector<std::string> keys{session_key(session_id)};
  std::vector<std::string> args{"caller", session_id, connected ? "1" : "0", connection_id};
  auto reply = co_await run("connection", std::move(keys), std::move(args), "");
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::agent_connection(const std::string& agent_id, bool connected) {
  std::vector<std::string> keys{agent_key(agent_id)};
  std::vector<std::string> args{"agent", agent_id, connected ? "1" : "0"};
  auto reply = co_await run("connection", std::move(keys), std::move(args), "");
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<int>> engine::sweep() {
  std::vector<std::string> keys{prefix_ + "deadlines"};
  std::vector<std::string> args{"100"};
  auto reply = co_await run("sweep", std::move(keys), std::move(args), "");
  if (!reply) co_return reply.error();
  co_return static_cast<int>(reply->field("handled").as_integer().value_or(0));
}

asio::awaitable<result<session_view>> engine::session(const std::string& session_id) {
  std::vector<std::string> keys{session_key(session_id)};
  auto reply = co_await view("view_session", std::move(keys));
  if (!reply) co_return reply.error();
  auto found = detail::decode_session(*reply);
  if (!found) co_return make_error_code(errc::session_not_found);
  co_return std::move(*found);
}

asio::awaitable<result<agent_view>> engine::agent(const std::string& agent_id) {
  std::vector<std::string> keys{agent_key(agent_id)};
  auto reply = co_await view("view_agent", std::move(keys));
  if (!reply) co_return reply.error();
  auto found = detail::decode_agent(*reply);
  if (found.id.empty()) found.id = agent_id;
  co_return found;
}

asio::awaitable<result<ticket_view>> engine::ticket(const std::string& ticket_id) {
  std::vector<std::string> keys{prefix_ + "ticket:" + ticket_id};
  auto reply = co_await view("view_ticket", std::move(keys));
  if (!reply) co_return reply.error();
  if (reply->elements.size() < 2) co_return make_error_code(errc::ticket_not_found);
  auto found = detail::decode_ticket(reply->at(0));
  // A duplicate shows the first ticket's answer: the caller asked once, as far as they know.
  if (auto original = detail::decode_ticket(reply->at(1)); !original.id.empty() && original.state == v1::REPLIED) {
    found.reply_kind = original.reply_kind;
    found.reply = original.reply;
    found.replied_by_name = original.replied_by_name;
    found.replied_ms = original.replied_ms;
  }
  co_return found;
}

asio::awaitable<result<std::vector<ticket_view>>> engine::open_tickets(int limit) {
  std::vector<std::string> keys{prefix_ + "tickets:open"};
  std::vector<std::string> args{std::to_string(limit)};
  auto reply = co_await view("view_tickets", std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  std::vector<ticket_view> tickets;
  for (const auto& flat : reply->elements) tickets.push_back(detail::decode_ticket(flat));
  co_return tickets;
}

asio::awaitable<result<waiting_line>> engine::line(const std::string& skill, int first) {
  std::vector<std::string> keys{prefix_ + "queue:" + skill};
  std::vector<std::string> args{std::to_string(first)};
  auto reply = co_await view("view_line", std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  if (!reply->is_array() || reply->elements.size() != 2) co_return make_error_code(errc::unexpected_reply);
  waiting_line out;
  out.first = first;
  out.staffed = static_cast<int>(reply->elements[0].as_integer().value_or(0));
  out.sessions.reserve(reply->elements[1].elements.size());
  for (auto& id : reply->elements[1].elements) out.sessions.push_back(std::move(id.text));
  co_return out;
}

asio::awaitable<result<queue_snapshot>> engine::snapshot() {
  std::vector<std::string> keys{prefix_ + "live"};
  auto reply = co_await view("view_queue", std::move(keys));
  if (!reply) co_return reply.error();
  queue_snapshot out;
  for (const auto& flat : reply->at(0).elements)
    if (auto s = detail::decode_session(flat)) out.sessions.push_back(std::move(*s));
  std::sort(out.sessions.begin(), out.sessions.end(),
            [](const session_view& a, const session_view& b) { return a.enqueued_ms < b.enqueued_ms; });
  for (const auto& flat : reply->at(1).elements) out.agents.push_back(detail::decode_agent_fields(flat));
  std::sort(out.agents.begin(), out.agents.end(), [](const agent_view& a, const agent_view& b) { return a.id < b.id; });
  co_return out;
}

asio::awaitable<result<queue_floor>> engine::floor_view() {
  std::vector<std::string> keys{prefix_ + "agents"};
  std::vector<std::string> skills;
  for (const auto& category : config_.routing.categories)
    for (const auto& language : config_.routing.languages) skills.push_back(category.code + ":" + language.code);
  auto reply = co_await view("view_floor", std::move(keys), std::move(skills));
  if (!reply) co_return reply.error();
  queue_floor out;
  const auto& rows = reply->at(0).elements;
  for (std::size_t i = 0; i + 2 < rows.size(); i += 3) {
    skill_floor skill{rows[i].text, static_cast<int>(rows[i + 1].as_integer().value_or(0)), std::nullopt};
    if (!rows[i + 2].text.empty()) skill.oldest_enqueued_ms = rows[i + 2].as_integer();
    out.skills.push_back(std::move(skill));
  }
  for (const auto& flat : reply->at(1).elements) out.agents.push_back(detail::decode_agent_fields(flat));
  co_return out;
}

asio::awaitable<result<std::vector<std::string>>> engine::verify() {
  std::vector<std::string> keys{prefix_ + "live"};
  auto reply = co_await view("view_verify", std::move(keys));
  if (!reply) co_return reply.error();
  std::vector<std::string> problems;
  for (const auto& p : reply->elements) problems.push_back(p.text);
  co_return problems;
}

asio::awaitable<result<std::vector<chat_entry>>> engine::chat_after(const std::string& session_id,
                                                                    const std::string& after_id, int limit) {
  // "(" makes the start exclusive: everything strictly after the last id the client has.
  const std::string start = after_id.empty() || after_id == "0" ? "-" : "(" + after_id;
  std::vector<std::string> command{"XRANGE", prefix_ + "chat:" + session_id, start, "+",
                                   "COUNT",  std::to_string(limit)};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return make_error_code(errc::bad_request);
  std::vector<chat_entry> entries;
  for (const auto& e : reply->elements) entries.push_back(detail::decode_chat_entry(e));
  co_return entries;
}

asio::awaitable<result<std::map<std::string, std::int64_t>>> engine::day_counters(const std::string& day) {
  std::vector<std::string> command{"HGETALL", prefix_ + "stats:" + day};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (!reply->is_array()) co_return make_error_code(errc::unexpected_reply);
  std::map<std::string, std::int64_t> counters;
  for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2)
    counters[reply->elements[i].text] = reply->elements[i + 1].as_integer().value_or(0);
  co_return counters;
}

int engine::estimated_wait_seconds(const session_view& session) const {
  if (session.position <= 0) return 0;
  // Each lawyer on duty works through the line at one caller per mean handling time.
  const double lawyers = std::max(1, session.staffed);
  return static_cast<int>(std::ceil(session.position * config_.routing.estimated_handle_seconds / lawyers));
}

namespace {

std::optional<chat_line> decode_chat_line(const core::redis_value& fields) {
  if (fields.elements.size() != 8) return std::nullopt;
  chat_line line;
  line.session_id = fields.at(0).text;
  line.lawyer_id = fields.at(1).text;
  line.request_id = fields.at(2).text;
  line.entry.id = fields.at(3).text;
  line.entry.from = detail::party_of(fields.at(4).text);
  line.entry.sent_ms = fields.at(5).as_integer().value_or(0);
  line.entry.sender_name = fields.at(6).text;
  line.entry.text = fields.at(7).text;
  return line;
}

}  // namespace

std::optional<notification> engine::parse_notification(std::string_view payload) {
  if (payload.size() < 3 || payload[1] != ':') return std::nullopt;
  const char what = payload[0];
  if (what == 'c' || what == 'S' || what == 'A') {
    const auto value = detail::decode_push(payload.substr(2));
    if (!value || !value->is_array()) return std::nullopt;
    if (what == 'c') {
      auto line = decode_chat_line(*value);
      if (!line) return std::nullopt;
      std::string id = line->session_id;
      return notification{notification::kind::chat, std::move(id), std::move(line)};
    }
    if (what == 'S') {  // {session id, lawyer, request id, session}
      auto session = detail::decode_session(value->at(3));
      if (!session) return std::nullopt;
      notification pushed{notification::kind::session, session->id};
      pushed.session = std::move(session);
      pushed.request_id = value->at(2).text;
      return pushed;
    }
    // {lawyer id, request id, lawyer}
    if (value->elements.size() != 3 || value->at(0).text.empty()) return std::nullopt;
    notification pushed{notification::kind::agent, value->at(0).text};
    pushed.agent = detail::decode_agent(value->at(2));
    if (pushed.agent->id.empty()) pushed.agent->id = pushed.id;  // never on duty yet: no hash
    pushed.request_id = value->at(1).text;
    return pushed;
  }
  const std::string id(payload.substr(2));
  switch (payload[0]) {
    case 'q': {
      // "q:<rank>:<skill>"; a skill alone (no rank) means the whole line.
      notification hint{notification::kind::queue, id};
      const auto colon = id.find(':');
      if (colon != std::string::npos && colon > 0 &&
          std::all_of(id.begin(), id.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) { return c >= '0' && c <= '9'; })) {
        hint.rank = std::atoi(id.substr(0, colon).c_str());
        hint.id = id.substr(colon + 1);
      }
      return hint;
    }
    case 't':
      return notification{notification::kind::ticket, id};
    default:
      return std::nullopt;
  }
}

std::optional<push_address> engine::address_of(std::string_view payload) {
  if (payload.size() < 3 || payload[1] != ':') return std::nullopt;
  if (payload[0] == 'S') {
    auto ids = detail::peek_strings(payload.substr(2), 2);
    if (!ids) return std::nullopt;
    return push_address{notification::kind::session, (*ids)[0], (*ids)[1]};
  }
  if (payload[0] == 'A') {
    auto ids = detail::peek_strings(payload.substr(2), 1);
    if (!ids) return std::nullopt;
    return push_address{notification::kind::agent, (*ids)[0], {}};
  }
  return std::nullopt;
}

}  // namespace hotline::queue
