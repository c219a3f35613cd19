// Every figure's definition, its rate arithmetic and the balance identities: one place, used by
// the reports from counters and from records alike.
#include "hotline/stats/summary.hpp"

#include <map>

namespace hotline::stats {
namespace {

std::optional<double> ratio(std::int64_t numerator, std::int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

// The Chinese wording the disclosure report prints, by figure.
const std::map<std::string, std::string>& chinese() {
  static const std::map<std::string, std::string> all{
      {"offered", "呼入量：统计期内进入排队的会话数（按进入排队的时间计入当期）"},
      {"answered", "接通量：其中由律师接听的会话数（转接后不重复计算）"},
      {"abandoned", "放弃量：首次排队中来电人主动离开的会话数（含短时放弃）"},
      {"short_abandoned", "短时放弃：进入排队后不足设定秒数即放弃的会话数"},
      {"overflowed", "转留言：首次排队中改为留言或预约回拨的会话数"},
      {"transferred_before_answer", "接通前转接：恒为 0，仅已接通的会话可以转接"},
      {"waiting", "在等待：统计时仍在首次排队的会话数"},
      {"carried_in", "上期结转：此前进入、本期开始时仍在排队的会话数"},
      {"carried_out", "结转下期：本期结束时仍在排队的会话数"},
      {"resolved", "已处理：本期内结束首次排队（接通、放弃或转留言）的会话数"},
      {"answer_rate", "接通率 = 接通量 ÷ 呼入量"},
      {"answer_rate_excluding_short_abandons", "接通率（剔除短时放弃）= 接通量 ÷（呼入量 − 短时放弃）"},
      {"service_level", "服务水平 = 规定秒数内接通量 ÷ 呼入量（GB/T 33358-2016）"},
      {"average_speed_of_answer_seconds", "平均应答时长 = 接通会话首次等待时长的平均值"},
      {"average_wait_seconds", "平均等待时长 = 接通及放弃会话首次等待时长的平均值"},
      {"longest_wait_seconds", "最长等待 = 接通或放弃会话中最长的首次等待时长"},
      {"average_handle_time_seconds", "平均处理时长 = 接通至工单提交（通话及整理）时长的平均值"},
      {"occupancy", "坐席占用率 = 律师处理时长 ÷ 签入时长（在线咨询可同时接待多人，可超过 100%）"},
      {"satisfaction", "满意率 =（满意 + 基本满意）÷ 评价量"},
      {"rating_rate", "评价率 = 评价量 ÷ 接通量"},
      {"survey_unrated", "电话满意度回访未评价：回访提示后未按键、或来电人挂机的通话数（不计入评价量）"},
      {"transferred_out", "转外线：转至其他热线（12345、110 等）的已接通会话数"},
      {"transferred_internal", "内部转接：已接通会话转至其他类别排队的次数"},
      {"messages_received", "留言量：留言及预约回拨数（含重复留言）"},
      {"messages_duplicate", "重复留言：24 小时内联系方式与问题均相同的留言"},
      {"messages_open", "未回复：尚未答复的非重复留言"},
      {"reply_rate", "回复率 = 已回复 ÷（留言量 − 重复留言）"},
      {"on_time_reply_rate", "按时回复率 = 期限内回复 ÷（留言量 − 重复留言）"},
      {"balance",
       "平衡关系：呼入量 = 接通量 + 放弃量 + 转留言 + 接通前转接 + 在等待；呼入量 + 上期结转 = 已处理 + "
       "结转下期；留言量 = 已回复 + 重复留言 + 未回复；评价量 = 满意 + 基本满意 + 不满意 ≤ 接通量"},
  };
  return all;
}

v1::MetricDefinition definition(std::string name, std::string text, std::string base = "") {
  v1::MetricDefinition d;
  d.set_definition_zh(chinese().at(name));
  d.set_name(std::move(name));
  d.set_definition(std::move(text));
  d.set_base(std::move(base));
  return d;
}

}  // namespace

const std::vector<v1::MetricDefinition>& metric_definitions() {
  static const std::vector<v1::MetricDefinition> all{
      definition("offered", "呼入量 offered: sessions that entered a queue in the period (booked by arrival time)"),
      definition("answered", "接通量 answered: of those, sessions a lawyer accepted (once, even after transfers)"),
      definition("abandoned", "放弃量 abandoned: of those, callers who left while first waiting (short ones included)"),
      definition("short_abandoned", "短时放弃 short abandons: abandoned sooner than the short-abandon threshold"),
      definition("overflowed", "转留言 overflowed: of those, callers who left a message or callback request instead"),
      definition("transferred_before_answer", "转接未接通: always 0, only a connected session can be transferred"),
      definition("waiting", "在等待 still waiting: sessions of the period still on their first wait now"),
      definition("carried_in", "上期结转 carried in: first waits begun before the row's period, going on at its start"),
      definition("carried_out", "结转下期 carried out: first waits still going at the row's period end"),
      definition("resolved",
                 "已处理 resolved: first waits that ended in the row's period (answered, abandoned or "
                 "overflowed), whenever they began"),
      definition("answer_rate", "接通率 answer rate = answered ÷ offered", "all offered sessions"),
      definition("answer_rate_excluding_short_abandons",
                 "接通率（剔除短时放弃）= answered ÷ (offered − short abandons)",
                 "offered sessions that waited at least the short-abandon threshold (asked for a person)"),
      definition("service_level", "服务水平 service level = answered within T seconds ÷ offered (GB/T 33358-2016)",
                 "all offered sessions"),
      definition("average_speed_of_answer_seconds", "平均应答时长 ASA = mean first wait of answered sessions",
                 "answered sessions"),
      definition("average_wait_seconds", "平均等待时长 = mean first wait of answered and abandoned sessions",
                 "answered + abandoned sessions"),
      definition("longest_wait_seconds", "最长等待 = longest first wait of an answered or abandoned session"),
      definition("average_handle_time_seconds",
                 "平均处理时长 AHT = mean talk + wrap-up (acceptance to work order filed)", "handled sessions"),
      definition("occupancy", "坐席占用率 occupancy = lawyers' talk + wrap-up time ÷ their signed-in time",
                 "signed-in time (chats run side by side, so it can pass 100%)"),
      definition("satisfaction", "满意率 satisfaction = (满意 + 基本满意) ÷ rated", "rated sessions"),
      definition("rating_rate", "评价率 rating rate = rated ÷ answered", "answered sessions"),
      definition("survey_unrated",
                 "电话回访未评价 phone surveys without a rating: no digit pressed, or the caller hung up "
                 "(survey_no_input, survey_hung_up; not in rated)"),
      definition("transferred_out", "转外线 transferred out: answered sessions sent on to another hotline (by number)"),
      definition("transferred_internal", "内部转接: moves of answered sessions to another category's queue"),
      definition("messages_received", "留言量 messages received: message and callback tickets, duplicates included"),
      definition("messages_duplicate", "重复留言: same contact and question as a ticket of the previous 24 hours"),
      definition("messages_open", "未回复: distinct tickets not yet answered"),
      definition("reply_rate", "回复率 reply rate = replied ÷ (received − duplicate)", "distinct tickets"),
      definition("on_time_reply_rate", "按时回复率 = replied within the reply deadline ÷ (received − duplicate)",
                 "distinct tickets"),
      definition("balance",
                 "offered = answered + abandoned + overflowed + transferred before answer + waiting; "
                 "offered + carried in = resolved + carried out; messages received = replied + duplicate + open; "
                 "rated = 满意 + 基本满意 + 不满意 ≤ answered"),
  };
  return all;
}

void set_rates(v1::SummaryRow& row, std::int64_t wait_ms, std::int64_t handle_ms, std::int64_t longest_wait_ms) {
  const auto distinct_messages = row.messages_received() - row.messages_duplicate();
  if (auto r = ratio(row.messages_replied(), distinct_messages)) row.set_reply_rate(*r);
  if (auto r = ratio(row.messages_replied_on_time(), distinct_messages)) row.set_on_time_reply_rate(*r);
  if (auto r = ratio(row.answered(), row.offered())) row.set_answer_rate(*r);
  if (auto r = ratio(row.answered(), row.offered() - row.short_abandoned()))
    row.set_answer_rate_excluding_short_abandons(*r);
  if (auto r = ratio(row.answered_within_service_level(), row.offered())) row.set_service_level(*r);
  if (auto r = ratio(row.satisfied() + row.basic_satisfied(), row.rated())) row.set_satisfaction(*r);
  if (auto r = ratio(row.rated(), row.answered())) row.set_rating_rate(*r);
  if (auto r = ratio(wait_ms, row.answered())) row.set_average_speed_of_answer_seconds(*r / 1000.0);
  if (auto r = ratio(handle_ms, row.handled())) row.set_average_handle_time_seconds(*r / 1000.0);
  row.set_longest_wait_seconds(static_cast<double>(longest_wait_ms) / 1000.0);
  if (row.signed_in_seconds() > 0) row.set_occupancy(row.handling_seconds() / row.signed_in_seconds());
}

std::string balance_violation(const v1::SummaryRow& r) {
  auto n = [](std::int64_t v) { return std::to_string(v); };
  const auto booked = r.answered() + r.abandoned() + r.overflowed() + r.transferred_before_answer() + r.waiting();
  if (r.offered() != booked)
    return "offered " + n(r.offered()) + " ≠ answered " + n(r.answered()) + " + abandoned " + n(r.abandoned()) +
           " + overflowed " + n(r.overflowed()) + " + transferred before answer " + n(r.transferred_before_answer()) +
           " + waiting " + n(r.waiting()) + " = " + n(booked);
  if (r.offered() + r.carried_in() != r.resolved() + r.carried_out())
    return "offered " + n(r.offered()) + " + carried in " + n(r.carried_in()) + " ≠ resolved " + n(r.resolved()) +
           " + carried out " + n(r.carried_out());
  const auto ratings = r.satisfied() + r.basic_satisfied() + r.dissatisfied();
  if (r.rated() != ratings)
    return "rated " + n(r.rated()) + " ≠ 满意 " + n(r.satisfied()) + " + 基本满意 " + n(r.basic_satisfied()) +
           " + 不满意 " + n(r.dissatisfied());
  if (r.rated() > r.answered()) return "rated " + n(r.rated()) + " > answered " + n(r.answered());
  const auto messages = r.messages_replied() + r.messages_duplicate() + r.messages_open();
  if (r.messages_received() != messages)
    return "messages received " + n(r.messages_received()) + " ≠ replied " + n(r.messages_replied()) + " + duplicate " +
           n(r.messages_duplicate()) + " + open " + n(r.messages_open());
  if (r.messages_replied_on_time() > r.messages_replied() || r.messages_open() < 0)
    return "replied on time " + n(r.messages_replied_on_time()) + " > replied " + n(r.messages_replied());
  if (r.transferred_out() > r.answered() || r.short_abandoned() > r.abandoned() || r.handled() > r.answered() ||
      r.answered_within_service_level() > r.answered() || r.waiting() < 0)
    return "a part exceeds its whole: transferred out " + n(r.transferred_out()) + ", short abandons " +
           n(r.short_abandoned()) + " of " + n(r.abandoned()) + ", handled " + n(r.handled()) +
           ", within service level " + n(r.answered_within_service_level()) + " of answered " + n(r.answered());
  return {};
}

}  // namespace hotline::stats
