#pragma once
// The generator's command line: what to run against and how big each phase is.

#include <chrono>
#include <string>
#include <vector>

namespace loadgen {

struct options {
  std::string hotline;                      ///< the `hotline` binary (required)
  std::string redis_server = "redis-server";
  bool smoke = false;                       ///< tiny sizes for the ctest; failures make the exit status 1
  std::string json_file;                    ///< also write the figures here
  std::string peer_json;                    ///< the BullMQ benchmark's line, printed beside ours

  int lawyers = 60;
  int capacity = 3;                         ///< chats each lawyer takes at once
  int threads = 0;                          ///< the gateway's [server] threads (0: one per core)
  int callers = 50;                         ///< concurrent callers of the closed loop
  double seconds = 10;                      ///< measured part of each closed loop
  double warmup_seconds = 1;
  std::vector<int> paced_rates{100, 1000};  ///< consultations per second, open loop
  double paced_seconds = 3;
  int idle = 20000;                         ///< idle caller sockets for the memory figure
  std::vector<int> waiting{10, 1000, 10000};
  int arrivals = 50;                        ///< arrivals measured at each waiting count (at least)
  int no_load_consultations = 20;
  std::chrono::seconds consultation_timeout{30};
  std::chrono::seconds phase_cap{120};      ///< no phase runs longer; what it reached is printed
};

/// Fills `out` from argv (`--smoke` first sets the small sizes, explicit sizes still win).
/// Returns an error message, or "" when the options are good.
std::string parse_options(int argc, char** argv, options& out);

/// The usage text printed for --help and after an error.
const char* usage();

}  // namespace loadgen
