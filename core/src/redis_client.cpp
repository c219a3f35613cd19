// redis_client: requests and scripts over one redis_connection.
#include "hotline/core/redis_client.hpp"

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

namespace {

// A plain coroutine function, not a capturing lambda: GCC 12 mishandles coroutine lambdas' captures.
asio::awaitable<bool> load_libraries(std::shared_ptr<redis_connection> connection, std::vector<lua_library> libraries,
                                     bool before_ready) {
  for (const auto& library : libraries) {
    const std::vector<std::string> load{"FUNCTION", "LOAD", "REPLACE", library.source};
    auto loaded = co_await connection->request(load, before_ready);
    if (!loaded || loaded->is_error() || loaded->as_string() != library.name) {
      logger("core")->error("{}: cannot load function library {}: {}", connection->options().name, library.name,
                            loaded ? loaded->text : loaded.error().message());
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<bool> load_on_connect(std::weak_ptr<redis_connection> target, std::vector<lua_library> libraries) {
  auto connection = target.lock();
  if (!connection) co_return false;
  co_return co_await load_libraries(std::move(connection), std::move(libraries), true);
}

}  // namespace

redis_client::redis_client(asio::any_io_executor executor, redis_options options, std::vector<lua_library> libraries)
    : libraries_(std::move(libraries)) {
  // The hook reaches the connection through a weak pointer: the connection owns the hook.
  auto hook_target = std::make_shared<std::weak_ptr<redis_connection>>();
  auto hook = [hook_target, libraries = libraries_] { return load_on_connect(*hook_target, libraries); };
  connection_ = std::make_shared<redis_connection>(executor, std::move(options), std::move(hook), true);
  *hook_target = connection_;
}

redis_client::~redis_client() { connection_->stop(); }

void redis_client::start() { connection_->start(); }

void redis_client::stop() { connection_->stop(); }

bool redis_client::ready() const { return connection_->ready(); }

std::uint64_t redis_client::commands_sent() const { return connection_->commands_sent(); }

const histogram& redis_client::request_durations() const { return connection_->durations(); }

asio::awaitable<result<redis_value>> redis_client::exec(std::vector<std::string> command) {
  auto connection = connection_;
  co_return co_await connection->request(command);
}

asio::awaitable<result<redis_value>> redis_client::fcall(const std::string& function,
                                                         const std::vector<std::string>& keys,
                                                         const std::vector<std::string>& args) {
  auto connection = connection_;
  std::vector<std::string> command;
  command.reserve(3 + keys.size() + args.size());
  command.emplace_back("FCALL");
  command.push_back(function);
  command.push_back(std::to_string(keys.size()));
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  auto reply = co_await connection->request(command);
  if (reply && reply->is_error() && reply->text.starts_with("ERR Function not found")) {
    if (!co_await load_libraries(connection, libraries_, false)) co_return reply;
    reply = co_await connection->request(command);
  }
  co_return reply;
}

}  // namespace hotline::core
