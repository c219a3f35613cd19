#pragma once
// Internal: how the archive's proto rows map to SQL columns, shared by the SQLite and PostgreSQL
// stores so both write and read exactly the same columns. Values travel as text, parameters as $N.

#include <hotline/proto/hotline.pb.h>

#include <string>
#include <string_view>
#include <vector>

namespace hotline::stats::detail {

template <class Row>
struct column {
  std::string_view name;
  std::string (*get)(const Row&);
  void (*set)(Row&, const std::string&);
};

template <class Row>
struct table {
  std::string_view name;
  std::vector<column<Row>> columns;  ///< the first is the primary key
  std::string_view order_by;
};

const table<v1::ArchivedSession>& session_table();
const table<v1::ArchivedTicket>& ticket_table();
const table<v1::ArchivedStatusChange>& status_table();

/// INSERT … VALUES ($1, …) ON CONFLICT (key) DO UPDATE SET every other column: an upsert by id.
template <class Row>
std::string upsert_sql(const table<Row>& t);
/// SELECT every column FROM the table WHERE <where> ORDER BY the table's order.
template <class Row>
std::string select_sql(const table<Row>& t, std::string_view where);

template <class Row>
std::vector<std::string> to_values(const table<Row>& t, const Row& row) {
  std::vector<std::string> values;
  values.reserve(t.columns.size());
  for (const auto& c : t.columns) values.push_back(c.get(row));
  return values;
}

template <class Row>
Row from_values(const table<Row>& t, const std::vector<std::string>& values) {
  Row row;
  for (std::size_t i = 0; i < t.columns.size() && i < values.size(); ++i) t.columns[i].set(row, values[i]);
  return row;
}

}  // namespace hotline::stats::detail
