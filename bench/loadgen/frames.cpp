// Client frame text and server frame fields; the one translation unit that compiles Boost.JSON.
#include "frames.hpp"

#include <boost/json/src.hpp>

namespace loadgen {

namespace json = boost::json;

namespace {

std::string_view string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return {};
  const auto& s = v->get_string();
  return std::string_view(s.data(), s.size());
}

void assign(std::string& to, std::string_view from) { to.assign(from.data(), from.size()); }

}  // namespace

frame_parser::frame_parser() : memory_(arena_, sizeof arena_), parser_(json::storage_ptr(), json::parse_options()) {}

bool frame_parser::parse(std::string_view text, server_frame& out) {
  // Cleared field by field: the strings keep their capacity from frame to frame.
  out.kind = frame_kind::other;
  for (auto* field : {&out.request_id, &out.session_id, &out.state, &out.from, &out.offer_id, &out.error})
    field->clear();
  memory_.release();
  parser_.reset(json::storage_ptr(&memory_));
  boost::system::error_code ec;
  parser_.write(text.data(), text.size(), ec);
  if (ec) return false;
  const json::value value = parser_.release();
  if (!value.is_object()) return false;
  const auto& frame = value.get_object();
  assign(out.request_id, string_at(frame, "requestId"));
  // Every server frame is {"requestId":…, "<kind>":{…}}: the kind is the one other key.
  for (const auto& [key, body] : frame) {
    if (key == "requestId" || !body.is_object()) continue;
    const auto& o = body.get_object();
    if (key == "session" || key == "sessionState") {
      out.kind = key == "session" ? frame_kind::session : frame_kind::session_state;
      assign(out.session_id, string_at(o, "sessionId"));
      assign(out.state, string_at(o, "state"));
    } else if (key == "chat") {
      out.kind = frame_kind::chat;
      assign(out.session_id, string_at(o, "sessionId"));
      assign(out.from, string_at(o, "from"));
    } else if (key == "offer") {
      out.kind = frame_kind::offer;
      assign(out.session_id, string_at(o, "sessionId"));
      assign(out.offer_id, string_at(o, "offerId"));
    } else if (key == "error") {
      out.kind = frame_kind::error;
      out.error.append(string_at(o, "code")).append(": ").append(string_at(o, "message"));
    } else if (key == "agentState") {
      out.kind = frame_kind::agent_state;
    }
  }
  return true;
}

namespace client_frame {

namespace {

// Request ids and ids from the gateway are plain ASCII; chat texts are our own constants. Nothing
// needs escaping.
void open(std::string& out, std::string_view request_id, std::string_view kind) {
  out.clear();
  out.append(R"({"requestId":")").append(request_id).append(R"(",")").append(kind).append(R"(":)");
}

}  // namespace

void start(std::string& out, std::string_view request_id, std::string_view category) {
  open(out, request_id, "start");
  out.append(R"({"category":")").append(category).append(R"(","language":"zh"}})");
}

void chat(std::string& out, std::string_view request_id, std::string_view session_id, std::string_view text) {
  open(out, request_id, "chat");
  out.append("{");
  if (!session_id.empty()) out.append(R"("sessionId":")").append(session_id).append(R"(",)");
  out.append(R"("text":")").append(text).append(R"("}})");
}

void rate(std::string& out, std::string_view request_id) {
  open(out, request_id, "rate");
  out.append(R"({"rating":"SATISFIED"}})");
}

void caller_end(std::string& out, std::string_view request_id) {
  open(out, request_id, "end");
  out.append("{}}");
}

void set_available(std::string& out, std::string_view request_id) {
  open(out, request_id, "setStatus");
  out.append(R"({"status":"AVAILABLE"}})");
}

void accept(std::string& out, std::string_view request_id, std::string_view offer_id) {
  open(out, request_id, "accept");
  out.append(R"({"offerId":")").append(offer_id).append(R"("}})");
}

void lawyer_end(std::string& out, std::string_view request_id, std::string_view session_id) {
  open(out, request_id, "end");
  out.append(R"({"sessionId":")").append(session_id).append(R"("}})");
}

void wrap_up(std::string& out, std::string_view request_id, std::string_view session_id) {
  open(out, request_id, "wrapUp");
  out.append(R"({"sessionId":")")
      .append(session_id)
      .append(R"(","type":"CONSULTATION","category":"consult.marriage","outcome":"RESOLVED","note":"已解答抚养权问题"}})");
}

}  // namespace client_frame

std::string login_body(std::string_view username, std::string_view password) {
  std::string out = R"({"username":")";
  out.append(username).append(R"(","password":")").append(password).append(R"("})");
  return out;
}

std::string body_field(std::string_view body, std::string_view key) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return {};
  return std::string(string_at(value.get_object(), key));
}

}  // namespace loadgen
