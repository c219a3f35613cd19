// redis_subscriber: SUBSCRIBE on its own connection, renewed by the connected hook after every reconnect.
#include "hotline/core/redis_subscriber.hpp"

#include "redis_connection.hpp"
#include "redis_reply_decode.hpp"

#include <hiredis/async.h>

#include <set>

namespace hotline::core {

namespace asio = boost::asio;

struct redis_subscriber::state {
  message_handler on_message;
  subscribed_handler on_subscribed;
  std::set<std::string> channels;
  std::shared_ptr<redis_connection> connection;

  ~state() {
    // Frees the context while this state (the callbacks' privdata) is still alive.
    if (connection) connection->stop();
  }

  // hiredis keeps a subscription's callback for every message on that channel.
  static void on_reply(redisAsyncContext*, void* reply, void* privdata) {
    if (!reply) return;
    auto* self = static_cast<state*>(privdata);
    const redis_value value = decode_reply(static_cast<redisReply*>(reply));
    const auto kind = value.at(0).as_string();
    if (!kind) return;
    if (*kind == "message") {
      if (self->on_message) self->on_message(value.at(1).text, value.at(2).text);
    } else if (*kind == "subscribe") {
      if (self->on_subscribed) self->on_subscribed(value.at(1).text);
    }
  }

  void send_subscribe(const std::string& channel) { connection->send({"SUBSCRIBE", channel}, &state::on_reply, this); }
};

namespace {

// A plain coroutine function, not a capturing lambda: GCC 12 mishandles coroutine lambdas' captures.
asio::awaitable<bool> subscribe_all(std::weak_ptr<redis_subscriber::state> weak) {
  auto self = weak.lock();
  if (!self) co_return false;
  for (const auto& channel : self->channels) self->send_subscribe(channel);
  co_return true;
}

}  // namespace

redis_subscriber::redis_subscriber(asio::any_io_executor executor, redis_options options, message_handler on_message,
                                   subscribed_handler on_subscribed)
    : state_(std::make_shared<state>()) {
  state_->on_message = std::move(on_message);
  state_->on_subscribed = std::move(on_subscribed);
  std::weak_ptr<state> weak = state_;
  auto resubscribe = [weak] { return subscribe_all(weak); };
  options.name += "-pubsub";
  // No PING health check: a subscribed RESP2 connection cannot take ordinary commands.
  state_->connection = std::make_shared<redis_connection>(executor, std::move(options), std::move(resubscribe), false);
}

redis_subscriber::~redis_subscriber() = default;

void redis_subscriber::subscribe(std::string channel) {
  if (!state_->channels.insert(channel).second) return;
  if (state_->connection->ready()) state_->send_subscribe(channel);
}

void redis_subscriber::start() { state_->connection->start(); }

void redis_subscriber::stop() { state_->connection->stop(); }

bool redis_subscriber::ready() const { return state_->connection->ready(); }

}  // namespace hotline::core
