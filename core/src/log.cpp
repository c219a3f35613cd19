// spdlog setup: a shared stderr sink and a logger per module.
#include "hotline/core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <mutex>

namespace hotline::core {
namespace {

std::mutex registry_mutex;
spdlog::level::level_enum current_level = spdlog::level::info;

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& module) {
  std::lock_guard lock(registry_mutex);
  if (auto existing = spdlog::get(module)) return existing;
  static auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto created = std::make_shared<spdlog::logger>(module, sink);
  created->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  created->set_level(current_level);
  spdlog::register_logger(created);
  return created;
}

void set_log_level(std::string_view level) {
  std::lock_guard lock(registry_mutex);
  current_level = spdlog::level::from_str(std::string(level));
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(current_level); });
}

std::string mask_phone_numbers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    const std::size_t length = end - i;
    if (length >= 11) {
      out.append(text.substr(i, 3));
      out.append(length - 7, '*');
      out.append(text.substr(end - 4, 4));
    } else if (length >= 7) {
      // Landline-length numbers: too short to show both ends and still hide the subscriber.
      out.append(length - 4, '*');
      out.append(text.substr(end - 4, 4));
    } else {
      out.append(text.substr(i, length));
    }
    i = end;
  }
  return out;
}

}  // namespace hotline::core
