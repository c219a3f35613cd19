#pragma once
// The phone channel's gateway side: the CTI API Kamailio calls, the evapi socket it parks and
// resumes calls on, rtpengine's media control (announcements, music, survey) over ng, the keypad
// digits rtpengine reports, and the recordings for quality inspection.
// Calls are queue sessions of channel PHONE, routed by the same scripts as chats.

#include "context.hpp"
#include "wire_error.hpp"
#include "ws_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/system/result.hpp>

#include <filesystem>
#include <functional>
#include <memory>

namespace hotline::gateway {

template <class T>
using wire_result = boost::system::result<T, wire_error>;

class phone_service {
 public:
  /// The CTI secret is phone.cti_secret, or the one generated into the data directory.
  phone_service(gateway_context& context, boost::asio::any_io_executor executor);
  ~phone_service();

  /// Connects to Kamailio's evapi socket and listens for rtpengine's digits (phone.enabled only).
  void start();
  void stop();
  /// Routing changed something: a call may have a lawyer now.
  void on_hint(const queue::notification& hint);
  /// Whether a call on this node waits in `skill`: the position ticker then reads its line.
  bool has_waiting(const std::string& skill) const;
  /// A queue's line as of this tick: each waiting call whose place moved hears its new place.
  void line_changed(const std::string& skill, const queue::waiting_line& line);

  /// 403 unless the peer is allowed, 401 unless the signature is valid, fresh and not seen before.
  boost::asio::awaitable<wire_result<void>> authenticate(const http_request& request,
                                                         const boost::asio::ip::address& peer);
  boost::asio::awaitable<wire_result<v1::CtiCallReply>> route_call(const v1::CtiCallRequest& request);
  boost::asio::awaitable<wire_result<void>> call_event(const std::string& path_callid, const v1::CtiEvent& event);
  boost::asio::awaitable<wire_result<v1::CtiCredentials>> credentials(const v1::CtiCredentialsRequest& request);
  boost::asio::awaitable<wire_result<void>> registration(const v1::CtiRegistration& registration);

  /// A supervisor listens to a call in progress: rtpengine copies both sides to sockets of this
  /// gateway (ng subscribe request/answer); `on_audio` gets every packet's A-law (side 0 the
  /// caller, 1 the lawyer). Returns the lawyer on the call; stop_listening ends it. Both are logged.
  using audio_sink = std::function<void(int side, std::string_view alaw)>;
  boost::asio::awaitable<wire_result<std::string>> listen(const std::string& session_id, const std::string& supervisor,
                                                          std::uint64_t listener, audio_sink on_audio);
  boost::asio::awaitable<void> stop_listening(std::uint64_t listener);

  boost::asio::awaitable<wire_result<v1::RecordingList>> recordings(int limit);
  /// The compressed recording of a session, when there is one.
  std::optional<std::filesystem::path> recording_file(const std::string& session_id) const;

  /// The session id a call-id maps to: the same on every node and every retry ("p…"; chats are "s…").
  static std::string session_id_of(const std::string& callid);
  static bool is_call(std::string_view session_or_offer_id) { return session_or_offer_id.starts_with("p"); }

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace hotline::gateway
