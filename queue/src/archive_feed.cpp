// The archive feed: the events stream through the consumer group "archiver", each batch turned
// into rows from the sessions' and tickets' current fields (a replay reads the same rows again).
#include "hotline/queue/engine.hpp"

#include <hotline/core/civil_day.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <set>

namespace hotline::queue {
namespace {

namespace asio = boost::asio;
constexpr const char* group = "archiver";

std::int64_t to_int(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception&) {
    return 0;
  }
}

using fields = std::map<std::string, std::string>;

fields to_fields(const core::redis_value& flat) {
  fields out;
  for (std::size_t i = 0; i + 1 < flat.elements.size(); i += 2)
    out[flat.elements[i].text] = flat.elements[i + 1].as_string().value_or("");
  return out;
}

std::string get(const fields& f, const std::string& name) {
  auto found = f.find(name);
  return found == f.end() ? std::string{} : found->second;
}

// Hashes keep enum values by name; an unknown name reads as the enum's zero value.
template <class Enum, class Parse>
Enum enum_field(const fields& f, const std::string& name, Parse parse) {
  Enum value{};
  parse(get(f, name), &value);
  return value;
}

int local_hour(std::int64_t ms, int utc_offset_minutes) {
  const auto local = ms + std::int64_t{utc_offset_minutes} * 60000;
  return static_cast<int>(((local / 3600000) % 24 + 24) % 24);
}

bool finished(v1::SessionState state) {
  return state == v1::CLOSED || state == v1::ABANDONED || state == v1::OVERFLOWED || state == v1::TRANSFERRED;
}

v1::ArchivedSession to_archived_session(const fields& f, int utc_offset_minutes) {
  v1::ArchivedSession s;
  s.set_id(get(f, "id"));
  s.set_channel(enum_field<v1::Channel>(f, "channel", v1::Channel_Parse));
  s.set_category(get(f, "category"));
  const auto routed = get(f, "route_category");
  const auto filed = get(f, "wo_category");
  s.set_final_category(!filed.empty() ? filed : !routed.empty() ? routed : s.category());
  const auto arrival = get(f, "arrival_language");
  s.set_language(arrival.empty() ? get(f, "language") : arrival);
  s.set_priority(enum_field<v1::Priority>(f, "priority", v1::Priority_Parse));
  s.set_state(enum_field<v1::SessionState>(f, "state", v1::SessionState_Parse));
  s.set_end_reason(get(f, "end_reason"));
  s.set_enqueued_ms(to_int(get(f, "enqueued_ms")));
  s.set_day(get(f, "day"));
  s.set_hour(local_hour(s.enqueued_ms(), utc_offset_minutes));
  s.set_answered_ms(to_int(get(f, "answered_ms")));
  s.set_ended_ms(to_int(get(f, "ended_ms")));
  s.set_closed_ms(to_int(get(f, "closed_ms")));
  s.set_lawyer(get(f, "lawyer"));
  s.set_rating(enum_field<v1::Rating>(f, "rating", v1::Rating_Parse));
  s.set_transferred_to(get(f, "transferred_to"));
  s.set_transfers(static_cast<int>(to_int(get(f, "transfers"))));
  s.set_ticket_id(get(f, "ticket_id"));
  s.set_work_order_type(enum_field<v1::WorkOrderType>(f, "wo_type", v1::WorkOrderType_Parse));
  s.set_work_order_outcome(get(f, "wo_outcome"));
  s.set_work_order_note(get(f, "wo_note"));
  s.set_work_order_auto(get(f, "wo_auto") == "1");
  s.set_survey(enum_field<v1::SurveyOutcome>(f, "survey", v1::SurveyOutcome_Parse));
  return s;
}

v1::ArchivedTicket to_archived_ticket(const fields& f, int utc_offset_minutes) {
  v1::ArchivedTicket t;
  t.set_id(get(f, "id"));
  t.set_session_id(get(f, "session"));
  t.set_kind(enum_field<v1::TicketKind>(f, "kind", v1::TicketKind_Parse));
  t.set_state(enum_field<v1::TicketState>(f, "state", v1::TicketState_Parse));
  t.set_channel(enum_field<v1::Channel>(f, "channel", v1::Channel_Parse));
  const auto booked = get(f, "book_category");
  t.set_category(booked.empty() ? get(f, "category") : booked);
  t.set_language(get(f, "language"));
  t.set_priority(enum_field<v1::Priority>(f, "priority", v1::Priority_Parse));
  t.set_created_ms(to_int(get(f, "created_ms")));
  t.set_day(get(f, "day"));
  t.set_hour(local_hour(t.created_ms(), utc_offset_minutes));
  t.set_deadline_ms(to_int(get(f, "deadline_ms")));
  t.set_replied_ms(to_int(get(f, "replied_ms")));
  t.set_reply_kind(enum_field<v1::ReplyKind>(f, "reply_kind", v1::ReplyKind_Parse));
  t.set_replied_by(get(f, "replied_by"));
  t.set_duplicate_of(get(f, "duplicate_of"));
  t.set_contact(get(f, "contact"));
  t.set_question(get(f, "question"));
  t.set_reply(get(f, "reply"));
  return t;
}

}  // namespace

