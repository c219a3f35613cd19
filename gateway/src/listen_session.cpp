#include "listen_session.hpp"

#include "phone_service.hpp"

namespace hotline::gateway {

namespace asio = boost::asio;

listen_session::listen_session(websocket_stream stream, gateway_context& context, std::string log_id,
                               std::string pass, std::string session_id)
    : framed_session(std::move(stream), context, std::move(log_id)),
      pass_(std::move(pass)),
      session_id_(std::move(session_id)) {}

asio::awaitable<void> listen_session::on_open() {
  std::vector<v1::Role> allowed{v1::SUPERVISOR, v1::ADMIN};
  auto who = co_await authenticate(pass_, std::move(allowed), "listening to calls is for supervisors and admins");
  if (!who) co_return;
  const auto id = context_.next_connection_id++;
  std::weak_ptr<ws_session> self = shared_from_this();
  auto sink = [self](int side, std::string_view alaw) {
    auto session = self.lock();
    if (!session) return;
    v1::ListenServerFrame frame;
    frame.mutable_audio()->set_side(side);
    frame.mutable_audio()->set_alaw(std::string(alaw));
    static_cast<listen_session&>(*session).send(frame);
  };
  auto lawyer = co_await context_.phone->listen(session_id_, who->username, id, std::move(sink));
  if (!lawyer) {
    send_error("", lawyer.error().code, lawyer.error().message);
    close();
    co_return;
  }
  listener_ = id;
  v1::ListenServerFrame frame;
  frame.mutable_started()->set_session_id(session_id_);
  frame.mutable_started()->set_lawyer(*lawyer);
  send(frame);
}

asio::awaitable<void> listen_session::on_frame(std::string_view, frame_encoding) { co_return; }

asio::awaitable<void> listen_session::on_refresh(bool) { co_return; }

asio::awaitable<void> listen_session::on_closed() {
  if (listener_ != 0) co_await context_.phone->stop_listening(listener_);
  listener_ = 0;
}

}  // namespace hotline::gateway
