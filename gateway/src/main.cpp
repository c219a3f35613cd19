// `hotline`: one binary, three subcommands.
#include "cli.hpp"

#include <hotline/core/log.hpp>

#include <iostream>

#include <sys/stat.h>

namespace {

const char* const usage = R"(usage: hotline <command> [options]

commands:
  serve    run the gateway (HTTP, WebSockets, routing sweeper); starts an embedded Redis
           when no Redis address is configured
  admin    manage accounts of a running system:
             admin list
             admin create --username U --role LAWYER|SUPERVISOR|ADMIN [--name N] [--password P]
                          [--categories a,b] [--backup-categories c] [--languages zh,en] [--chat-capacity 3]
             admin disable --username U        admin enable --username U
             admin set-role --username U --role LAWYER|SUPERVISOR|ADMIN
             admin set-password --username U [--password P]
                          (disable, set-role and set-password sign the account out everywhere at once)
             admin set-skills --username U [--categories a,b] [--backup-categories c] [--languages zh] [--chat-capacity 3]
             admin set-sip-password --username U [--password P]   the lawyer's softphone password
                          (only its digest hash is stored; generated and printed when not given)
             admin verify    check routing's invariants (exit 1 and list what is broken)
  report   the figures of a period, from the archive and the live sessions:
             report [summary] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--group-by PERIOD[,DIMENSION]]
                    [--format text|json|csv]      PERIOD hour|day|week|month|quarter|year,
                                                  DIMENSION channel|category|language|lawyer|priority
             report disclosure [--year YYYY] [--format md|html|json]   the annual disclosure section
             report staffing [--from D] [--to D] [--format text|json]  lawyers needed per hour (Erlang C/A)
             report rebuild --from D --to D [--write]   recount the day counters, print every difference
  phone-config [--out DIR]   write the Kamailio and rtpengine configurations for hotline.toml's
           [phone] section (default DIR <data-dir>/phone) and print their paths
  simulate book simulated traffic through the real scripts and archive it (demo history, benchmarks):
             simulate --from YYYY-MM-DD --to YYYY-MM-DD [--per-day 180] [--lawyers 6] [--seed 1]

options (every command):
  --config FILE      configuration file (or $HOTLINE_CONFIG; default deploy/hotline.toml)
  --port N           HTTP port, 0 for any free one (or $HOTLINE_PORT)
  --listen ADDR      address to bind (or $HOTLINE_LISTEN)
  --redis ADDR       host:port or unix:/path (or $HOTLINE_REDIS); empty = embedded
  --data-dir DIR     data directory (or $HOTLINE_DATA_DIR)
  --web-root DIR     the pages to serve (or $HOTLINE_WEB_ROOT)
  --no-phone         serve without the phone channel (no evapi, no DTMF socket, /cti/ answers 404)
  --demo-accounts    serve: create the demo accounts on the first run (the local demo of run.sh)
  --archive URL      sqlite:<path> or postgresql://… (or $HOTLINE_ARCHIVE_URL); default <data-dir>/archive.db
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace hotline::gateway;
  // Everything the system writes (archive, recordings, rendered configs with secrets, logs) is
  // its own: nobody else on the machine reads callers' data.
  ::umask(077);
  cli_args args;
  std::string error;
  if (!parse_cli(argc, argv, args, error)) {
    std::cerr << "hotline: " << error << "\n" << usage;
    return 2;
  }
  if (args.option("help") || args.positional.empty()) {
    std::cout << usage;
    return args.positional.empty() && !args.option("help") ? 2 : 0;
  }
  auto config = effective_config(args);
  if (!config) {
    std::cerr << "hotline: " << config.error() << "\n";
    return 2;
  }
  const std::string& command = args.positional.front();
  // The one-shot commands print their results; connection chatter at info level would bury them.
  const bool one_shot = command == "admin" || command == "report" || command == "simulate";
  hotline::core::set_log_level(one_shot && config->log_level == "info" ? "warn" : config->log_level);
  if (command == "serve") return serve_command(args, *config);
  if (command == "admin") return admin_command(args, *config);
  if (command == "report") return report_command(args, *config);
  if (command == "simulate") return simulate_command(args, *config);
  if (command == "phone-config") return phone_config_command(args, *config);
  std::cerr << "hotline: unknown command '" << command << "'\n" << usage;
  return 2;
}
