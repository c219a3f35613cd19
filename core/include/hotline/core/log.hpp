#pragma once
// Named loggers, one per module, and the one formatter that keeps phone numbers out of logs.

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>

namespace hotline::core {

/// The logger of a module ("core", "queue", "gateway", …), created on first use; all share one sink.
std::shared_ptr<spdlog::logger> logger(const std::string& module);

/// Sets the level of every module's logger ("debug", "info", "warn", …).
void set_log_level(std::string_view level);

/// Masks runs of 11+ digits to first 3 and last 4 (138****5678), runs of 7-10 to last 4 (***1234),
/// so a caller's number never reaches a log line whole.
std::string mask_phone_numbers(std::string_view text);

/// What every log line goes through on its way out (the sink applies it, whoever logs): phone and
/// resident ID numbers masked (mask_phone_numbers; an ID's trailing X goes too), and control
/// characters written as \n, \r, \t or \xHH, so user input can never forge or break a line.
std::string sanitize_log_text(std::string_view text);

}  // namespace hotline::core