asio::awaitable<result<std::string>> engine::centre_archive(const std::string& archive_id) {
  std::vector<std::string> claim{"SET", prefix_ + "archive:id", archive_id, "NX"};
  auto claimed = co_await redis_.exec(std::move(claim));
  if (!claimed) co_return claimed.error();
  std::vector<std::string> get{"GET", prefix_ + "archive:id"};
  auto recorded = co_await redis_.exec(std::move(get));
  if (!recorded) co_return recorded.error();
  co_return recorded->text;
}

asio::awaitable<result<bool>> engine::hold_archive_lease(const std::string& node, std::chrono::milliseconds ttl) {
  std::vector<std::string> keys{prefix_ + "archiver:lease"};
  std::vector<std::string> args{node, std::to_string(ttl.count())};
  auto reply = co_await run("archive_lease", std::move(keys), std::move(args), "");
  if (!reply) co_return result<bool>(boost::system::in_place_error, reply.error());
  co_return reply->field("held").as_integer().value_or(0) == 1;
}

asio::awaitable<result<archive_read>> engine::read_for_archive(const std::string& consumer, int count) {
  const std::string stream = prefix_ + "events";
  if (!archive_group_ready_) {
    // From the stream's start: a first archiver (or a new archive) takes the whole history.
    std::vector<std::string> create{"XGROUP", "CREATE", stream, group, "0", "MKSTREAM"};
    auto created = co_await redis_.exec(std::move(create));
    if (!created) co_return created.error();
    if (created->is_error() && !created->text.starts_with("BUSYGROUP"))
      co_return make_error_code(errc::unexpected_reply);
    archive_group_ready_ = true;
  }
  // Whatever was delivered and not acknowledged (this node's or a crashed leader's) comes first.
  std::vector<std::string> claim{"XAUTOCLAIM", stream, group, consumer, "0", "0-0", "COUNT", std::to_string(count)};
  auto claimed = co_await redis_.exec(std::move(claim));
  if (!claimed) co_return claimed.error();
  const core::redis_value* entries = nullptr;
  core::redis_value fresh;
  if (claimed->is_array() && !claimed->at(1).elements.empty()) {
    entries = &claimed->at(1);
  } else {
    std::vector<std::string> read{"XREADGROUP",          "GROUP",   group,  consumer, "COUNT",
                                  std::to_string(count), "STREAMS", stream, ">"};
    auto got = co_await redis_.exec(std::move(read));
    if (!got) co_return got.error();
    if (got->is_error()) co_return make_error_code(errc::unexpected_reply);
    fresh = std::move(*got);
    entries = &fresh.at(0).at(1);
  }

  co_return co_await rows_for(*entries);
}

