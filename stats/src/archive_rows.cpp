// The column lists of the archive's three tables (stats/sql/0001_archive.sql) and the SQL text
// built once from them.
#include "archive_rows.hpp"

#include <charconv>
#include <cstdint>

namespace hotline::stats::detail {
namespace {

std::int64_t to_int(const std::string& text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// Enums are stored by name, so the archive reads the same whatever the proto's numbering.
template <class Enum, class Parse>
Enum parse_enum(const std::string& text, Parse parse, Enum fallback) {
  Enum value = fallback;
  return parse(text, &value) ? value : fallback;
}

#define HOTLINE_TEXT(Row, field)                                                                                      \
  column<Row> {                                                                                                       \
#field, [](const Row& r) { return std::string(r.field()); },                                                      \
                                                              [](Row & r, const std::string& v) { r.set_##field(v); } \
  }
#define HOTLINE_INT(Row, field)                                                   \
  column<Row> {                                                                   \
#field, [](const Row& r) { return std::to_string(r.field()); },                 \
        [](Row& r, const std::string& v) { r.set_##field(static_cast<decltype(r.field())>(to_int(v))); } \
  }
#define HOTLINE_ENUM(Row, field, Enum, fallback)                                               \
  column<Row> {                                                                                \
#field, [](const Row& r) { return std::string(v1::Enum##_Name(r.field())); },                \
        [](Row& r, const std::string& v) { r.set_##field(parse_enum(v, v1::Enum##_Parse, fallback)); } \
  }

}  // namespace

const table<v1::ArchivedSession>& session_table() {
  using R = v1::ArchivedSession;
  static const table<R> t{"sessions",
                          {HOTLINE_TEXT(R, id),
                           HOTLINE_ENUM(R, channel, Channel, v1::CHANNEL_UNSPECIFIED),
                           HOTLINE_TEXT(R, category),
                           HOTLINE_TEXT(R, final_category),
                           HOTLINE_TEXT(R, language),
                           HOTLINE_ENUM(R, priority, Priority, v1::PRIORITY_UNSPECIFIED),
                           HOTLINE_ENUM(R, state, SessionState, v1::SESSION_STATE_UNSPECIFIED),
                           HOTLINE_TEXT(R, end_reason),
                           HOTLINE_INT(R, enqueued_ms),
                           HOTLINE_TEXT(R, day),
                           HOTLINE_INT(R, hour),
                           HOTLINE_INT(R, answered_ms),
                           HOTLINE_INT(R, ended_ms),
                           HOTLINE_INT(R, closed_ms),
                           HOTLINE_TEXT(R, lawyer),
                           HOTLINE_ENUM(R, rating, Rating, v1::RATING_UNSPECIFIED),
                           HOTLINE_TEXT(R, transferred_to),
                           HOTLINE_INT(R, transfers),
                           HOTLINE_TEXT(R, ticket_id),
                           HOTLINE_ENUM(R, work_order_type, WorkOrderType, v1::WORK_ORDER_TYPE_UNSPECIFIED),
                           HOTLINE_TEXT(R, work_order_outcome),
                           HOTLINE_TEXT(R, work_order_note),
                           HOTLINE_INT(R, work_order_auto),
                           HOTLINE_ENUM(R, survey, SurveyOutcome, v1::SURVEY_OUTCOME_UNSPECIFIED)},
                          "enqueued_ms, id"};
  return t;
}

const table<v1::ArchivedTicket>& ticket_table() {
  using R = v1::ArchivedTicket;
  static const table<R> t{
      "tickets",
      {HOTLINE_TEXT(R, id), HOTLINE_TEXT(R, session_id), HOTLINE_ENUM(R, kind, TicketKind, v1::TICKET_KIND_UNSPECIFIED),
       HOTLINE_ENUM(R, state, TicketState, v1::TICKET_STATE_UNSPECIFIED),
       HOTLINE_ENUM(R, channel, Channel, v1::CHANNEL_UNSPECIFIED), HOTLINE_TEXT(R, category), HOTLINE_TEXT(R, language),
       HOTLINE_ENUM(R, priority, Priority, v1::PRIORITY_UNSPECIFIED), HOTLINE_INT(R, created_ms), HOTLINE_TEXT(R, day),
       HOTLINE_INT(R, hour), HOTLINE_INT(R, deadline_ms), HOTLINE_INT(R, replied_ms),
       HOTLINE_ENUM(R, reply_kind, ReplyKind, v1::REPLY_KIND_UNSPECIFIED), HOTLINE_TEXT(R, replied_by),
       HOTLINE_TEXT(R, duplicate_of), HOTLINE_TEXT(R, contact), HOTLINE_TEXT(R, question), HOTLINE_TEXT(R, reply)},
      "created_ms, id"};
  return t;
}

const table<v1::ArchivedStatusChange>& status_table() {
  using R = v1::ArchivedStatusChange;
  static const table<R> t{"status_changes",
                          {HOTLINE_TEXT(R, event_id), HOTLINE_TEXT(R, lawyer), HOTLINE_INT(R, at_ms),
                           HOTLINE_ENUM(R, status, AgentStatus, v1::AGENT_STATUS_UNSPECIFIED)},
                          "at_ms, event_id"};
  return t;
}

#undef HOTLINE_TEXT
#undef HOTLINE_INT
#undef HOTLINE_ENUM

template <class Row>
std::string upsert_sql(const table<Row>& t) {
  std::string names, params, updates;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    const std::string name(t.columns[i].name);
    names += (i ? ", " : "") + name;
    params += (i ? ", $" : "$") + std::to_string(i + 1);
    if (i) updates += std::string(i > 1 ? ", " : "") + name + " = excluded." + name;
  }
  return "INSERT INTO " + std::string(t.name) + " (" + names + ") VALUES (" + params + ") ON CONFLICT (" +
         std::string(t.columns.front().name) + ") DO UPDATE SET " + updates;
}

template <class Row>
std::string select_sql(const table<Row>& t, std::string_view where) {
  std::string names;
  for (std::size_t i = 0; i < t.columns.size(); ++i) names += (i ? ", " : "") + std::string(t.columns[i].name);
  return "SELECT " + names + " FROM " + std::string(t.name) + " WHERE " + std::string(where) + " ORDER BY " +
         std::string(t.order_by);
}

template std::string upsert_sql(const table<v1::ArchivedSession>&);
template std::string upsert_sql(const table<v1::ArchivedTicket>&);
template std::string upsert_sql(const table<v1::ArchivedStatusChange>&);
template std::string select_sql(const table<v1::ArchivedSession>&, std::string_view);
template std::string select_sql(const table<v1::ArchivedTicket>&, std::string_view);
template std::string select_sql(const table<v1::ArchivedStatusChange>&, std::string_view);

}  // namespace hotline::stats::detail
