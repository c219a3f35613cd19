#pragma once
// The files of web/, served by the gateway itself.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <filesystem>
#include <optional>
#include <string_view>

namespace hotline::gateway {

struct static_file {
  std::string body;
  std::string content_type;
};

/// The file under `root` that `target` names ("/" is index.html); nothing for paths that leave
/// the root, hidden files, and files that do not exist.
std::optional<static_file> load_static_file(const std::filesystem::path& root, std::string_view target);

}  // namespace hotline::gateway