asio::awaitable<result<archive_read>> engine::rows_for(const core::redis_value& entries) {
  archive_read batch;
  std::set<std::string> names;
  for (const auto& entry : entries.elements) {
    const auto id = entry.at(0).text;
    const auto f = to_fields(entry.at(1));
    batch.event_ids.push_back(id);
    if (get(f, "type") == "agent_status") {
      v1::ArchivedStatusChange change;
      change.set_event_id(id);
      change.set_lawyer(get(f, "agent"));
      change.set_at_ms(to_int(get(f, "at")));
      change.set_status(enum_field<v1::AgentStatus>(f, "status", v1::AgentStatus_Parse));
      batch.status_changes.push_back(std::move(change));
    }
    if (!get(f, "session").empty()) names.insert("session:" + get(f, "session"));
    if (!get(f, "ticket").empty()) names.insert("ticket:" + get(f, "ticket"));
  }
  if (names.empty()) co_return batch;

  std::vector<std::string> keys{prefix_ + "live"};
  std::vector<std::string> args(names.begin(), names.end());
  auto records = co_await view("view_records", std::move(keys), std::move(args));
  if (!records) co_return records.error();
  const int offset = config_.centre.utc_offset_minutes;
  for (const auto& record : records->elements) {
    const auto& name = record.at(0).text;
    const auto f = to_fields(record.at(1));
    if (f.empty()) continue;  // trimmed since: its row was archived before
    if (name.starts_with("session:")) {
      auto s = to_archived_session(f, offset);
      if (!finished(s.state())) continue;
      batch.finished.emplace_back(name, std::max({s.closed_ms(), s.ended_ms(), s.enqueued_ms()}));
      batch.sessions.push_back(std::move(s));
    } else {
      auto t = to_archived_ticket(f, offset);
      if (t.state() != v1::OPEN) batch.finished.emplace_back(name, std::max(t.replied_ms(), t.created_ms()));
      batch.tickets.push_back(std::move(t));
    }
  }
  co_return batch;
}

asio::awaitable<result<std::int64_t>> engine::archive_backlog() {
  std::vector<std::string> groups{"XINFO", "GROUPS", prefix_ + "events"};
  auto info = co_await redis_.exec(std::move(groups));
  if (!info) co_return info.error();
  if (info->is_error()) {
    // No events stream yet: nothing to archive.
    co_return std::int64_t{0};
  }
  for (const auto& g : info->elements)
    if (g.field("name").text == group)
      co_return g.field("pending").as_integer().value_or(0) + g.field("lag").as_integer().value_or(0);
  // No archiver has started: everything in the stream waits for it.
  std::vector<std::string> length{"XLEN", prefix_ + "events"};
  auto events = co_await redis_.exec(std::move(length));
  if (!events) co_return events.error();
  co_return events->as_integer().value_or(0);
}

asio::awaitable<result<archive_read>> engine::unarchived() {
  // From the oldest event the archiver has not acknowledged (pending, or not yet delivered) on.
  const std::string stream = prefix_ + "events";
  std::string start = "-";
  std::vector<std::string> groups{"XINFO", "GROUPS", stream};
  auto info = co_await redis_.exec(std::move(groups));
  if (!info) co_return info.error();
  for (const auto& g : info->elements)
    if (g.field("name").text == group) start = "(" + g.field("last-delivered-id").text;
  if (start != "-") {
    std::vector<std::string> pending{"XPENDING", stream, group};
    auto summary = co_await redis_.exec(std::move(pending));
    if (!summary) co_return summary.error();
    if (summary->at(0).as_integer().value_or(0) > 0) start = summary->at(1).text;
  }
  std::vector<std::string> range{"XRANGE", stream, start, "+", "COUNT", "100000"};
  auto entries = co_await redis_.exec(std::move(range));
  if (!entries) co_return entries.error();
  if (!entries->is_array()) co_return make_error_code(errc::unexpected_reply);
  co_return co_await rows_for(*entries);
}

asio::awaitable<result<void>> engine::archived(const archive_read& batch) {
  if (batch.empty()) co_return result<void>{};
  if (!batch.finished.empty()) {
    std::vector<std::string> keys{prefix_ + "archived"};
    std::vector<std::string> args;
    for (const auto& [name, ms] : batch.finished) {
      args.push_back(name);
      args.push_back(std::to_string(ms));
    }
    auto marked = co_await run("mark_archived", std::move(keys), std::move(args), "");
    if (!marked) co_return marked.error();
  }
  std::vector<std::string> ack{"XACK", prefix_ + "events", group};
  ack.insert(ack.end(), batch.event_ids.begin(), batch.event_ids.end());
  auto acked = co_await redis_.exec(std::move(ack));
  if (!acked) co_return acked.error();
  co_return result<void>{};
}

