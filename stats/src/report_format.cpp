// Renderings of the summary report.
#include "hotline/stats/report_format.hpp"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <sstream>

namespace hotline::stats {
namespace {

// An empty cell prints 0 (docs/metrics.md): a rate whose base is 0.
std::string fraction(bool present, double value) {
  if (!present) return "0";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  return buffer;
}

std::string percent(bool present, double value) {
  if (!present) value = 0.0;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", value * 100.0);
  return buffer;
}

std::string seconds(bool present, double value) {
  if (!present) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

// CSV cells are ours (dates, codes, numbers), but a category code could hold a comma one day.
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void csv_row(std::ostringstream& out, const v1::SummaryRow& r) {
  out << csv_cell(r.key()) << ',' << r.offered() << ',' << r.answered() << ',' << r.abandoned() << ','
      << r.short_abandoned() << ',' << r.overflowed() << ',' << r.transferred_before_answer() << ',' << r.waiting()
      << ',' << fraction(r.has_answer_rate(), r.answer_rate()) << ','
      << fraction(r.has_answer_rate_excluding_short_abandons(), r.answer_rate_excluding_short_abandons()) << ','
      << fraction(r.has_service_level(), r.service_level()) << ',' << r.rated() << ',' << r.satisfied() << ','
      << r.basic_satisfied() << ',' << r.dissatisfied() << ',' << fraction(r.has_satisfaction(), r.satisfaction())
      << ',' << fraction(r.has_rating_rate(), r.rating_rate()) << ','
      << seconds(r.has_average_speed_of_answer_seconds(), r.average_speed_of_answer_seconds()) << ','
      << seconds(r.has_average_handle_time_seconds(), r.average_handle_time_seconds()) << ','
      << seconds(true, r.longest_wait_seconds()) << ',' << r.transferred_out() << ',' << r.transferred_internal() << ','
      << r.messages_received() << ',' << r.messages_duplicate() << ',' << r.messages_replied() << ','
      << r.messages_open() << ',' << fraction(r.has_reply_rate(), r.reply_rate()) << ','
      << fraction(r.has_on_time_reply_rate(), r.on_time_reply_rate()) << ',' << r.carried_in() << ',' << r.carried_out()
      << ',' << r.resolved() << ',' << fraction(r.has_occupancy(), r.occupancy()) << ','
      << seconds(true, r.has_average_wait_seconds() ? r.average_wait_seconds() : 0.0) << ',' << csv_cell(r.period())
      << ',' << csv_cell(r.dimension()) << ',' << r.survey_no_input() << ',' << r.survey_hung_up() << "\r\n";
}

}  // namespace

std::string to_json(const google::protobuf::Message& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(report, &out, options);
  return out;
}

std::string to_csv(const v1::SummaryReport& report) {
  std::ostringstream out;
  out << report.group_by()
      << ",offered,answered,abandoned,short_abandoned,overflowed,transferred_before_answer,waiting,answer_rate,"
         "answer_rate_excluding_short_abandons,service_level,rated,satisfied,basic_satisfied,dissatisfied,"
         "satisfaction,rating_rate,average_speed_of_answer_seconds,average_handle_time_seconds,"
         "longest_wait_seconds,transferred_out,transferred_internal,messages_received,messages_duplicate,"
         "messages_replied,messages_open,reply_rate,on_time_reply_rate,carried_in,carried_out,resolved,occupancy,"
         "average_wait_seconds,period,dimension,survey_no_input,survey_hung_up\r\n";
  for (const auto& row : report.rows()) csv_row(out, row);
  csv_row(out, report.total());
  return out.str();
}

std::string to_text(const v1::SummaryReport& report) {
  std::ostringstream out;
  const auto& t = report.total();
  out << report.centre() << " summary " << report.from() << " .. " << report.to() << " (UTC" << report.timezone()
      << ")\n";
  out << "  offered 呼入量          " << t.offered() << "\n";
  out << "  answered 接通量         " << t.answered() << "\n";
  out << "  abandoned 放弃量        " << t.abandoned() << " (short, < " << report.short_abandon_seconds()
      << " s: " << t.short_abandoned() << ")\n";
  out << "  left a message 转留言   " << t.overflowed() << "\n";
  out << "  still waiting           " << t.waiting() << "\n";
  out << "  transferred out 转外线  " << t.transferred_out() << " (within the centre " << t.transferred_internal()
      << ")\n";
  out << "  answer rate 接通率      " << percent(t.has_answer_rate(), t.answer_rate()) << " (excluding short abandons "
      << percent(t.has_answer_rate_excluding_short_abandons(), t.answer_rate_excluding_short_abandons()) << ")\n";
  out << "  service level (" << report.service_level_seconds() << " s)     "
      << percent(t.has_service_level(), t.service_level()) << "\n";
  out << "  satisfaction 满意率     " << percent(t.has_satisfaction(), t.satisfaction()) << " of " << t.rated()
      << " rated (rating rate " << percent(t.has_rating_rate(), t.rating_rate()) << "; phone surveys unrated: "
      << t.survey_no_input() << " no digit, " << t.survey_hung_up() << " hung up)\n";
  out << "  messages 留言           " << t.messages_received() << " received, " << t.messages_duplicate()
      << " duplicate, " << t.messages_replied() << " replied, " << t.messages_open() << " open; reply rate 回复率 "
      << percent(t.has_reply_rate(), t.reply_rate()) << " (on time "
      << percent(t.has_on_time_reply_rate(), t.on_time_reply_rate()) << ")\n";
  for (const auto& row : report.rows())
    out << "  " << row.key() << ": offered " << row.offered() << ", answered " << row.answered() << ", abandoned "
        << row.abandoned() << ", answer rate " << percent(row.has_answer_rate(), row.answer_rate()) << ", satisfaction "
        << percent(row.has_satisfaction(), row.satisfaction()) << "\n";
  if (!report.source().empty()) out << "  source: " << report.source() << "\n";
  out << "definitions (a rate whose base is 0 prints 0):\n";
  for (const auto& d : report.definitions())
    out << "  " << d.name() << ": " << d.definition() << (d.base().empty() ? "" : "; base: " + d.base()) << "\n";
  return out.str();
}

}  // namespace hotline::stats
