#pragma once
// The JSON frames of docs/API.md §3 that the generator sends, and the few fields it reads from the
// gateway's frames.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>

#include <string>
#include <string_view>

namespace loadgen {

enum class frame_kind { session, chat, error, offer, agent_state, session_state, other };

/// What the generator needs of a server frame; strings are empty when the frame has no such field.
struct server_frame {
  frame_kind kind = frame_kind::other;
  std::string request_id;
  std::string session_id;  ///< session, sessionState, chat, offer
  std::string state;       ///< session, sessionState
  std::string from;        ///< chat: CALLER or LAWYER
  std::string offer_id;    ///< offer
  std::string error;       ///< error: "CODE: message"
};

/// One reusable parser for the whole run: the generator is single-threaded and copies what it keeps
/// before the next frame is parsed.
class frame_parser {
 public:
  frame_parser();
  /// False for text that is not a JSON object.
  bool parse(std::string_view text, server_frame& out);

 private:
  unsigned char arena_[16384];
  boost::json::monotonic_resource memory_;
  boost::json::parser parser_;
};

/// Client frames, written into `out` (its capacity is reused).
namespace client_frame {
void start(std::string& out, std::string_view request_id, std::string_view category);
void chat(std::string& out, std::string_view request_id, std::string_view session_id, std::string_view text);
void rate(std::string& out, std::string_view request_id);
void caller_end(std::string& out, std::string_view request_id);
void set_available(std::string& out, std::string_view request_id);
void accept(std::string& out, std::string_view request_id, std::string_view offer_id);
void lawyer_end(std::string& out, std::string_view request_id, std::string_view session_id);
void wrap_up(std::string& out, std::string_view request_id, std::string_view session_id);
}  // namespace client_frame

/// The request body of POST /api/v1/auth/login.
std::string login_body(std::string_view username, std::string_view password);
/// A string field of a JSON object body (the login's "token", the socket pass's "pass"); empty when absent.
std::string body_field(std::string_view body, std::string_view key);

}  // namespace loadgen
