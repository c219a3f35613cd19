// The connection loop: connect → hook (scripts or subscriptions) → ready → PING until lost → back off → again.
#include "redis_connection.hpp"

#include "hiredis_asio_adapter.hpp"
#include "hotline/core/log.hpp"
#include "redis_reply_decode.hpp"

#include <hiredis/async.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <optional>
#include <random>

namespace hotline::core {
namespace {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

struct pending_request {
  explicit pending_request(asio::any_io_executor ex) : done(ex) {}
  std::optional<result<redis_value>> outcome;
  asio::steady_timer done;
};

void on_reply(redisAsyncContext*, void* reply, void* privdata) {
  std::unique_ptr<std::shared_ptr<pending_request>> holder(static_cast<std::shared_ptr<pending_request>*>(privdata));
  auto& pending = **holder;
  if (reply)
    pending.outcome = decode_reply(static_cast<redisReply*>(reply));
  else
    pending.outcome = result<redis_value>(errc::connection_lost);
  pending.done.cancel();
}

asio::awaitable<void> sleep_for(clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

redis_connection::redis_connection(asio::any_io_executor executor, redis_options options, connected_hook on_connected,
                                   bool health_check)
    : executor_(executor),
      options_(std::move(options)),
      on_connected_(std::move(on_connected)),
      health_check_(health_check),
      wake_(executor) {}

redis_connection::~redis_connection() { free_context(); }

void redis_connection::start() {
  if (running_) return;
  running_ = true;
  stopped_ = false;
  asio::co_spawn(
      executor_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void redis_connection::stop() {
  stopped_ = true;
  ready_ = false;
  free_context();
  wake_.cancel();
}

void redis_connection::free_context() {
  // Freeing runs every pending callback with a null reply and then the adapter's cleanup.
  if (context_) redisAsyncFree(context_);
  context_ = nullptr;
  connected_ = false;
  ready_ = false;
}

void redis_connection::on_connect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<redis_connection*>(context->data);
  self->connected_ = status == REDIS_OK;
  if (status != REDIS_OK)
    logger("core")->warn("{}: cannot connect to {}: {}", self->options_.name, self->options_.endpoint.to_string(),
                         context->errstr ? context->errstr : "unknown error");
  self->wake_.cancel();
}

void redis_connection::on_disconnect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<redis_connection*>(context->data);
  if (status != REDIS_OK && !self->stopped_)
    logger("core")->warn("{}: connection to {} lost: {}", self->options_.name, self->options_.endpoint.to_string(),
                         context->errstr ? context->errstr : "closed");
}

asio::awaitable<void> redis_connection::run() {
  auto self = shared_from_this();
  auto backoff = options_.backoff_initial;
  std::minstd_rand jitter(std::random_device{}());
  while (!stopped_) {
    if (co_await connect_once()) {
      backoff = options_.backoff_initial;
      logger("core")->info("{}: connected to {}", options_.name, options_.endpoint.to_string());
      co_await stay_connected();
    }
    if (stopped_) break;
    // Full jitter keeps several gateways from reconnecting in lockstep after a Redis restart.
    const auto wait = std::chrono::milliseconds(1 + jitter() % static_cast<unsigned>(backoff.count()));
    co_await sleep_for(wait);
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
  running_ = false;
}

asio::awaitable<bool> redis_connection::connect_once() {
  const auto& ep = options_.endpoint;
  redisAsyncContext* context =
      ep.unix_path.empty() ? redisAsyncConnect(ep.host.c_str(), ep.port) : redisAsyncConnectUnix(ep.unix_path.c_str());
  if (!context) co_return false;
  if (context->err) {
    logger("core")->debug("{}: connect to {} failed: {}", options_.name, ep.to_string(), context->errstr);
    redisAsyncFree(context);
    co_return false;
  }
  context->data = this;
  context_ = context;
  attach_hiredis_to_asio(context, executor_, [this] {
    context_ = nullptr;
    connected_ = false;
    ready_ = false;
    wake_.cancel();
  });
  redisAsyncSetConnectCallback(context, &redis_connection::on_connect);
  redisAsyncSetDisconnectCallback(context, &redis_connection::on_disconnect);

  wake_.expires_after(options_.connect_timeout);
  boost::system::error_code ec;
  co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (!connected_ || stopped_) {
    free_context();
    co_return false;
  }
  if (on_connected_ && !co_await on_connected_()) {
    free_context();
    co_return false;
  }
  if (!context_) co_return false;
  ready_ = true;
  co_return true;
}

asio::awaitable<void> redis_connection::stay_connected() {
  while (context_ && !stopped_) {
    wake_.expires_after(options_.ping_interval);
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!context_ || stopped_ || !health_check_) continue;
    // Named, not a braced list: GCC 12 miscompiles initializer lists inside co_await.
    const std::vector<std::string> ping{"PING"};
    auto pong = co_await request(ping);
    // A server that stopped answering (paused, partitioned) keeps the socket open: drop it ourselves.
    if (!pong && pong.error() == errc::timeout && context_) {
      logger("core")->warn("{}: {} did not answer PING; reconnecting", options_.name, options_.endpoint.to_string());
      free_context();
    }
  }
  ready_ = false;
}

bool redis_connection::send(const std::vector<std::string>& command, reply_callback callback, void* privdata) {
  if (!context_ || !connected_) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(command.size());
  lengths.reserve(command.size());
  for (const auto& part : command) {
    argv.push_back(part.data());
    lengths.push_back(part.size());
  }
  const bool sent = redisAsyncCommandArgv(context_, callback, privdata, static_cast<int>(argv.size()), argv.data(),
                                         lengths.data()) == REDIS_OK;
  if (sent) ++commands_sent_;
  return sent;
}

asio::awaitable<result<redis_value>> redis_connection::request(const std::vector<std::string>& command,
                                                               bool before_ready) {
  auto self = shared_from_this();
  const auto deadline = clock::now() + options_.request_timeout;
  while (!(before_ready ? (connected_ && context_ != nullptr) : ready_.load())) {
    if (stopped_) co_return errc::stopped;
    const auto now = clock::now();
    if (now >= deadline) co_return errc::not_connected;
    co_await sleep_for(std::min<clock::duration>(deadline - now, std::chrono::milliseconds(10)));
  }
  auto pending = std::make_shared<pending_request>(executor_);
  auto* holder = new std::shared_ptr<pending_request>(pending);
  if (!send(command, &on_reply, holder)) {
    delete holder;
    co_return errc::connection_lost;
  }
  pending->done.expires_at(deadline);
  const auto sent = clock::now();
  boost::system::error_code ec;
  if (!pending->outcome) co_await pending->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (!pending->outcome) co_return errc::timeout;
  durations_.observe(std::chrono::duration<double>(clock::now() - sent).count());
  co_return std::move(*pending->outcome);
}

}  // namespace hotline::core
