// TOML → config, strict: every key must be known and of the right type.
#include "hotline/core/config.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace hotline::core {
namespace {

using parse_result = boost::system::result<config, std::string>;

// One section's known keys, each with the function that stores its value.
using setter = std::function<std::string(const toml::node&)>;  // returns an error, or ""
using section_schema = std::map<std::string, setter>;

template <class T>
setter integer_into(T& target, std::int64_t min, std::int64_t max) {
  return [&target, min, max](const toml::node& node) -> std::string {
    const auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value) return "must be an integer";
    if (*value < min || *value > max) return "must be between " + std::to_string(min) + " and " + std::to_string(max);
    target = static_cast<T>(*value);
    return "";
  };
}

setter string_into(std::string& target) {
  return [&target](const toml::node& node) -> std::string {
    if (!node.is_string()) return "must be a string";
    target = *node.value<std::string>();
    return "";
  };
}

setter bool_into(bool& target) {
  return [&target](const toml::node& node) -> std::string {
    if (!node.is_boolean()) return "must be true or false";
    target = *node.value<bool>();
    return "";
  };
}

setter strings_into(std::vector<std::string>& target) {
  return [&target](const toml::node& node) -> std::string {
    const auto* array = node.as_array();
    if (!array) return "must be an array of strings";
    target.clear();
    for (const auto& item : *array) {
      if (!item.is_string()) return "must be an array of strings";
      target.push_back(*item.value<std::string>());
    }
    return "";
  };
}

setter catalog_into(std::vector<catalog_entry>& target) {
  return [&target](const toml::node& node) -> std::string {
    const auto* array = node.as_array();
    if (!array) return "must be an array of { code, name } tables";
    target.clear();
    for (const auto& item : *array) {
      const auto* table = item.as_table();
      if (!table) return "must be an array of { code, name } tables";
      catalog_entry entry;
      for (const auto& [key, value] : *table) {
        if (key.str() == "code" && value.is_string())
          entry.code = *value.value<std::string>();
        else if (key.str() == "name" && value.is_string())
          entry.name = *value.value<std::string>();
        else
          return "has an unknown or non-string key '" + std::string(key.str()) + "'";
      }
      if (entry.code.empty() || entry.name.empty()) return "entries need both code and name";
      for (const auto& other : target)
        if (other.code == entry.code) return "lists code '" + entry.code + "' twice";
      target.push_back(std::move(entry));
    }
    return "";
  };
}

