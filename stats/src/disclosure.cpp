// The disclosure section: the paragraph a justice department prints, filled from the year's
// records, and its two tables. Every figure comes from summarize_records, so it is the report's.
#include <hotline/stats/disclosure.hpp>

#include <cstdio>
#include <set>
#include <sstream>

namespace hotline::stats {
namespace {

std::string percent(bool present, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", present ? value * 100.0 : 0.0);
  return buffer;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string paragraph(const v1::DisclosureReport& d) {
  const auto& t = d.by_month().total();
  std::ostringstream out;
  out << d.year() << "年，" << d.centre_name() << "共受理群众来电和网上咨询" << t.offered()
      << "人次，其中由值班律师接通" << t.answered() << "人次，接通率" << percent(t.has_answer_rate(), t.answer_rate())
      << "（剔除" << d.by_month().short_abandon_seconds() << "秒内放弃的" << t.short_abandoned() << "人次后为"
      << percent(t.has_answer_rate_excluding_short_abandons(), t.answer_rate_excluding_short_abandons()) << "），"
      << d.by_month().service_level_seconds() << "秒内接通率" << percent(t.has_service_level(), t.service_level())
      << "，平均等待" << number(t.has_average_speed_of_answer_seconds() ? t.average_speed_of_answer_seconds() : 0.0)
      << "秒。";
  out << "群众通过留言、预约回拨反映诉求" << t.messages_received() << "件，其中重复留言" << t.messages_duplicate()
      << "件，已回复" << t.messages_replied() << "件，回复率" << percent(t.has_reply_rate(), t.reply_rate())
      << "，按时回复率" << percent(t.has_on_time_reply_rate(), t.on_time_reply_rate()) << "。";
  out << "服务结束后参与评价" << t.rated() << "人次，满意率" << percent(t.has_satisfaction(), t.satisfaction())
      << "（满意" << t.satisfied() << "人次、基本满意" << t.basic_satisfied() << "人次、不满意" << t.dissatisfied()
      << "人次）。";
  if (t.transferred_out() > 0) {
    out << "按规定转接其他热线" << t.transferred_out() << "人次（";
    bool first = true;
    for (const auto& [number_code, count] : std::map<std::string, std::int64_t>(
             t.transferred_out_by_destination().begin(), t.transferred_out_by_destination().end())) {
      out << (first ? "" : "、") << number_code << " " << count << "人次";
      first = false;
    }
    out << "）。";
  }
  out << "全年共有" << d.lawyers_on_duty() << "名值班律师参与热线值守。";
  return out.str();
}

struct column {
  const char* title;
  std::string (*cell)(const v1::SummaryRow&);
};

const std::vector<column>& table_columns() {
  static const std::vector<column> all{
      {"呼入量", [](const v1::SummaryRow& r) { return std::to_string(r.offered()); }},
      {"接通量", [](const v1::SummaryRow& r) { return std::to_string(r.answered()); }},
      {"接通率", [](const v1::SummaryRow& r) { return percent(r.has_answer_rate(), r.answer_rate()); }},
      {"服务水平", [](const v1::SummaryRow& r) { return percent(r.has_service_level(), r.service_level()); }},
      {"放弃量", [](const v1::SummaryRow& r) { return std::to_string(r.abandoned()); }},
      {"转留言", [](const v1::SummaryRow& r) { return std::to_string(r.overflowed()); }},
      {"转外线", [](const v1::SummaryRow& r) { return std::to_string(r.transferred_out()); }},
      {"评价量", [](const v1::SummaryRow& r) { return std::to_string(r.rated()); }},
      {"满意率", [](const v1::SummaryRow& r) { return percent(r.has_satisfaction(), r.satisfaction()); }},
      {"留言量", [](const v1::SummaryRow& r) { return std::to_string(r.messages_received()); }},
      {"回复率", [](const v1::SummaryRow& r) { return percent(r.has_reply_rate(), r.reply_rate()); }},
  };
  return all;
}

// The first column's label of a row: 1月 … 12月, or the category's name.
std::string row_label(const v1::SummaryRow& r, const std::map<std::string, std::string>& names, bool months) {
  if (months) return std::to_string(std::stoi(r.key().substr(5, 2))) + "月";
  auto found = names.find(r.key());
  return found == names.end() ? r.key() : found->second;
}

template <class Emit>
void each_table(const v1::DisclosureReport& d, Emit emit) {
  std::map<std::string, std::string> names;
  for (const auto& c : d.definitions())
    if (c.name().starts_with("category:")) names[c.name().substr(9)] = c.definition();
  emit("表1 按月统计", "月份", d.by_month(), names, true);
  emit("表2 按咨询类别统计", "类别", d.by_category(), names, false);
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

boost::system::result<v1::DisclosureReport, report_failure> disclosure(const record_set& records,
                                                                       const disclosure_request& request) {
  if (request.year < 2000 || request.year > 9999)
    return report_failure{make_error_code(errc::bad_period), "year " + std::to_string(request.year)};
  records_request base{request.centre,
                       std::to_string(request.year) + "-01-01",
                       std::to_string(request.year) + "-12-31",
                       {period::month, dimension::none},
                       request.utc_offset_minutes,
                       request.service_level_seconds,
                       request.short_abandon_seconds,
                       request.now_ms,
                       {},
                       request.source};
  auto by_month = summarize_records(records, base);
  if (!by_month) return by_month.error();
  base.by = {period::none, dimension::category};
  for (const auto& [code, name] : request.categories) base.known_values.push_back(code);
  auto by_category = summarize_records(records, base);
  if (!by_category) return by_category.error();

  v1::DisclosureReport d;
  d.set_centre(request.centre);
  d.set_centre_name(request.centre_name);
  d.set_year(request.year);
  *d.mutable_by_month() = std::move(*by_month);
  *d.mutable_by_category() = std::move(*by_category);
  std::set<std::string> lawyers;
  for (const auto& c : records.status_changes)
    if (c.status() != v1::OFFLINE) lawyers.insert(c.lawyer());
  d.set_lawyers_on_duty(static_cast<int>(lawyers.size()));
  for (const auto& def : metric_definitions()) *d.add_definitions() = def;
  for (const auto& [code, name] : request.categories) {
    auto* c = d.add_definitions();
    c->set_name("category:" + code);
    c->set_definition(name);
  }
  // The definitions travel once, with the report, not with each table.
  d.mutable_by_month()->clear_definitions();
  d.mutable_by_category()->clear_definitions();
  d.set_paragraph(paragraph(d));
  return d;
}

std::string to_markdown(const v1::DisclosureReport& d) {
  std::ostringstream out;
  out << "## " << d.year() << "年" << d.centre_name() << "运行情况\n\n" << d.paragraph() << "\n\n";
  each_table(d, [&](const char* title, const char* first, const v1::SummaryReport& table,
                    const std::map<std::string, std::string>& names, bool months) {
    out << "### " << title << "\n\n| " << first;
    for (const auto& c : table_columns()) out << " | " << c.title;
    out << " |\n|---";
    for (std::size_t i = 0; i < table_columns().size(); ++i) out << "|---:";
    out << "|\n";
    for (const auto& r : table.rows()) {
      out << "| " << row_label(r, names, months);
      for (const auto& c : table_columns()) out << " | " << c.cell(r);
      out << " |\n";
    }
    out << "| 合计";
    for (const auto& c : table_columns()) out << " | " << c.cell(table.total());
    out << " |\n\n";
  });
  out << "### 指标口径\n\n";
  for (const auto& def : d.definitions())
    if (!def.name().starts_with("category:")) out << "- " << def.definition_zh() << "\n";
  out << "- 比率的基数为 0 时记为 0。时区 UTC" << d.by_month().timezone() << "，会话按进入队列的时间计入当期。\n";
  return out.str();
}

std::string to_html(const v1::DisclosureReport& d) {
  std::ostringstream out;
  out << "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" << d.year() << "年"
      << html_escape(d.centre_name())
      << "运行情况</title>\n<style>body{font-family:'Noto Serif CJK SC','Noto Sans CJK SC',serif;max-width:"
         "190mm;margin:12mm auto;line-height:1.7}table{border-collapse:collapse;width:100%;margin:1em 0;font-size:"
         "10.5pt}th,td{border:1px solid #333;padding:2px 6px}td{text-align:right}td:first-child{text-align:left}"
         "p.lead{text-indent:2em}@page{size:A4;margin:15mm}</style></head><body>\n";
  out << "<h2>" << d.year() << "年" << html_escape(d.centre_name()) << "运行情况</h2>\n<p class=\"lead\">"
      << html_escape(d.paragraph()) << "</p>\n";
  each_table(d, [&](const char* title, const char* first, const v1::SummaryReport& table,
                    const std::map<std::string, std::string>& names, bool months) {
    out << "<h3>" << title << "</h3>\n<table><thead><tr><th>" << first << "</th>";
    for (const auto& c : table_columns()) out << "<th>" << c.title << "</th>";
    out << "</tr></thead><tbody>\n";
    for (const auto& r : table.rows()) {
      out << "<tr><td>" << html_escape(row_label(r, names, months)) << "</td>";
      for (const auto& c : table_columns()) out << "<td>" << c.cell(r) << "</td>";
      out << "</tr>\n";
    }
    out << "<tr><td>合计</td>";
    for (const auto& c : table_columns()) out << "<td>" << c.cell(table.total()) << "</td>";
    out << "</tr></tbody></table>\n";
  });
  out << "<h3>指标口径</h3><ul>\n";
  for (const auto& def : d.definitions())
    if (!def.name().starts_with("category:")) out << "<li>" << html_escape(def.definition_zh()) << "</li>\n";
  out << "<li>比率的基数为 0 时记为 0。</li></ul></body></html>\n";
  return out.str();
}

}  // namespace hotline::stats
