#pragma once
// The whole configuration: one struct per module with its defaults, read from one TOML file.
// deploy/hotline.toml documents every key; an unknown key is an error naming it.

#include "hotline/core/errc.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hotline::core {

struct server_config {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string web_root = "web";
  /// Origins allowed to open WebSockets besides the gateway's own (same host and port).
  std::vector<std::string> allowed_origins;
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_ws_message_bytes = 64 * 1024;
  int http_idle_timeout_seconds = 30;
  int ws_idle_timeout_seconds = 120;
  /// Frames a WebSocket may have waiting to be written before the peer counts as too slow.
  std::size_t ws_outbound_queue_limit = 256;
  /// io threads serving caller and lawyer WebSockets, each with its own Redis connections; 0: one per core.
  int threads = 0;
  /// Bearer token /metrics asks for; empty: /metrics answers loopback clients only. From the
  /// environment (HOTLINE_METRICS_TOKEN), never the file.
  std::string metrics_token;
};

struct redis_config {
  /// "host:port", "unix:/path/to.sock", or empty to start an embedded redis-server.
  std::string address;
  int request_timeout_ms = 2000;
  int connect_timeout_ms = 2000;
  std::string server_binary = "redis-server";
};

struct centre_config {
  std::string id = "xm";
  std::string name = "12348 公共法律服务热线";
  int utc_offset_minutes = 480;
};

struct catalog_entry {
  std::string code;
  std::string name;
};

struct routing_config {
  int ring_timeout_seconds = 20;
  int wrap_up_seconds = 120;
  int reconnect_grace_seconds = 60;
  int max_missed_offers = 3;
  int sweep_interval_ms = 250;
  /// How often waiting callers' places are recomputed (once per changed queue per tick).
  int position_tick_ms = 1000;
  int default_chat_capacity = 3;
  /// Seconds of head start a priority caller (elderly, disabled, minor, wage claim, urgent) gets.
  int priority_boost_seconds = 120;
  /// Mean handling time assumed by the caller's estimated wait.
  int estimated_handle_seconds = 300;
  /// Seconds of head start a supervisor's urgent flag gives.
  int urgent_boost_seconds = 600;
  /// Seconds of waiting after which backup-level lawyers are offered the session too.
  int backup_after_seconds = 30;
  /// Seconds after which any lawyer speaking the session's language is (the general pool).
  int general_after_seconds = 90;
  /// Seconds after which the caller is offered a message or callback instead of waiting on.
  int max_wait_seconds = 300;
  /// Sessions one skill's queue may hold; more are refused with QUEUE_FULL.
  int max_queue_length = 100;
  /// Who gets the next session among qualified lawyers: longest_idle, fewest_today or round_robin.
  std::string selection = "longest_idle";
  /// Seconds a lawyer who declined (or missed) a session is not offered it again.
  int decline_exclusion_seconds = 60;
  /// Hours within which a message or callback ticket should be answered.
  int ticket_reply_hours = 24;
  std::vector<catalog_entry> categories;
  std::vector<catalog_entry> languages;
  /// Hotlines a lawyer may send a caller on to.
  std::vector<catalog_entry> transfer_destinations = {
      {"12345", "政务服务便民热线"}, {"110", "公安报警"}, {"12355", "青少年服务台"}, {"12338", "妇女维权热线"}};
};

struct stats_config {
  int service_level_seconds = 15;
  int short_abandon_seconds = 5;
  /// Staffing advice: the share answered within service_level_seconds to aim for, in percent.
  int target_service_level_percent = 80;
  /// Staffing advice: the answer rate (接通率) to aim for, in percent.
  int target_answer_rate_percent = 90;
};

struct archive_config {
  /// Empty: SQLite at <data_dir>/archive.db. "postgresql://user@host:port/db" for several nodes
  /// (the environment variable HOTLINE_ARCHIVE_URL, when set, overrides it: keep passwords out of files).
  std::string url;
  /// Hours a finished, archived session stays in Redis (for late ratings and the caller's view).
  int retention_hours = 168;
  /// Events per archive transaction.
  int batch_size = 500;
  /// How often an idle archiver looks for new events.
  int poll_interval_ms = 200;
  /// The archiver's lease in Redis: one node archives, the others take over within this.
  int lease_seconds = 10;
  int trim_interval_seconds = 60;
};

