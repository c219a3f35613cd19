// Picks the archive implementation from the configured URL.
#include <hotline/stats/archive.hpp>

namespace hotline::stats {

archive_result<std::unique_ptr<archive_store>> open_archive(std::string_view url,
                                                            const std::filesystem::path& data_dir) {
  if (url.empty()) return open_sqlite_archive(data_dir / "archive.db");
  if (url.starts_with("sqlite:")) return open_sqlite_archive(std::filesystem::path(url.substr(7)));
  if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
    return open_postgres_archive(std::string(url));
  return boost::system::result<std::unique_ptr<archive_store>, std::string>(
      boost::system::in_place_error, "archive.url must be empty, sqlite:<path> or postgresql://…");
}

}  // namespace hotline::stats
