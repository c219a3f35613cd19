#include "hotline/telephony/deploy_config.hpp"

#include <hotline/core/ids.hpp>

#include <fstream>
#include <sstream>

namespace hotline::telephony {

// deploy/*.cfg|conf, embedded by cmake/embed_text.cmake.
std::string_view kamailio_template();
std::string_view rtpengine_template();

namespace {

using text_result = boost::system::result<std::string, std::string>;
text_result failure(std::string message) { return {boost::system::in_place_error, std::move(message)}; }
text_result success(std::string value) { return {boost::system::in_place_value, std::move(value)}; }

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

std::string gateway_url(const core::config& config) {
  std::string host = config.server.listen;
  // A wildcard listener takes IPv4 loopback too (dual stack): Kamailio uses that.
  if (host == "0.0.0.0" || host == "::") host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(config.server.port);
}

bool write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

std::filesystem::path phone_dir(const core::config& config) { return std::filesystem::path(config.data_dir) / "phone"; }
std::filesystem::path recordings_dir(const core::config& config) { return phone_dir(config) / "recordings"; }

boost::system::result<std::string, std::string> cti_secret(const core::config& config) {
  if (!config.phone.cti_secret.empty()) return success(config.phone.cti_secret);
  const auto dir = phone_dir(config);
  const auto path = dir / "cti_secret";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (std::ifstream in(path); in) {
    std::string secret;
    std::getline(in, secret);
    if (secret.size() >= 32) return success(secret);
  }
  const std::string secret = core::random_hex(32);
  if (!write_text(path, secret + "\n")) return failure("cannot write " + path.string());
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  return success(secret);
}

std::string kamailio_config(const core::config& config, const std::string& secret) {
  const auto& phone = config.phone;
  const auto run_dir = std::filesystem::absolute(phone_dir(config) / "run").string();
  // A park and a lawyer attempt each take one of tm's 30 branches: the cap leaves room for lawyers.
  const int max_parks = 24;
  const std::pair<const char*, std::string> values[] = {
      {"SIP_ADDR", phone.sip_address},
      {"SIP_PORT", std::to_string(phone.sip_port)},
      {"SIP_DOMAIN", phone.sip_domain},
      {"GW_URL", gateway_url(config)},
      {"EVAPI_ADDR", phone.sip_address},
      {"EVAPI_PORT", std::to_string(phone.evapi_port)},
      {"RTPENGINE_NG", "udp:" + phone.rtp_address + ":" + std::to_string(phone.rtpengine_ng_port)},
      {"CTI_SECRET", secret},
      {"QUEUE_RECHECK_MS", std::to_string(phone.recheck_seconds * 1000)},
      {"QUEUE_MAX_WAIT_S", std::to_string(phone.queue_cap_seconds)},
      {"MAX_PARKS", std::to_string(max_parks)},
      {"INV_LIFETIME_MS", "900000"},
      {"RUN_DIR", run_dir},
  };
  std::string body(kamailio_template());
  const auto first_line = body.find('\n') + 1;
  std::ostringstream header;
  header << "# Rendered from deploy/kamailio.cfg and hotline.toml by `hotline phone-config`. Do not edit.\n";
  for (const auto& [name, value] : values) header << "#!substdef \"!" << name << "!" << value << "!g\"\n";
  body.insert(first_line, header.str());
  return body;
}

std::string rtpengine_config(const core::config& config) {
  const auto& phone = config.phone;
  const auto dir = std::filesystem::absolute(phone_dir(config));
  const std::pair<const char*, std::string> values[] = {
      {"@RTP_ADDR@", phone.rtp_address},
      {"@NG_PORT@", std::to_string(phone.rtpengine_ng_port)},
      {"@CLI_PORT@", std::to_string(phone.rtpengine_cli_port)},
      {"@PORT_MIN@", std::to_string(phone.rtp_port_min)},
      {"@PORT_MAX@", std::to_string(phone.rtp_port_max)},
      {"@RECORDING_DIR@", std::filesystem::absolute(recordings_dir(config)).string()},
      {"@DTMF_ADDR@", phone.rtp_address},
      {"@DTMF_PORT@", std::to_string(phone.dtmf_port)},
      {"@PID_FILE@", (dir / "run" / "rtpengine.pid").string()},
      {"@LOG_LEVEL@", config.log_level == "debug" || config.log_level == "trace" ? "7" : "5"},
  };
  std::string text(rtpengine_template());
  for (const auto& [name, value] : values) text = replace_all(std::move(text), name, value);
  return text;
}

boost::system::result<std::string, std::string> write_phone_configs(const core::config& config,
                                                                    const std::filesystem::path& dir) {
  auto secret = cti_secret(config);
  if (!secret) return failure(secret.error());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::create_directories(phone_dir(config) / "run", ec);
  std::filesystem::create_directories(recordings_dir(config), ec);
  const auto kamailio = dir / "kamailio.cfg";
  const auto rtpengine = dir / "rtpengine.conf";
  if (!write_text(kamailio, kamailio_config(config, *secret))) return failure("cannot write " + kamailio.string());
  if (!write_text(rtpengine, rtpengine_config(config))) return failure("cannot write " + rtpengine.string());
  return success(kamailio.string() + "\n" + rtpengine.string() + "\n");
}

}  // namespace hotline::telephony
