// redis_client: requests and scripts over one redis_connection.
#include "hotline/core/redis_client.hpp"

#include "hotline/core/ids.hpp"
#include "hotline/core/log.hpp"
#include "redis_connection.hpp"

#include <charconv>

namespace hotline::core {

namespace asio = boost::asio;

boost::system::result<redis_endpoint, std::string> redis_endpoint::parse(std::string_view address) {
  // In-place: C++20 lets a std::string construct the aggregate itself, which makes plain returns ambiguous.
  auto fail = [](std::string message) {
    return boost::system::result<redis_endpoint, std::string>(boost::system::in_place_error, std::move(message));
  };
  redis_endpoint ep;
  if (address.starts_with("unix:")) {
    ep.unix_path = std::string(address.substr(5));
    if (ep.unix_path.empty()) return fail("a unix: address needs a socket path");
    return ep;
  }
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == address.size())
    return fail("Redis address '" + std::string(address) + "' is not host:port or unix:/path");
  std::string_view host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto port_text = address.substr(colon + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port <= 0 || port > 65535 || host.empty())
    return fail("Redis address '" + std::string(address) + "' is not host:port or unix:/path");
  ep.host = std::string(host);
  ep.port = port;
  return ep;
}

std::string redis_endpoint::to_string() const {
  if (!unix_path.empty()) return "unix:" + unix_path;
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

lua_script::lua_script(std::string script_name, std::string script_source)
    : name(std::move(script_name)), source(std::move(script_source)), sha1(sha1_hex(source)) {}

namespace {

// A plain coroutine function, not a capturing lambda: GCC 12 mishandles coroutine lambdas' captures.
asio::awaitable<bool> load_scripts(std::weak_ptr<redis_connection> target, std::vector<lua_script> scripts) {
  auto connection = target.lock();
  if (!connection) co_return false;
  for (const auto& script : scripts) {
    const std::vector<std::string> load{"SCRIPT", "LOAD", script.source};
    auto loaded = co_await connection->request(load, true);
    if (!loaded || loaded->is_error() || loaded->as_string() != script.sha1) {
      logger("core")->error("{}: cannot load script {}: {}", connection->options().name, script.name,
                            loaded ? loaded->text : loaded.error().message());
      co_return false;
    }
  }
  co_return true;
}

}  // namespace

redis_client::redis_client(asio::any_io_executor executor, redis_options options, std::vector<lua_script> scripts)
    : scripts_(std::move(scripts)) {
  // The hook reaches the connection through a weak pointer: the connection owns the hook.
  auto hook_target = std::make_shared<std::weak_ptr<redis_connection>>();
  auto hook = [hook_target, scripts = scripts_] { return load_scripts(*hook_target, scripts); };
  connection_ = std::make_shared<redis_connection>(executor, std::move(options), std::move(hook), true);
  *hook_target = connection_;
}

redis_client::~redis_client() { connection_->stop(); }

void redis_client::start() { connection_->start(); }

void redis_client::stop() { connection_->stop(); }

bool redis_client::ready() const { return connection_->ready(); }

asio::awaitable<result<redis_value>> redis_client::exec(std::vector<std::string> command) {
  auto connection = connection_;
  co_return co_await connection->request(command);
}

asio::awaitable<result<redis_value>> redis_client::eval(const lua_script& script, const std::vector<std::string>& keys,
                                                        const std::vector<std::string>& args) {
  auto connection = connection_;
  std::vector<std::string> command{"EVALSHA", script.sha1, std::to_string(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  auto reply = co_await connection->request(command);
  if (reply && reply->is_error() && reply->text.starts_with("NOSCRIPT")) {
    // The server lost its script cache (SCRIPT FLUSH, or a restart between our PINGs).
    const std::vector<std::string> load{"SCRIPT", "LOAD", script.source};
    auto loaded = co_await connection->request(load);
    if (!loaded) co_return loaded;
    reply = co_await connection->request(command);
  }
  co_return reply;
}

}  // namespace hotline::core