asio::awaitable<result<trim_result>> engine::trim_archived(std::int64_t cutoff_ms, int limit) {
  // Events may go only when acknowledged: before the oldest pending one and before what the group
  // has not read yet, and before the cutoff.
  const std::string stream = prefix_ + "events";
  std::string min_id = std::to_string(cutoff_ms) + "-0";
  auto older = [](const std::string& a, const std::string& b) {
    const auto ams = std::stoll(a.substr(0, a.find('-'))), bms = std::stoll(b.substr(0, b.find('-')));
    return ams != bms ? ams < bms : std::stoll(a.substr(a.find('-') + 1)) < std::stoll(b.substr(b.find('-') + 1));
  };
  std::vector<std::string> groups{"XINFO", "GROUPS", stream};
  auto info = co_await redis_.exec(std::move(groups));
  if (!info) co_return info.error();
  bool have_group = false;
  for (const auto& g : info->elements) {
    if (g.field("name").text != group) continue;
    have_group = true;
    const auto delivered = g.field("last-delivered-id").text;
    // The next id after the last delivered one is the first that might still be unread.
    if (!delivered.empty() && older(delivered, min_id)) {
      const auto dash = delivered.find('-');
      min_id = delivered.substr(0, dash) + "-" + std::to_string(std::stoll(delivered.substr(dash + 1)) + 1);
    }
  }
  if (have_group) {
    std::vector<std::string> pending{"XPENDING", stream, group};
    auto summary = co_await redis_.exec(std::move(pending));
    if (!summary) co_return summary.error();
    if (summary->at(0).as_integer().value_or(0) > 0) {
      const auto oldest = summary->at(1).text;
      if (older(oldest, min_id)) min_id = oldest;
    }
  }
  std::vector<std::string> keys{prefix_ + "archived"};
  std::vector<std::string> args{std::to_string(cutoff_ms), std::to_string(limit), have_group ? min_id : ""};
  auto trimmed = co_await run("trim", std::move(keys), std::move(args), "");
  if (!trimmed) co_return trimmed.error();
  co_return trim_result{static_cast<int>(trimmed->field("trimmed").as_integer().value_or(0)),
                        trimmed->field("events").as_integer().value_or(0)};
}

asio::awaitable<result<std::vector<v1::ArchivedSession>>> engine::live_records() {
  std::vector<std::string> keys{prefix_ + "live"};
  auto records = co_await view("view_records", std::move(keys));
  if (!records) co_return records.error();
  std::vector<v1::ArchivedSession> out;
  for (const auto& record : records->elements) {
    const auto f = to_fields(record.at(1));
    if (!f.empty()) out.push_back(to_archived_session(f, config_.centre.utc_offset_minutes));
  }
  co_return out;
}

asio::awaitable<result<std::vector<std::string>>> engine::counter_days() {
  std::vector<std::string> days;
  std::string cursor = "0";
  do {
    std::vector<std::string> scan{"SCAN", cursor, "MATCH", prefix_ + "stats:*", "COUNT", "1000"};
    auto reply = co_await redis_.exec(std::move(scan));
    if (!reply) co_return reply.error();
    cursor = reply->at(0).text;
    for (const auto& key : reply->at(1).elements) days.push_back(key.text.substr(prefix_.size() + 6));
  } while (cursor != "0");
  std::sort(days.begin(), days.end());
  co_return days;
}

asio::awaitable<result<void>> engine::replace_day_counters(const std::string& day,
                                                           const std::map<std::string, std::int64_t>& counters) {
  std::vector<std::string> keys{prefix_ + "stats:" + day};
  std::vector<std::string> args;
  for (const auto& [field, value] : counters) {
    args.push_back(field);
    args.push_back(std::to_string(value));
  }
  auto replaced = co_await run("replace_counters", std::move(keys), std::move(args), "");
  if (!replaced) co_return replaced.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> engine::mark_simulation(std::chrono::milliseconds ttl) {
  std::vector<std::string> command =
      ttl.count() > 0 ? std::vector<std::string>{"SET", prefix_ + "simulation", "1", "PX", std::to_string(ttl.count())}
                      : std::vector<std::string>{"DEL", prefix_ + "simulation"};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<std::optional<std::int64_t>>> engine::next_deadline_ms() {
  std::vector<std::string> command{"ZRANGE", prefix_ + "deadlines", "0", "0", "WITHSCORES"};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (!reply->is_array() || reply->elements.size() < 2) co_return std::optional<std::int64_t>{};
  co_return std::optional<std::int64_t>(
      static_cast<std::int64_t>(std::stod(reply->elements[1].as_string().value_or("0"))));
}

}  // namespace hotline::queue
