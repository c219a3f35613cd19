// The phone channel. A call is a PHONE session whose id follows from its call-id; Kamailio asks
// where it goes (route_call), parks it while it waits and reports what happens (call_event). This
// node pushes a parked call back to Kamailio the moment routing reserves a lawyer for it, plays the
// caller their place in line and music while they wait, runs the keypad survey after the talk and
// turns sampled recordings into stereo files.
#include "phone_service.hpp"


#include <hotline/core/ids.hpp>
#include <hotline/core/log.hpp>
#include <hotline/telephony/cti_signature.hpp>
#include <hotline/telephony/deploy_config.hpp>
#include <hotline/telephony/netstring.hpp>
#include <hotline/telephony/ng_client.hpp>
#include <hotline/telephony/recording.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <google/protobuf/util/json_util.h>

#include <array>
#include <charconv>
#include <deque>
#include <map>
#include <set>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace hotline::gateway {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
using telephony::bdict;

namespace {

/// rtpengine's name for the lawyer's side of a waiting call, before any lawyer answers.
constexpr const char* queue_tag = "hotline-queue";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Kamailio's "seconds.microseconds" as milliseconds; 0 when it is not a number.
std::int64_t kamailio_ms(const std::string& ts) {
  std::int64_t seconds = 0;
  const auto dot = ts.find('.');
  const auto whole = ts.substr(0, dot);
  if (std::from_chars(whole.data(), whole.data() + whole.size(), seconds).ec != std::errc()) return 0;
  std::int64_t millis = 0;
  if (dot != std::string::npos) {
    auto fraction = ts.substr(dot + 1, 3);
    while (fraction.size() < 3) fraction += '0';
    std::from_chars(fraction.data(), fraction.data() + fraction.size(), millis);
  }
  return seconds * 1000 + millis;
}

std::string json_of(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

bool parse_json(std::string_view text, google::protobuf::Message& out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(std::string(text), &out, options).ok();
}

/// The caller's number from a From URI, for a callback ticket ("sip:138…@host" → "138…").
std::string number_of(const std::string& uri) {
  auto start = uri.find(':');
  start = start == std::string::npos ? 0 : start + 1;
  const auto end = uri.find_first_of("@;>", start);
  return uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

/// Runs a program and waits for it; off the io thread only.
int run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

struct phone_service::impl : std::enable_shared_from_this<impl> {
  enum class stage { waiting, callback_offered, callback_booked, talking, survey, thanking };

  /// What this node is playing to one caller.
  struct call_media {
    std::string callid;
    std::string ftag;
    std::string skill;
    stage now = stage::waiting;
    int announced_position = 0;
    std::uint64_t generation = 0;  ///< bumped to stop a running prompt sequence
    std::shared_ptr<asio::steady_timer> timer;
  };

  impl(gateway_context& context, asio::any_io_executor executor)
      : context(context),
        log(core::logger("phone")),
        prefix("{" + context.config.centre.id + "}:"),
        executor(executor),
        ng(executor, context.config.phone.rtp_address, context.config.phone.rtpengine_ng_port),
        evapi(executor),
        dtmf(executor),
        housekeeping(executor) {
    auto loaded = telephony::cti_secret(context.config);
    if (loaded) secret = *loaded;
    else log->error("no CTI secret, the CTI API refuses every request: {}", loaded.error());
  }

  const core::phone_config& phone() const { return context.config.phone; }
  std::string call_key(const std::string& sid) const { return prefix + "call:" + sid; }

  /// Kamailio's reports as they arrived, by its clock: the record to reconcile a call's figures
  /// against (Kamailio posts at most once) and what the benchmark times calls by.
  asio::awaitable<void> audit(const std::string& sid, const std::string& what, const std::string& ts,
                              const std::string& lawyer) {
    std::vector<std::string> append{"XADD", prefix + "cti", "MAXLEN", "~", "100000", "*", "session", sid, "what", what,
                                    "ts", ts, "lawyer", lawyer};
    co_await context.redis.exec(std::move(append));
    std::vector<std::string> seen{"HSET", call_key(sid), "seen_ms", std::to_string(now_ms())};
    co_await context.redis.exec(std::move(seen));
  }

  /// Kamailio posts each report at most once: a hang-up lost while the gateway was down would leave
  /// a caller waiting forever (and lawyers rung for nobody). A parked call asks again every
  /// phone.recheck_seconds, so a waiting call unheard of for three rechecks is gone.
  asio::awaitable<void> reap_lost_calls() {
    auto self = shared_from_this();
    const auto silence_ms = std::int64_t(phone().recheck_seconds) * 3000 + 10000;
    while (!stopped) {
      asio::steady_timer pause(executor, std::chrono::seconds(phone().recheck_seconds));
      boost::system::error_code ec;
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      auto snapshot = co_await context.queue.snapshot();
      if (!snapshot) continue;
      for (const auto& s : snapshot->sessions) {
        if (s.channel != v1::PHONE || (s.state != v1::QUEUED && s.state != v1::OFFERED)) continue;
        std::vector<std::string> read_seen{"HGET", call_key(s.id), "seen_ms"};
        auto seen = co_await context.redis.exec(std::move(read_seen));
        const auto last = seen ? seen->as_integer().value_or(0) : 0;
        if (now_ms() - last < silence_ms) continue;
        const std::string reason = "call_lost";
        auto ended = co_await context.queue.end_waiting_call(s.id, reason, "cti-lost:" + s.id);
        if (ended) log->warn("call {}: nothing from Kamailio for {} s; booked as lost", s.id, (now_ms() - last) / 1000);
        forget_media(s.id);
      }
    }
  }

  // ---- prompts ----

  std::string prompt(const std::string& name) const {
    if (!phone().prompts_dir.empty()) {
      const auto own = std::filesystem::path(phone().prompts_dir) / name;
      if (std::filesystem::exists(own)) return std::filesystem::absolute(own).string();
    }
    return (std::filesystem::path(HOTLINE_PROMPTS_DIR) / name).string();
  }

  std::vector<std::string> position_prompts(const queue::session_view& session, bool intro) const {
    std::vector<std::string> files;
    if (intro) files.push_back(prompt("queue_intro.mp3"));
    const int position = std::max(1, session.position);
    files.push_back(prompt(position > 30 ? "position_many.mp3" : "position_" + std::to_string(position) + ".mp3"));
    const int minutes = (context.queue.estimated_wait_seconds(session) + 59) / 60;
    files.push_back(prompt(minutes <= 0 ? "wait_soon.mp3" : "wait_" + std::to_string(std::min(minutes, 30)) + ".mp3"));
    return files;
  }

  // ---- rtpengine ----

  asio::awaitable<boost::system::result<bdict, std::string>> ng_command(bdict request) {
    const auto command = telephony::text_of(request, "command");
    auto reply = co_await ng.command(std::move(request));
    if (!reply) log->warn("rtpengine {}: {}", command, reply.error());
    co_return reply;
  }

  /// The caller-facing SDP of a waiting call: rtpengine is told the placeholder "lawyer" answered,
  /// so the caller gets media (announcements, music) now and the real lawyer later on the same port.
  asio::awaitable<std::string> placeholder_sdp(const std::string& callid, const std::string& ftag) {
    const std::string dummy =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=hotline\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        "m=audio 9 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
        "a=fmtp:101 0-15\r\na=sendrecv\r\n";
    bdict request{{"command", "answer"},
                  {"call-id", callid},
                  {"from-tag", ftag},
                  {"to-tag", queue_tag},
                  {"sdp", dummy},
                  {"replace", telephony::blist{"origin", "session-connection"}},
                  {"ICE", "remove"}};
    auto reply = co_await ng_command(std::move(request));
    co_return reply ? telephony::text_of(*reply, "sdp") : std::string();
  }

  /// Plays files one after another; false when something newer took over the caller's ear.
  asio::awaitable<bool> play(const std::string& sid, std::uint64_t generation, std::vector<std::string> files) {
    for (const auto& file : files) {
      auto found = media.find(sid);
      if (found == media.end() || found->second.generation != generation) co_return false;
      bdict request{{"command", "play media"},
                    {"call-id", found->second.callid},
                    {"from-tag", found->second.ftag},
                    {"file", file}};
      auto reply = co_await ng_command(std::move(request));
      const auto duration = reply ? telephony::integer_of(*reply, "duration", 3000) : 0;
      found = media.find(sid);
      if (found == media.end() || found->second.generation != generation) co_return false;
      // rtpengine plays one file at a time: the next starts when this one has played.
      auto timer = found->second.timer;
      timer->expires_after(std::chrono::milliseconds(duration + 150));
      boost::system::error_code ec;
      co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    auto found = media.find(sid);
    co_return found != media.end() && found->second.generation == generation;
  }

  asio::awaitable<void> play_music(const std::string& sid, std::uint64_t generation) {
    auto found = media.find(sid);
    if (found == media.end() || found->second.generation != generation) co_return;
    bdict request{{"command", "play media"},
                  {"call-id", found->second.callid},
                  {"from-tag", found->second.ftag},
                  {"file", prompt("music.mp3")},
                  {"repeat-times", 1000}};
    co_await ng_command(std::move(request));
  }

  /// Stops whatever this caller hears and returns the generation of what comes next.
  std::uint64_t take_over(call_media& m, stage next) {
    m.now = next;
    ++m.generation;
    m.timer->cancel();
    return m.generation;
  }

  call_media& media_for(const std::string& sid, const std::string& callid, const std::string& ftag) {
    auto& m = media[sid];
    if (!m.timer) m.timer = std::make_shared<asio::steady_timer>(executor);
    if (!callid.empty()) m.callid = callid;
    if (!ftag.empty()) m.ftag = ftag;
    return m;
  }

  void forget_media(const std::string& sid) {
    auto found = media.find(sid);
    if (found == media.end()) return;
    found->second.timer->cancel();
    media.erase(found);
  }

  asio::awaitable<void> announce(std::string sid, bool intro) {
    auto session = co_await context.queue.session(sid);
    if (!session || session->state != v1::QUEUED) co_return;
    auto found = media.find(sid);
    if (found == media.end() || found->second.now != stage::waiting) co_return;
    found->second.skill = session->category + ":" + session->language;
    found->second.announced_position = session->position;
    const auto generation = take_over(found->second, stage::waiting);
    if (co_await play(sid, generation, position_prompts(*session, intro))) co_await play_music(sid, generation);
  }

  asio::awaitable<void> offer_callback(std::string sid) {
    auto found = media.find(sid);
    if (found == media.end() || found->second.now != stage::waiting) co_return;
    const auto generation = take_over(found->second, stage::callback_offered);
    std::vector<std::string> files{prompt("callback_offer.mp3")};
    if (co_await play(sid, generation, std::move(files))) co_await play_music(sid, generation);
  }

  asio::awaitable<void> book_callback(std::string sid) {
    auto found = media.find(sid);
    if (found == media.end()) co_return;
    const auto generation = take_over(found->second, stage::callback_booked);
    std::vector<std::string> read_caller{"HGET", call_key(sid), "caller"};
    auto call = co_await context.redis.exec(std::move(read_caller));
    std::string caller;
    if (call) caller = call->as_string().value_or(std::string());
    queue::leave_message_request request{sid, v1::CALLBACK, number_of(caller), std::string("电话预约回拨")};
    auto ticket = co_await context.queue.leave_message(request, "cti-callback:" + sid);
    if (!ticket) log->warn("call {}: callback not booked: {}", sid, ticket.error().message());
    const std::string outcome = ticket ? std::string("callback_done.mp3") : std::string("closed.mp3");
    std::vector<std::string> files{prompt(outcome)};
    co_await play(sid, generation, std::move(files));
    // The INVITE is still parked: asked again, routing answers with the reject that ends it.
    const std::string reason = "callback";
    co_await resume_parked(sid, reason);
  }

  asio::awaitable<void> run_survey(std::string sid) {
    auto found = media.find(sid);
    if (found == media.end()) co_return;
    const auto generation = take_over(found->second, stage::survey);
    std::vector<std::string> files{prompt("survey.mp3")};
    if (!co_await play(sid, generation, std::move(files))) co_return;
    found = media.find(sid);
    auto timer = found->second.timer;
    timer->expires_after(std::chrono::seconds(phone().survey_seconds));
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    found = media.find(sid);
    if (found == media.end() || found->second.generation != generation) co_return;
    const std::string outcome = "NO_INPUT";
    auto booked = co_await context.queue.survey_unrated(sid, outcome, "cti-survey:" + sid);
    if (!booked) log->warn("call {}: no-digit survey not booked: {}", sid, booked.error().message());
    co_await end_call(sid);
  }

  asio::awaitable<void> thank_and_end(std::string sid) {
    auto found = media.find(sid);
    if (found == media.end()) co_return;
    const auto generation = take_over(found->second, stage::thanking);
    std::vector<std::string> files{prompt("thanks.mp3")};
    if (co_await play(sid, generation, std::move(files))) co_await end_call(sid);
  }

  /// Asks Kamailio to hang up on the caller (the survey is over).
  asio::awaitable<void> end_call(const std::string& sid) {
    std::vector<std::string> read_call{"HGETALL", call_key(sid)};
    auto call = co_await context.redis.exec(std::move(read_call));
    if (!call) co_return;
    v1::EvapiMessage message;
    message.set_event("end_call");
    message.set_callid(call->field("callid").text);
    message.set_ftag(call->field("ftag").text);
    message.set_ttag(call->field("ttag").text);
    send_evapi(message);
  }

  // ---- evapi ----

  void send_evapi(const v1::EvapiMessage& message) {
    outbox.push_back(telephony::netstring(json_of(message)));
    if (outbox.size() == 1 && evapi.is_open()) asio::co_spawn(executor, flush_evapi(), asio::detached);
  }

  asio::awaitable<void> flush_evapi() {
    auto self = shared_from_this();
    while (!outbox.empty() && evapi.is_open()) {
      boost::system::error_code ec;
      co_await asio::async_write(evapi, asio::buffer(outbox.front()), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        log->warn("evapi write: {}", ec.message());
        evapi.close(ec);
        co_return;
      }
      outbox.pop_front();
    }
  }

  asio::awaitable<void> evapi_loop() {
    auto self = shared_from_this();
    const tcp::endpoint kamailio(asio::ip::make_address(phone().sip_address),
                                 static_cast<unsigned short>(phone().evapi_port));
    bool warned = false;
    while (!stopped) {
      boost::system::error_code ec;
      evapi = tcp::socket(executor);
      co_await evapi.async_connect(kamailio, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!warned) log->warn("Kamailio's evapi at {} is not reachable yet ({}); retrying", phone().evapi_port, ec.message());
        warned = true;
        housekeeping.expires_after(std::chrono::seconds(1));
        co_await housekeeping.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      warned = false;
      evapi.set_option(tcp::no_delay(true), ec);
      log->info("connected to Kamailio's evapi on port {}", phone().evapi_port);
      // Pushes missed while disconnected: offered calls that are parked get theirs now.
      asio::co_spawn(executor, resume_all_offered(), asio::detached);
      if (!outbox.empty()) asio::co_spawn(executor, flush_evapi(), asio::detached);
      telephony::netstring_reader reader;
      std::array<char, 8192> buffer{};
      while (!stopped) {
        const auto n = co_await evapi.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        reader.feed(std::string_view(buffer.data(), n));
        while (auto payload = reader.next()) {
          v1::EvapiMessage message;
          if (!parse_json(*payload, message)) {
            log->warn("evapi: not a message: {}", *payload);
            continue;
          }
          co_await on_evapi(message);
        }
        if (reader.broken()) {
          log->warn("evapi: malformed netstring; reconnecting");
          break;
        }
      }
      evapi.close(ec);
      if (!stopped) log->warn("evapi connection lost; reconnecting");
    }
  }

  asio::awaitable<void> on_evapi(const v1::EvapiMessage& message) {
    const auto sid = session_id_of(message.callid());
    if (message.event() == "park") {
      std::vector<std::string> remember_park{"HSET", call_key(sid), "tindex", std::to_string(message.tindex()), "tlabel",
                                   std::to_string(message.tlabel()), "parked", "1"};
      co_await context.redis.exec(std::move(remember_park));
      co_await audit(sid, "park", std::to_string(now_ms() / 1000.0), "");
      auto session = co_await context.queue.session(sid);
      if (!session) co_return;
      if (session->state == v1::OFFERED) {
        co_await resume_parked(sid, session->offer_id);
      } else if (session->state == v1::QUEUED) {
        if (!media.contains(sid)) {
          media_for(sid, message.callid(), message.ftag());
          asio::co_spawn(executor, announce(sid, true), asio::detached);
        }
        if (!session->overflow_reason.empty()) asio::co_spawn(executor, offer_callback(sid), asio::detached);
      } else {
        // Over while it was parked (left a callback, or ended elsewhere): asked again, it is rejected.
        const std::string reason = "ended";
        co_await resume_parked(sid, reason);
      }
    } else if (message.event() == "resume_failed") {
      // Gone (its cancel follows), or between two parks: re-parked, it asks again and is connected then.
      std::vector<std::string> unpark{"HSET", call_key(sid), "parked", "0"};
      co_await context.redis.exec(std::move(unpark));
    }
  }

  /// Pushes a parked call back to Kamailio once per `reason` (the offer id): it asks again at once.
  asio::awaitable<void> resume_parked(const std::string& sid, const std::string& reason) {
    std::vector<std::string> read_call{"HGETALL", call_key(sid)};
    auto call = co_await context.redis.exec(std::move(read_call));
    if (!call || call->field("parked").text != "1") co_return;
    std::vector<std::string> claim_resume{"SET", prefix + "resume:" + sid + ":" + reason, "1", "NX", "PX", "120000"};
    auto first = co_await context.redis.exec(std::move(claim_resume));
    if (!first || first->is_nil()) co_return;
    std::vector<std::string> unpark{"HSET", call_key(sid), "parked", "0"};
    co_await context.redis.exec(std::move(unpark));
    v1::EvapiMessage message;
    message.set_event("resume");
    message.set_callid(call->field("callid").text);
    message.set_tindex(static_cast<std::uint32_t>(call->field("tindex").as_integer().value_or(0)));
    message.set_tlabel(static_cast<std::uint32_t>(call->field("tlabel").as_integer().value_or(0)));
    send_evapi(message);
  }

  asio::awaitable<void> resume_all_offered() {
    auto snapshot = co_await context.queue.snapshot();
    if (!snapshot) co_return;
    for (const auto& s : snapshot->sessions)
      if (s.channel == v1::PHONE && s.state == v1::OFFERED) co_await resume_parked(s.id, s.offer_id);
  }

  // ---- routing hints ----

  asio::awaitable<void> on_session_hint(std::string sid) {
    auto session = co_await context.queue.session(sid);
    if (!session || session->channel != v1::PHONE) co_return;
    auto found = media.find(sid);
    switch (session->state) {
      case v1::OFFERED:
        co_await resume_parked(sid, session->offer_id);
        break;
      case v1::CONNECTED:
        // Kamailio stopped the music at the lawyer's 200 OK; nothing more is played until the survey.
        if (found != media.end() && found->second.now != stage::talking) take_over(found->second, stage::talking);
        break;
      case v1::QUEUED:
        if (found != media.end() && found->second.now == stage::waiting && !session->overflow_reason.empty())
          asio::co_spawn(executor, offer_callback(sid), asio::detached);
        break;
      case v1::ABANDONED:
      case v1::TRANSFERRED:
        forget_media(sid);
        break;
      default:
        break;
    }
  }

  /// A queue moved: every caller waiting in it whose place changed hears the new one.

  // ---- keypad ----

  asio::awaitable<void> dtmf_loop() {
    auto self = shared_from_this();
    std::array<char, 4096> buffer{};
    while (!stopped) {
      udp::endpoint from;
      boost::system::error_code ec;
      const auto n =
          co_await dtmf.async_receive_from(asio::buffer(buffer), from, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !dtmf.is_open()) co_return;
      if (ec) continue;
      v1::DtmfEvent digit;
      if (!parse_json(std::string_view(buffer.data(), n), digit)) {
        log->warn("DTMF: not an event: {}", std::string_view(buffer.data(), n));
        continue;
      }
      co_await on_digit(digit);
    }
  }

  asio::awaitable<void> on_digit(const v1::DtmfEvent& digit) {
    const auto sid = session_id_of(digit.callid());
    auto found = media.find(sid);
    // Only the caller's keys count: the lawyer's phone may send digits too.
    if (found == media.end() || digit.source_tag() != found->second.ftag) co_return;
    log->info("call {}: caller pressed {}", sid, digit.event());
    if (found->second.now == stage::survey) {
      static constexpr v1::Rating ratings[] = {v1::SATISFIED, v1::BASIC_SATISFIED, v1::DISSATISFIED};
      if (digit.event() < 1 || digit.event() > 3) co_return;
      auto rated = co_await context.queue.rate(sid, ratings[digit.event() - 1], "cti-survey:" + sid);
      if (!rated) log->warn("call {}: rating not booked: {}", sid, rated.error().message());
      asio::co_spawn(executor, thank_and_end(sid), asio::detached);
    } else if (found->second.now == stage::callback_offered && digit.event() == 1) {
      asio::co_spawn(executor, book_callback(sid), asio::detached);
    }
  }

  // ---- recordings ----

  std::filesystem::path recordings() const { return telephony::recordings_dir(context.config); }

  /// After the call: rtpengine's pcap of the talk → stereo WAV → MP3, indexed for supervisors.
  asio::awaitable<void> finish_recording(std::string sid, std::string callid, std::string lawyer,
                                         std::string category, std::int64_t started_ms) {
    auto self = shared_from_this();
    std::filesystem::path pcap, metadata;
    // rtpengine names the files by the call-id with '@' and the like percent-encoded.
    std::string escaped;
    for (unsigned char c : callid) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        escaped += static_cast<char>(c);
      } else {
        static constexpr char hex[] = "0123456789ABCDEF";
        escaped += '%';
        escaped += hex[c >> 4];
        escaped += hex[c & 15];
      }
    }
    auto of_call = [&](const std::filesystem::path& file, const std::string& prefix) {
      const auto name = file.filename().string();
      return name.starts_with(prefix + escaped + "-") || name.starts_with(prefix + callid + "-");
    };
    // rtpengine writes the metadata when it forgets the call, just after the hang-up.
    for (int attempt = 0; attempt < 40 && metadata.empty(); ++attempt) {
      asio::steady_timer pause(executor, std::chrono::milliseconds(250));
      boost::system::error_code ec;
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      for (const auto& entry : std::filesystem::directory_iterator(recordings() / "pcaps", ec))
        if (of_call(entry.path(), "")) pcap = entry.path();
      for (const auto& entry : std::filesystem::directory_iterator(recordings() / "metadata", ec))
        if (of_call(entry.path(), "rtpengine-meta-")) metadata = entry.path();
    }
    if (pcap.empty() || metadata.empty()) {
      log->warn("call {}: recording requested but rtpengine wrote none", sid);
      co_return;
    }
    const auto wav = recordings() / (sid + ".wav");
    const auto mp3 = recordings() / (sid + ".mp3");
    std::optional<boost::system::result<telephony::recording_summary, std::string>> converted;
    co_await asio::co_spawn(
        converter.get_executor(),
        [&]() -> asio::awaitable<void> {
          auto summary = telephony::pcap_to_stereo_wav(pcap, metadata, wav);
          if (summary && run_program({"sox", wav.string(), "-C", "32", mp3.string()}) != 0)
            summary = std::string("sox could not compress the recording");
          std::error_code ec;
          std::filesystem::remove(wav, ec);
          std::filesystem::remove(pcap, ec);
          std::filesystem::remove(metadata, ec);
          converted = std::move(summary);
          co_return;
        },
        asio::use_awaitable);
    if (!*converted) {
      log->warn("call {}: recording not converted: {}", sid, converted->error());
      co_return;
    }
    const auto seconds = (*converted)->seconds;
    std::vector<std::string> index_recording{"HSET", prefix + "recording:" + sid, "lawyer", lawyer, "category", category,
                                 "started_ms", std::to_string(started_ms), "seconds", std::to_string(seconds)};
    co_await context.redis.exec(std::move(index_recording));
    std::vector<std::string> list_recording{"ZADD", prefix + "recordings", std::to_string(started_ms), sid};
    co_await context.redis.exec(std::move(list_recording));
    log->info("call {}: recording of {:.2f} s at {}", sid, seconds, mp3.string());
  }

  /// Drops recordings older than phone.recording_retention_days, hourly.
  asio::awaitable<void> retention_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      const auto cutoff = now_ms() - std::int64_t(phone().recording_retention_days) * 86'400'000;
      std::vector<std::string> expired{"ZRANGEBYSCORE", prefix + "recordings", "-inf", std::to_string(cutoff)};
      auto old = co_await context.redis.exec(std::move(expired));
      if (old && old->is_array()) {
        for (const auto& entry : old->elements) {
          std::error_code ec;
          std::filesystem::remove(recordings() / (entry.text + ".mp3"), ec);
          std::vector<std::string> drop_entry{"DEL", prefix + "recording:" + entry.text};
          co_await context.redis.exec(std::move(drop_entry));
          std::vector<std::string> drop_from_list{"ZREM", prefix + "recordings", entry.text};
          co_await context.redis.exec(std::move(drop_from_list));
          log->info("recording {} removed after {} days", entry.text, phone().recording_retention_days);
        }
      }
      asio::steady_timer pause(executor, std::chrono::hours(1));
      boost::system::error_code ec;
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  /// Deterministic sampling: every node and every retry agrees on whether a call is recorded.
  bool sampled(const std::string& sid) const {
    if (phone().record_percent <= 0) return false;
    const auto digest = core::sha256_hex(sid);
    return std::stoul(digest.substr(0, 6), nullptr, 16) % 100 < static_cast<unsigned long>(phone().record_percent);
  }

  /// A supervisor's live copy of one call.
  struct listening {
    std::string sid;
    std::string callid;
    std::string subscription;  ///< rtpengine's to-tag of the subscription
    std::string supervisor;
    std::vector<std::unique_ptr<udp::socket>> sockets;
  };

  asio::awaitable<void> copy_audio(std::shared_ptr<listening> who, std::size_t index, int side, audio_sink sink) {
    std::array<char, 2048> buffer{};
    auto& socket = *who->sockets[index];
    for (;;) {
      boost::system::error_code ec;
      const auto n = co_await socket.async_receive(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !socket.is_open()) co_return;
      if (ec || n <= 12 || (static_cast<unsigned char>(buffer[1]) & 0x7f) != 8) continue;
      const std::size_t header = 12 + 4u * (static_cast<unsigned char>(buffer[0]) & 0x0f);
      if (n > header) sink(side, std::string_view(buffer.data() + header, n - header));
    }
  }

  gateway_context& context;
  std::shared_ptr<spdlog::logger> log;
  std::string secret;
  std::map<std::uint64_t, std::shared_ptr<listening>> listeners;
  std::string prefix;
  asio::any_io_executor executor;
  telephony::ng_client ng;
  tcp::socket evapi;
  std::deque<std::string> outbox;
  udp::socket dtmf;
  asio::steady_timer housekeeping;
  asio::thread_pool converter{1};
  std::map<std::string, call_media> media;
  bool stopped = false;
  bool running = false;
};

phone_service::phone_service(gateway_context& context, asio::any_io_executor executor)
    : impl_(std::make_shared<impl>(context, std::move(executor))) {}

phone_service::~phone_service() {
  stop();
  impl_->converter.join();
}

std::string phone_service::session_id_of(const std::string& callid) {
  return "p" + core::sha256_hex(callid).substr(0, 31);
}

void phone_service::start() {
  auto& d = *impl_;
  if (!d.phone().enabled) return;
  boost::system::error_code ec;
  const udp::endpoint at(asio::ip::make_address(d.phone().rtp_address, ec), static_cast<unsigned short>(d.phone().dtmf_port));
  d.dtmf.open(at.protocol(), ec);
  if (!ec) d.dtmf.bind(at, ec);
  if (ec) {
    d.log->error("cannot listen for keypad digits on {}:{}: {}; the phone channel is off on this node",
                 d.phone().rtp_address, d.phone().dtmf_port, ec.message());
    return;
  }
  d.running = true;
  asio::co_spawn(d.executor, d.dtmf_loop(), asio::detached);
  asio::co_spawn(d.executor, d.evapi_loop(), asio::detached);
  asio::co_spawn(d.executor, d.retention_loop(), asio::detached);
  asio::co_spawn(d.executor, d.reap_lost_calls(), asio::detached);
}

void phone_service::stop() {
  auto& d = *impl_;
  d.stopped = true;
  boost::system::error_code ec;
  d.dtmf.close(ec);
  d.evapi.close(ec);
  d.housekeeping.cancel();
  d.ng.stop();
  for (auto& [sid, m] : d.media) m.timer->cancel();
}

void phone_service::on_hint(const queue::notification& hint) {
  auto& d = *impl_;
  if (!d.running) return;
  if (hint.what == queue::notification::kind::session && hint.id.starts_with("p"))
    asio::co_spawn(d.executor, d.on_session_hint(hint.id), asio::detached);
}

bool phone_service::has_waiting(const std::string& skill) const {
  const auto& d = *impl_;
  for (const auto& [sid, m] : d.media)
    if (m.skill == skill && m.now == impl::stage::waiting) return true;
  return false;
}

void phone_service::line_changed(const std::string& skill, const queue::waiting_line& line) {
  auto& d = *impl_;
  if (!d.running) return;
  for (std::size_t i = 0; i < line.sessions.size(); ++i) {
    const auto found = d.media.find(line.sessions[i]);
    if (found == d.media.end() || found->second.skill != skill || found->second.now != impl::stage::waiting)
      continue;
    if (found->second.announced_position != line.first + static_cast<int>(i) + 1)
      asio::co_spawn(d.executor, d.announce(line.sessions[i], false), asio::detached);
  }
}

asio::awaitable<wire_result<void>> phone_service::authenticate(const http_request& request,
                                                               const asio::ip::address& peer) {
  auto& d = *impl_;
  const auto source = peer.is_v6() && peer.to_v6().is_v4_mapped()
                          ? asio::ip::make_address_v4(asio::ip::v4_mapped, peer.to_v6()).to_string()
                          : peer.to_string();
  bool allowed = false;
  for (const auto& a : d.phone().cti_allowed_sources) allowed = allowed || a == source;
  if (!allowed) {
    d.log->warn("CTI request from {} refused: not in phone.cti_allowed_sources", source);
    co_return gateway_error(v1::FORBIDDEN, "this address may not use the CTI API");
  }
  const std::string timestamp(request["X-Hotline-Timestamp"]);
  const std::string signature(request["X-Hotline-Signature"]);
  std::int64_t seconds = 0;
  if (signature.empty() ||
      std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds).ec != std::errc())
    co_return gateway_error(v1::NOT_AUTHENTICATED, "X-Hotline-Timestamp and X-Hotline-Signature are required");
  if (std::llabs(now_ms() / 1000 - seconds) > d.phone().cti_max_skew_seconds)
    co_return gateway_error(v1::NOT_AUTHENTICATED, "the request's timestamp is too far from the gateway's clock");
  if (d.secret.empty() || !telephony::cti_signature_valid(d.secret, timestamp, request.body(), signature))
    co_return gateway_error(v1::NOT_AUTHENTICATED, "bad signature");
  std::vector<std::string> remember_signature{"SET", d.prefix + "cti:seen:" + signature, "1", "NX", "EX",
                                              std::to_string(2 * d.phone().cti_max_skew_seconds + 1)};
  auto first = co_await d.context.redis.exec(std::move(remember_signature));
  if (!first) co_return gateway_error(v1::STORE_UNAVAILABLE, "Redis is unavailable");
  if (first->is_nil()) co_return gateway_error(v1::NOT_AUTHENTICATED, "replayed request");
  co_return wire_result<void>{};
}

asio::awaitable<wire_result<v1::CtiCallReply>> phone_service::route_call(const v1::CtiCallRequest& request) {
  auto& d = *impl_;
  if (request.callid().empty() || request.ftag().empty())
    co_return gateway_error(v1::BAD_REQUEST, "callid and ftag are required");
  const auto sid = session_id_of(request.callid());
  const auto key = d.call_key(sid);
  v1::CtiCallReply reply;
  reply.set_session(sid);
  co_await d.audit(sid, "route", request.ts(), "");

  std::vector<std::string> claim_call{"HSETNX", key, "callid", request.callid()};
  auto known = co_await d.context.redis.exec(std::move(claim_call));
  if (!known) co_return to_wire(known.error());
  if (known->integer == 1) {
    std::vector<std::string> describe_call{"HSET", key, "ftag", request.ftag(), "caller", request.caller(), "created_ms",
                                   std::to_string(now_ms()), "record", d.sampled(sid) ? "1" : "0"};
    co_await d.context.redis.exec(std::move(describe_call));
    std::vector<std::string> expire_call{"EXPIRE", key, "86400"};
    co_await d.context.redis.exec(std::move(expire_call));
  }
  // The category: an IVR choice, else the dialled suffix (12348-<n>: the n-th category).
  const auto& categories = d.context.config.routing.categories;
  std::string category;
  std::string choice = request.ivr();
  if (choice.empty()) {
    if (const auto dash = request.dialled().rfind('-'); dash != std::string::npos) choice = request.dialled().substr(dash + 1);
  }
  if (int n = 0; !choice.empty() && std::from_chars(choice.data(), choice.data() + choice.size(), n).ec == std::errc() &&
                 n >= 1 && n <= static_cast<int>(categories.size()))
    category = categories[n - 1].code;
  if (category.empty()) category = d.context.queue.known_category(d.phone().default_category) ? d.phone().default_category
                                                                                               : categories.front().code;
  queue::start_request start{sid, "", v1::PHONE, category, d.context.config.routing.languages.front().code,
                             v1::PRIORITY_UNSPECIFIED, core::mask_phone_numbers(number_of(request.caller())),
                             /*source=*/""};
  auto started = co_await d.context.queue.start(start, "cti-start:" + sid);
  if (!started && started.error() != queue::errc::session_exists) {
    if (started.error() == queue::errc::queue_full) {
      reply.set_action("reject");
      reply.set_code(486);
      reply.set_reason("Hotline busy");
      co_return reply;
    }
    co_return to_wire(started.error());
  }
  auto session = co_await d.context.queue.session(sid);
  if (!session) co_return to_wire(session.error());

  if (session->state == v1::OFFERED) {
    std::vector<std::string> read_record{"HGET", key, "record"};
    auto call = co_await d.context.redis.exec(std::move(read_record));
    reply.set_action("connect");
    reply.set_lawyer(session->offered_to);
    reply.set_ring(static_cast<int>(std::max<std::int64_t>(1, (session->offer_expires_ms - now_ms() + 999) / 1000)));
    reply.set_record(call && call->as_string().value_or(std::string()) == "1" ? 1 : 0);
    std::vector<std::string> mark_connecting{"HSET", key, "parked", "0", "lawyer", session->offered_to};
    co_await d.context.redis.exec(std::move(mark_connecting));
    co_return reply;
  }
  if (session->state == v1::QUEUED) {
    std::vector<std::string> read_sdp{"HGET", key, "sdp"};
    auto call = co_await d.context.redis.exec(std::move(read_sdp));
    std::string sdp;
    if (call) sdp = call->as_string().value_or(std::string());
    if (sdp.empty()) {
      sdp = co_await d.placeholder_sdp(request.callid(), request.ftag());
      std::vector<std::string> keep_sdp{"HSET", key, "sdp", sdp};
      if (!sdp.empty()) co_await d.context.redis.exec(std::move(keep_sdp));
    }
    reply.set_action("wait");
    reply.set_position(session->position);
    reply.set_sdp(sdp);
    if (!sdp.empty()) reply.set_qtag(queue_tag);
    reply.set_recheck(d.phone().recheck_seconds);
    co_return reply;
  }
  reply.set_action("reject");
  reply.set_code(480);
  reply.set_reason(session->state == v1::OVERFLOWED ? "Callback booked" : "Call ended");
  co_return reply;
}

asio::awaitable<wire_result<void>> phone_service::call_event(const std::string& path_callid, const v1::CtiEvent& event) {
  auto& d = *impl_;
  if (event.id().empty() || event.event().empty() || event.callid() != path_callid)
    co_return gateway_error(v1::BAD_REQUEST, "id and event are required, and callid must match the path");
  std::vector<std::string> claim_event{"SET", d.prefix + "cti:event:" + event.id(), "1", "NX", "EX", "86400"};
  auto first = co_await d.context.redis.exec(std::move(claim_event));
  if (!first) co_return to_wire(first.error());
  if (first->is_nil()) co_return wire_result<void>{};  // a repeat: already applied
  const auto sid = session_id_of(event.callid());
  const auto key = d.call_key(sid);
  const auto seen_ms = kamailio_ms(event.ts());
  const std::string request_id = "cti:" + event.id();
  auto session = co_await d.context.queue.session(sid);
  if (!session) {
    d.log->warn("CTI event {} for unknown call {}", event.event(), event.callid());
    co_return wire_result<void>{};
  }
  d.log->info("call {}: {} {}", sid, event.event(), event.lawyer());
  co_await d.audit(sid, event.event(), event.ts(), event.lawyer());
  std::vector<std::string> keep_ttag{"HSET", key, "ttag", event.ttag()};
  if (!event.ttag().empty()) co_await d.context.redis.exec(std::move(keep_ttag));

  // Events can arrive late or out of order: one that implies an answer (the talk ended) books the
  // answer first, and the scripts refuse what the state has moved past.
  auto answered = [&]() -> asio::awaitable<void> {
    if (session->state == v1::OFFERED && (event.lawyer().empty() || event.lawyer() == session->offered_to)) {
      auto accepted = co_await d.context.queue.accept(session->offered_to, session->offer_id, "cti-answer:" + sid);
      if (!accepted) d.log->warn("call {}: answer not booked: {}", sid, accepted.error().message());
      std::vector<std::string> mark_answered{"HSET", key, "answered_ms", std::to_string(seen_ms ? seen_ms : now_ms())};
      co_await d.context.redis.exec(std::move(mark_answered));
      if (auto now = co_await d.context.queue.session(sid)) session = std::move(*now);
    }
  };
  const auto& kind = event.event();
  if (kind == "answer") {
    co_await answered();
  } else if (kind == "noanswer" || kind == "busy" || kind == "offline") {
    const std::string reason = kind == "noanswer" ? "no_answer" : kind;
    auto missed = co_await d.context.queue.phone_missed(event.lawyer(), sid, reason, seen_ms, request_id);
    if (!missed) d.log->warn("call {}: {} not booked: {}", sid, kind, missed.error().message());
  } else if (kind == "cancel" || kind == "failed") {
    if (session->state == v1::QUEUED || session->state == v1::OFFERED) {
      co_await d.context.queue.end_by_caller(sid, request_id);
      d.forget_media(sid);
    }
  } else if (kind == "timeout") {
    const std::string reason = "queue_timeout";
    co_await d.context.queue.end_waiting_call(sid, reason, request_id);
    d.forget_media(sid);
  } else if (kind == "lawyer_hangup") {
    co_await answered();
    if (session->state == v1::CONNECTED) {
      co_await d.context.queue.end_by_lawyer(session->lawyer_id, sid, request_id);
      std::vector<std::string> mark_talk_end{"HSET", key, "talk_ended_ms", std::to_string(seen_ms ? seen_ms : now_ms())};
      co_await d.context.redis.exec(std::move(mark_talk_end));
      if (d.running) {
        std::vector<std::string> read_tags{"HMGET", key, "callid", "ftag"};
        auto call = co_await d.context.redis.exec(std::move(read_tags));
        std::string callid, ftag;
        if (call) {
          callid = call->at(0).text;
          ftag = call->at(1).text;
        }
        d.media_for(sid, callid, ftag);
        asio::co_spawn(d.executor, d.run_survey(sid), asio::detached);
      }
    }
  } else if (kind == "hangup") {
    // Kamailio may report the end of a call twice (dialog:end and the end_call fallback), with
    // different event ids: the first one ends it.
    std::vector<std::string> claim_hangup{"HSETNX", key, "hung_up_ms", std::to_string(seen_ms ? seen_ms : now_ms())};
    auto claimed = co_await d.context.redis.exec(std::move(claim_hangup));
    if (!claimed) co_return to_wire(claimed.error());
    if (claimed->as_integer().value_or(0) == 0) co_return wire_result<void>{};
    co_await answered();
    if (session->state == v1::CONNECTED) {
      co_await d.context.queue.end_by_caller(sid, request_id);
    } else if (auto found = d.media.find(sid); found != d.media.end() && found->second.now == impl::stage::survey) {
      const std::string outcome = "HUNG_UP";
      co_await d.context.queue.survey_unrated(sid, outcome, "cti-survey:" + sid);
    }
    d.forget_media(sid);
    std::vector<std::string> read_call{"HGETALL", key};
    auto call = co_await d.context.redis.exec(std::move(read_call));
    if (d.running && call) {
      bdict request{{"command", "delete"}, {"call-id", event.callid()}, {"from-tag", call->field("ftag").text}};
      co_await d.ng_command(std::move(request));
      if (call->field("record").text == "1" && !session->lawyer_id.empty())
        asio::co_spawn(d.executor,
                       d.finish_recording(sid, event.callid(), session->lawyer_id, session->category,
                                          call->field("answered_ms").as_integer().value_or(now_ms())),
                       asio::detached);
    }
  }
  co_return wire_result<void>{};
}

asio::awaitable<wire_result<v1::CtiCredentials>> phone_service::credentials(const v1::CtiCredentialsRequest& request) {
  auto& d = *impl_;
  auto ha1 = co_await d.context.accounts.sip_ha1(request.user(), d.phone().sip_domain);
  if (!ha1) co_return gateway_error(v1::NOT_FOUND, "no SIP account " + request.user());
  v1::CtiCredentials reply;
  reply.set_ha1(*ha1);
  co_return reply;
}

asio::awaitable<wire_result<void>> phone_service::registration(const v1::CtiRegistration& registration) {
  auto& d = *impl_;
  if (registration.user().empty() || registration.expires() < 0)
    co_return gateway_error(v1::BAD_REQUEST, "user and a non-negative expires are required");
  // A few seconds past the registration's end: the phone re-registers just before it lapses.
  const auto lifetime = registration.expires() == 0 ? std::chrono::milliseconds(0)
                                                     : std::chrono::seconds(registration.expires() + 5);
  auto done = co_await d.context.queue.set_phone(registration.user(), lifetime, registration.contact(),
                                                 "cti-register:" + registration.user() + ":" + registration.ts());
  if (!done) co_return to_wire(done.error());
  if (registration.expires() > 0) d.log->info("lawyer {}'s phone registered", registration.user());
  else d.log->info("lawyer {}'s phone unregistered", registration.user());
  co_return wire_result<void>{};
}

asio::awaitable<wire_result<std::string>> phone_service::listen(const std::string& session_id,
                                                                const std::string& supervisor, std::uint64_t listener,
                                                                audio_sink on_audio) {
  auto& d = *impl_;
  if (!d.running) co_return gateway_error(v1::NOT_FOUND, "the phone channel is off on this node");
  auto session = co_await d.context.queue.session(session_id);
  if (!session) co_return to_wire(session.error());
  if (session->channel != v1::PHONE || session->state != v1::CONNECTED)
    co_return gateway_error(v1::INVALID_STATE, "only a call in progress can be listened to");
  std::vector<std::string> read_tags{"HMGET", d.call_key(session_id), "callid", "ftag"};
  auto call = co_await d.context.redis.exec(std::move(read_tags));
  if (!call) co_return to_wire(call.error());
  auto who = std::make_shared<impl::listening>();
  who->sid = session_id;
  who->callid = call->at(0).text;
  who->supervisor = supervisor;
  const std::string caller_tag = call->at(1).text;
  bdict request{{"command", "subscribe request"}, {"call-id", who->callid}, {"flags", telephony::blist{"all"}}};
  auto offer = co_await d.ng_command(std::move(request));
  if (!offer) co_return gateway_error(v1::INTERNAL, "rtpengine refused the subscription: " + offer.error());
  who->subscription = telephony::text_of(*offer, "to-tag");
  const auto offered_sdp = telephony::text_of(*offer, "sdp");
  // One m=audio per party, in the order of "from-tags": the caller's tag is the caller's side.
  std::vector<int> sides;
  if (const auto found = offer->find("from-tags"); found != offer->end() && found->second.list())
    for (const auto& tag : *found->second.list()) sides.push_back(tag.text() && *tag.text() == caller_tag ? 0 : 1);
  std::size_t media = 0;
  for (std::size_t at = 0; (at = offered_sdp.find("m=audio ", at)) != std::string::npos; at += 8) ++media;
  std::string sdp = "v=0\r\no=supervisor 1 1 IN IP4 " + d.phone().rtp_address + "\r\ns=-\r\nc=IN IP4 " +
                    d.phone().rtp_address + "\r\nt=0 0\r\n";
  for (std::size_t i = 0; i < media; ++i) {
    auto socket = std::make_unique<udp::socket>(d.executor);
    boost::system::error_code ec;
    socket->open(udp::v4(), ec);
    if (!ec) socket->bind(udp::endpoint(asio::ip::make_address(d.phone().rtp_address, ec), 0), ec);
    if (ec) co_return gateway_error(v1::INTERNAL, "cannot open a listening socket: " + ec.message());
    sdp += "m=audio " + std::to_string(socket->local_endpoint().port()) +
           " RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=recvonly\r\n";
    who->sockets.push_back(std::move(socket));
  }
  bdict answer{{"command", "subscribe answer"}, {"call-id", who->callid}, {"to-tag", who->subscription},
               {"sdp", sdp}, {"flags", telephony::blist{"allow transcoding"}}};
  auto answered = co_await d.ng_command(std::move(answer));
  if (!answered) co_return gateway_error(v1::INTERNAL, "rtpengine refused the subscription: " + answered.error());
  for (std::size_t i = 0; i < who->sockets.size(); ++i)
    asio::co_spawn(d.executor, d.copy_audio(who, i, i < sides.size() ? sides[i] : static_cast<int>(i), on_audio),
                   asio::detached);
  d.listeners[listener] = who;
  d.log->info("supervisor {} listens to call {} (lawyer {})", supervisor, session_id, session->lawyer_id);
  co_await d.audit(session_id, "listen", std::to_string(now_ms() / 1000.0), supervisor);
  co_return session->lawyer_id;
}

asio::awaitable<void> phone_service::stop_listening(std::uint64_t listener) {
  auto& d = *impl_;
  auto found = d.listeners.find(listener);
  if (found == d.listeners.end()) co_return;
  auto who = found->second;
  d.listeners.erase(found);
  for (auto& socket : who->sockets) {
    boost::system::error_code ec;
    socket->close(ec);
  }
  bdict request{{"command", "unsubscribe"}, {"call-id", who->callid}, {"to-tag", who->subscription}};
  co_await d.ng_command(std::move(request));
  d.log->info("supervisor {} stopped listening to call {}", who->supervisor, who->sid);
  co_await d.audit(who->sid, "listen_end", std::to_string(now_ms() / 1000.0), who->supervisor);
}

asio::awaitable<wire_result<v1::RecordingList>> phone_service::recordings(int limit) {
  auto& d = *impl_;
  std::vector<std::string> newest{"ZREVRANGE", d.prefix + "recordings", "0", std::to_string(std::max(1, limit) - 1)};
  auto ids = co_await d.context.redis.exec(std::move(newest));
  if (!ids) co_return to_wire(ids.error());
  v1::RecordingList list;
  for (const auto& id : ids->elements) {
    std::vector<std::string> read_recording{"HGETALL", d.prefix + "recording:" + id.text};
    auto fields = co_await d.context.redis.exec(std::move(read_recording));
    if (!fields || fields->elements.empty()) continue;
    auto& r = *list.add_recordings();
    r.set_session_id(id.text);
    r.set_lawyer(fields->field("lawyer").text);
    r.set_category(fields->field("category").text);
    r.set_started_ms(fields->field("started_ms").as_integer().value_or(0));
    r.set_seconds(std::atof(fields->field("seconds").text.c_str()));
    r.set_url("/api/v1/recordings/" + id.text + ".mp3");
  }
  co_return list;
}

std::optional<std::filesystem::path> phone_service::recording_file(const std::string& session_id) const {
  for (char c : session_id)
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  auto path = impl_->recordings() / (session_id + ".mp3");
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

}  // namespace hotline::gateway
