#pragma once
// Comma-separated lists, the form lists take in Redis hashes and on the command line.

#include <string>
#include <string_view>
#include <vector>

namespace hotline::core {

/// "a,b,,c" → {"a", "b", "c"}: empty items are dropped.
std::vector<std::string> split_list(std::string_view text);

/// {"a", "b"} → "a,b"
std::string join_list(const std::vector<std::string>& items);

}  // namespace hotline::core
