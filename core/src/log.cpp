// spdlog setup: a shared stderr sink and a logger per module.
#include "hotline/core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <spdlog/sinks/base_sink.h>

#include <cctype>
#include <cstdio>
#include <mutex>

namespace hotline::core {
namespace {

std::mutex registry_mutex;
spdlog::level::level_enum current_level = spdlog::level::info;

// Hands every message to stderr sanitized: one place, so no log call can forget it.
class sanitizing_sink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto clean = sanitize_log_text(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg);
    copy.payload = spdlog::string_view_t(clean.data(), clean.size());
    out_.log(copy);
  }
  void flush_() override { out_.flush(); }
  void set_pattern_(const std::string& pattern) override { out_.set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override { out_.set_formatter(std::move(formatter)); }

 private:
  spdlog::sinks::stderr_color_sink_st out_;
};

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& module) {
  std::lock_guard lock(registry_mutex);
  if (auto existing = spdlog::get(module)) return existing;
  static auto sink = std::make_shared<sanitizing_sink>();
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

std::string sanitize_log_text(std::string_view text) {
  std::string masked = mask_phone_numbers(text);
  std::string out;
  out.reserve(masked.size());
  for (std::size_t i = 0; i < masked.size(); ++i) {
    const auto c = static_cast<unsigned char>(masked[i]);
    // A resident ID's check character after its masked digits: "110**********1234X".
    if ((c == 'X' || c == 'x') && i >= 5 && masked[i - 5] == '*' && std::isdigit(static_cast<unsigned char>(masked[i - 1]))) {
      out += '*';
      continue;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace hotline::core