/// The phone channel: Kamailio (SIP) and rtpengine (media) on loopback, driven by the gateway.
struct phone_config {
  bool enabled = false;
  std::string sip_address = "127.0.0.1";
  int sip_port = 5060;
  std::string sip_domain = "127.0.0.1";  ///< the digest realm lawyers' softphones register in
  int evapi_port = 8448;                 ///< Kamailio's event socket; the gateway connects to it
  std::string rtp_address = "127.0.0.1";
  int rtpengine_ng_port = 2223;
  int rtpengine_cli_port = 2224;
  int rtp_port_min = 30000;
  int rtp_port_max = 30999;
  int dtmf_port = 8091;  ///< where rtpengine sends each keypad digit
  /// The HMAC key Kamailio signs CTI requests with; empty: generated once into <data_dir>/phone/cti_secret.
  std::string cti_secret;
  std::vector<std::string> cti_allowed_sources{"127.0.0.1", "::1"};
  int cti_max_skew_seconds = 30;
  int recheck_seconds = 30;       ///< a parked call asks again this often even without a push
  int queue_cap_seconds = 600;    ///< Kamailio answers 480 after this long in the queue
  int record_percent = 5;         ///< the share of calls recorded for quality inspection (质检)
  int recording_retention_days = 90;
  int survey_seconds = 8;         ///< how long the survey waits for a digit after its prompt
  /// The category of a call to plain 12348 with no IVR choice; empty or unknown: the first category.
  std::string default_category;
  std::string prompts_dir;        ///< the centre's own recordings, by file name; empty: the generated ones
  std::string kamailio_binary = "kamailio";
  std::string rtpengine_binary = "rtpengine";
};

struct accounts_config {
  int token_ttl_hours = 12;
  bool demo_accounts = false;
  /// Failed logins for one username (from anywhere) before it is locked for a while.
  int login_failures_per_user = 5;
  /// Failed logins from one address (any username; IPv6 by /64) before it is locked for a while.
  int login_failures_per_source = 20;
  /// The first lock lasts this long; each further failure doubles it, up to login_lock_max_seconds.
  int login_lock_seconds = 2;
  int login_lock_max_seconds = 300;
  /// Failures are forgotten after this long without one.
  int login_failure_window_seconds = 900;
  /// Logins waiting for or in the password hash at once (per node); more get BUSY at once.
  int max_pending_logins = 16;
};

/// What one anonymous source (an address; IPv6 by /64) may hold, so that no script fills the hotline.
struct admission_config {
  /// Proxies whose X-Forwarded-For is believed (their own address is not the caller's); nobody else's is.
  std::vector<std::string> trusted_proxies;
  /// Open connections on one node, staff included; past it new connections are closed at once.
  int max_connections = 20000;
  /// Of max_connections, kept for lawyers' consoles, supervisors, HTTP and Kamailio's CTI requests:
  /// anonymous caller sockets can never take these.
  int staff_reserve = 500;
  /// Caller sockets open at once from one source, on one node.
  int caller_sockets_per_source = 20;
  /// Sessions one source may start per minute (all nodes).
  int starts_per_source_per_minute = 10;
  /// Chat sessions from one source waiting at once (all nodes).
  int waiting_per_source = 5;
  /// Of each queue's max_queue_length, the share chat callers may fill (percent); the rest is kept
  /// for phone calls.
  int chat_queue_share_percent = 80;
};

struct config {
  server_config server;
  admission_config admission;
  redis_config redis;
  std::string data_dir = "var";
  centre_config centre;
  routing_config routing;
  stats_config stats;
  archive_config archive;
  accounts_config accounts;
  phone_config phone;
  std::string log_level = "info";
};

/// Parses TOML text; the error names the offending key or the TOML syntax error.
boost::system::result<config, std::string> parse_config(const std::string& toml_text);

/// Reads and parses a file.
boost::system::result<config, std::string> load_config(const std::filesystem::path& path);

}  // namespace hotline::core