std::map<std::string, section_schema> schema_of(config& c) {
  constexpr std::int64_t big = 1'000'000'000;
  return {
      {"server",
       {{"listen", string_into(c.server.listen)},
        {"port", integer_into(c.server.port, 0, 65535)},
        {"web_root", string_into(c.server.web_root)},
        {"allowed_origins", strings_into(c.server.allowed_origins)},
        {"max_body_bytes", integer_into(c.server.max_body_bytes, 1, big)},
        {"max_header_bytes", integer_into(c.server.max_header_bytes, 1024, big)},
        {"max_ws_message_bytes", integer_into(c.server.max_ws_message_bytes, 1024, big)},
        {"http_idle_timeout_seconds", integer_into(c.server.http_idle_timeout_seconds, 1, 86400)},
        {"ws_idle_timeout_seconds", integer_into(c.server.ws_idle_timeout_seconds, 1, 86400)},
        {"ws_outbound_queue_limit", integer_into(c.server.ws_outbound_queue_limit, 1, 1'000'000)},
        {"threads", integer_into(c.server.threads, 0, 256)}}},
      {"admission",
       {{"trusted_proxies", strings_into(c.admission.trusted_proxies)},
        {"max_connections", integer_into(c.admission.max_connections, 10, 10'000'000)},
        {"staff_reserve", integer_into(c.admission.staff_reserve, 0, 1'000'000)},
        {"caller_sockets_per_source", integer_into(c.admission.caller_sockets_per_source, 1, 1'000'000)},
        {"starts_per_source_per_minute", integer_into(c.admission.starts_per_source_per_minute, 1, 1'000'000)},
        {"waiting_per_source", integer_into(c.admission.waiting_per_source, 1, 1'000'000)},
        {"chat_queue_share_percent", integer_into(c.admission.chat_queue_share_percent, 1, 100)}}},
      {"redis",
       {{"address", string_into(c.redis.address)},
        {"request_timeout_ms", integer_into(c.redis.request_timeout_ms, 1, 600'000)},
        {"connect_timeout_ms", integer_into(c.redis.connect_timeout_ms, 1, 600'000)},
        {"server_binary", string_into(c.redis.server_binary)}}},
      {"data", {{"dir", string_into(c.data_dir)}}},
      {"centre",
       {{"id", string_into(c.centre.id)},
        {"name", string_into(c.centre.name)},
        {"utc_offset_minutes", integer_into(c.centre.utc_offset_minutes, -14 * 60, 14 * 60)}}},
      {"routing",
       {{"ring_timeout_seconds", integer_into(c.routing.ring_timeout_seconds, 1, 3600)},
        {"wrap_up_seconds", integer_into(c.routing.wrap_up_seconds, 1, 86400)},
        {"reconnect_grace_seconds", integer_into(c.routing.reconnect_grace_seconds, 0, 86400)},
        {"max_missed_offers", integer_into(c.routing.max_missed_offers, 1, 100)},
        {"sweep_interval_ms", integer_into(c.routing.sweep_interval_ms, 10, 60'000)},
        {"position_tick_ms", integer_into(c.routing.position_tick_ms, 20, 10'000)},
        {"default_chat_capacity", integer_into(c.routing.default_chat_capacity, 1, 20)},
        {"priority_boost_seconds", integer_into(c.routing.priority_boost_seconds, 0, 86400)},
        {"estimated_handle_seconds", integer_into(c.routing.estimated_handle_seconds, 1, 86400)},
        {"urgent_boost_seconds", integer_into(c.routing.urgent_boost_seconds, 0, 86400)},
        {"backup_after_seconds", integer_into(c.routing.backup_after_seconds, 0, 86400)},
        {"general_after_seconds", integer_into(c.routing.general_after_seconds, 0, 86400)},
        {"max_wait_seconds", integer_into(c.routing.max_wait_seconds, 1, 86400)},
        {"max_queue_length", integer_into(c.routing.max_queue_length, 1, 1'000'000)},
        {"selection", string_into(c.routing.selection)},
        {"decline_exclusion_seconds", integer_into(c.routing.decline_exclusion_seconds, 0, 86400)},
        {"ticket_reply_hours", integer_into(c.routing.ticket_reply_hours, 1, 24 * 365)},
        {"transfer_destinations", catalog_into(c.routing.transfer_destinations)},
        {"categories", catalog_into(c.routing.categories)},
        {"languages", catalog_into(c.routing.languages)}}},
      {"stats",
       {{"service_level_seconds", integer_into(c.stats.service_level_seconds, 1, 3600)},
        {"short_abandon_seconds", integer_into(c.stats.short_abandon_seconds, 0, 3600)},
        {"target_service_level_percent", integer_into(c.stats.target_service_level_percent, 1, 99)},
        {"target_answer_rate_percent", integer_into(c.stats.target_answer_rate_percent, 1, 99)}}},
      {"archive",
       {{"url", string_into(c.archive.url)},
        {"retention_hours", integer_into(c.archive.retention_hours, 0, 24 * 3650)},
        {"batch_size", integer_into(c.archive.batch_size, 1, 10000)},
        {"poll_interval_ms", integer_into(c.archive.poll_interval_ms, 10, 60000)},
        {"lease_seconds", integer_into(c.archive.lease_seconds, 2, 3600)},
        {"trim_interval_seconds", integer_into(c.archive.trim_interval_seconds, 1, 86400)}}},
      {"accounts",
       {{"token_ttl_hours", integer_into(c.accounts.token_ttl_hours, 1, 24 * 365)},
        {"demo_accounts", bool_into(c.accounts.demo_accounts)},
        {"login_failures_per_user", integer_into(c.accounts.login_failures_per_user, 1, 1000)},
        {"login_failures_per_source", integer_into(c.accounts.login_failures_per_source, 1, 100000)},
        {"login_lock_seconds", integer_into(c.accounts.login_lock_seconds, 1, 3600)},
        {"login_lock_max_seconds", integer_into(c.accounts.login_lock_max_seconds, 1, 86400)},
        {"login_failure_window_seconds", integer_into(c.accounts.login_failure_window_seconds, 1, 86400)},
        {"max_pending_logins", integer_into(c.accounts.max_pending_logins, 1, 10000)}}},
      {"phone",
       {{"enabled", bool_into(c.phone.enabled)},
        {"sip_address", string_into(c.phone.sip_address)},
        {"sip_port", integer_into(c.phone.sip_port, 1, 65535)},
        {"sip_domain", string_into(c.phone.sip_domain)},
        {"evapi_port", integer_into(c.phone.evapi_port, 1, 65535)},
        {"rtp_address", string_into(c.phone.rtp_address)},
        {"rtpengine_ng_port", integer_into(c.phone.rtpengine_ng_port, 1, 65535)},
        {"rtpengine_cli_port", integer_into(c.phone.rtpengine_cli_port, 1, 65535)},
        {"rtp_port_min", integer_into(c.phone.rtp_port_min, 1024, 65535)},
        {"rtp_port_max", integer_into(c.phone.rtp_port_max, 1024, 65535)},
        {"dtmf_port", integer_into(c.phone.dtmf_port, 1, 65535)},
        {"cti_secret", string_into(c.phone.cti_secret)},
        {"cti_allowed_sources", strings_into(c.phone.cti_allowed_sources)},
        {"cti_max_skew_seconds", integer_into(c.phone.cti_max_skew_seconds, 1, 3600)},
        {"recheck_seconds", integer_into(c.phone.recheck_seconds, 1, 300)},
        {"queue_cap_seconds", integer_into(c.phone.queue_cap_seconds, 10, 840)},
        {"record_percent", integer_into(c.phone.record_percent, 0, 100)},
        {"recording_retention_days", integer_into(c.phone.recording_retention_days, 1, 3650)},
        {"survey_seconds", integer_into(c.phone.survey_seconds, 1, 120)},
        {"prompts_dir", string_into(c.phone.prompts_dir)},
        {"default_category", string_into(c.phone.default_category)},
        {"kamailio_binary", string_into(c.phone.kamailio_binary)},
        {"rtpengine_binary", string_into(c.phone.rtpengine_binary)}}},
      {"log", {{"level", string_into(c.log_level)}}},
  };
}

bool valid_code(const std::string& code) {
  if (code.empty() || code.size() > 64) return false;
  for (char ch : code)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-')) return false;
  return true;
}

}  // namespace

parse_result parse_config(const std::string& toml_text) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << "TOML syntax error at line " << e.source().begin.line << ": " << e.description();
    return message.str();
  }
  config c;
  const auto schema = schema_of(c);
  for (const auto& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    const auto found = schema.find(section);
    if (found == schema.end()) return "unknown key '" + section + "'";
    const auto* table = section_node.as_table();
    if (!table) return "'" + section + "' must be a table";
    for (const auto& [key, value] : *table) {
      const std::string name(key.str());
      const auto field = found->second.find(name);
      if (field == found->second.end()) return "unknown key '" + section + "." + name + "'";
      if (auto error = field->second(value); !error.empty()) return "'" + section + "." + name + "' " + error;
    }
  }
  if (c.routing.categories.empty()) return "'routing.categories' must list at least one category";
  if (c.routing.languages.empty()) return "'routing.languages' must list at least one language";
  for (const auto* list : {&c.routing.categories, &c.routing.languages})
    for (const auto& entry : *list)
      if (!valid_code(entry.code)) return "code '" + entry.code + "' may use only letters, digits, '.', '_' and '-'";
  if (c.routing.selection != "longest_idle" && c.routing.selection != "fewest_today" &&
      c.routing.selection != "round_robin")
    return "'routing.selection' must be longest_idle, fewest_today or round_robin";
  if (c.phone.rtp_port_min + 20 > c.phone.rtp_port_max)
    return "'phone.rtp_port_max' must be at least 20 above 'phone.rtp_port_min'";
  for (char ch : c.phone.cti_secret)
    if (ch == '!' || ch == '"' || std::isspace(static_cast<unsigned char>(ch)))
      return "'phone.cti_secret' may not hold '!', '\"' or spaces (it goes into the Kamailio config)";
  if (!valid_code(c.centre.id)) return "'centre.id' may use only letters, digits, '.', '_' and '-'";
  return c;
}

parse_result load_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return "cannot read config file " + path.string();
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse_config(text.str());
  if (!parsed) return path.string() + ": " + parsed.error();
  return parsed;
}

}  // namespace hotline::core
