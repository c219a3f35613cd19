// The simulation's event loop: a queue of timed actions (arrivals, accepts, talk ends, wrap-ups,
// ratings, give-ups, replies, shift changes, sweeps at the next deadline), each one real script
// call at its simulated time; what routing does in reply (offers) is read back from the views.
#include "hotline/gateway/simulation.hpp"

#include <hotline/core/civil_day.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <queue>
#include <random>
#include <set>

namespace hotline::gateway {

namespace asio = boost::asio;

namespace {

constexpr std::int64_t second = 1000;
constexpr std::int64_t minute = 60 * second;
constexpr std::int64_t hour = 60 * minute;

// Arrival weight per local hour: a day centre with a lunch dip and some evening calls.
constexpr double day_profile[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0, 3.0, 8.0, 9.0, 8.5,
                                    4.0, 5.0, 8.0, 8.5, 7.5, 5.0, 2.5, 1.8, 1.4, 1.0, 0.6, 0.3};

struct action {
  std::int64_t at;
  std::uint64_t order;  // FIFO among actions due at the same millisecond
  std::function<asio::awaitable<void>()> run;
  bool operator>(const action& other) const { return at != other.at ? at > other.at : order > other.order; }
};

class simulator {
 public:
  simulator(queue::engine& queue, const core::config& config, const simulation_options& options)
      : queue_(queue), config_(config), options_(options), random_(options.seed) {}

  asio::awaitable<boost::system::result<simulation_summary, std::string>> run() {
    const auto first = core::parse_day(options_.from);
    const auto last = core::parse_day(options_.to);
    if (!first || !last || *first > *last)
      co_return boost::system::result<simulation_summary, std::string>(boost::system::in_place_error,
                                                                       "--from and --to must be days, from <= to");
    if (config_.routing.categories.empty() || config_.routing.languages.empty())
      co_return boost::system::result<simulation_summary, std::string>(boost::system::in_place_error,
                                                                       "the catalog has no categories or languages");
    const auto offset = std::int64_t{config_.centre.utc_offset_minutes} * minute;
    if (auto marked = co_await queue_.mark_simulation(std::chrono::seconds(30)); !marked)
      co_return boost::system::result<simulation_summary, std::string>(boost::system::in_place_error,
                                                                       "redis: " + marked.error().message());
    auto marked_at = std::chrono::steady_clock::now();
    queue_.set_clock([this] { return now_; });
    make_lawyers();
    for (auto day = *first; day <= *last; ++day) plan_day(day * 24 * hour - offset);
    summary_.first_ms = *first * 24 * hour - offset;
    while (!actions_.empty() && failure_.empty()) {
      auto next = actions_.top();
      actions_.pop();
      now_ = std::max(now_, next.at);
      co_await next.run();
      co_await schedule_sweep();
      if (std::chrono::steady_clock::now() - marked_at > std::chrono::seconds(10)) {
        marked_at = std::chrono::steady_clock::now();
        co_await queue_.mark_simulation(std::chrono::seconds(30));
      }
    }
    summary_.last_ms = now_;
    queue_.set_clock({});
    co_await queue_.mark_simulation(std::chrono::milliseconds(0));
    if (!failure_.empty())
      co_return boost::system::result<simulation_summary, std::string>(boost::system::in_place_error, failure_);
    co_return summary_;
  }

 private:
  struct lawyer {
    queue::agent_profile profile;
    int shift_start_hour;  // local
    int shift_hours;
  };

  void at(std::int64_t when, std::function<asio::awaitable<void>()> run) {
    actions_.push(action{when, next_order_++, std::move(run)});
  }

  double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(random_); }
  double exponential(double mean) { return std::exponential_distribution<double>(1.0 / mean)(random_); }
  bool chance(double p) { return uniform(0, 1) < p; }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(random_)];
  }

  void fail(const std::string& what, const boost::system::error_code& ec) {
    // Refusals that real traffic meets (an offer gone, a caller already gone) are part of it.
    using queue::errc;
    for (auto expected : {errc::offer_gone, errc::invalid_state, errc::session_not_found, errc::queue_full,
                          errc::too_many_sessions, errc::already_rated})
      if (ec == expected) return;
    if (failure_.empty()) failure_ = what + ": " + ec.message();
  }

  void make_lawyers() {
    const auto& categories = config_.routing.categories;
    const auto& languages = config_.routing.languages;
    for (int i = 0; i < options_.lawyers; ++i) {
      lawyer l;
      l.profile.id = options_.id_prefix + "-lawyer-" + std::to_string(i + 1);
      l.profile.name = "模拟律师" + std::to_string(i + 1);
      // Each lawyer covers about half the categories as primary and the rest as backup, in
      // Mandarin and one more language, so that every skill has someone.
      for (std::size_t c = 0; c < categories.size(); ++c) {
        const bool primary = (c + static_cast<std::size_t>(i)) % 2 == 0;
        for (std::size_t g = 0; g < languages.size(); ++g) {
          if (g != 0 &&
              g % static_cast<std::size_t>(options_.lawyers) != static_cast<std::size_t>(i) % languages.size())
            continue;
          const auto skill = categories[c].code + ":" + languages[g].code;
          (primary ? l.profile.skills : l.profile.backup_skills).push_back(skill);
        }
      }
      l.profile.chat_capacity = config_.routing.default_chat_capacity;
      const bool evening = i == options_.lawyers - 1 && options_.lawyers > 1;
      l.shift_start_hour = evening ? 17 : 8;
      l.shift_hours = evening ? 6 : 9;
      lawyers_.push_back(std::move(l));
    }
  }

  void plan_day(std::int64_t day_start) {
    for (const auto& l : lawyers_) {
      const auto on = day_start + l.shift_start_hour * hour + 30 * minute;
      const auto off = on + l.shift_hours * hour;
      const auto* who = &l;
      at(on, [this, who]() { return set_status(*who, v1::AVAILABLE); });
      at(off, [this, who]() { return set_status(*who, v1::OFFLINE); });
    }
    double total_weight = 0;
    for (double w : day_profile) total_weight += w;
    const int arrivals = std::poisson_distribution<int>(options_.sessions_per_day)(random_);
    for (int i = 0; i < arrivals; ++i) {
      double r = uniform(0, total_weight);
      int h = 0;
      while (h < 23 && r > day_profile[h]) r -= day_profile[h++];
      const auto when = day_start + h * hour + static_cast<std::int64_t>(uniform(0, static_cast<double>(hour)));
      at(when, [this]() { return arrive(); });
    }
  }

  asio::awaitable<void> set_status(const lawyer& l, v1::AgentStatus status) {
    ++summary_.actions;
    auto done = co_await queue_.set_status(l.profile, status, "");
    if (!done) fail("set_status", done.error());
    co_await follow_lawyer(l.profile.id);
  }

  asio::awaitable<void> arrive() {
    const auto& categories = config_.routing.categories;
    const auto& languages = config_.routing.languages;
    queue::start_request request;
    request.session_id = options_.id_prefix + "-" + std::to_string(++sequence_);
    request.token_hash = "simulated";
    request.channel = chance(0.7) ? v1::PHONE : v1::CHAT;
    request.category =
        categories[std::min(categories.size() - 1, static_cast<std::size_t>(exponential(3.0)) % categories.size())]
            .code;
    const double l = uniform(0, 1);
    request.language =
        languages[l < 0.9 || languages.size() == 1
                      ? 0
                      : 1 + static_cast<std::size_t>((l - 0.9) * 10 * (languages.size() - 1)) % (languages.size() - 1)]
            .code;
    if (chance(0.1)) request.priority = chance(0.5) ? v1::ELDERLY : v1::MIGRANT_WAGES;
    ++summary_.sessions;
    ++summary_.actions;
    auto started = co_await queue_.start(request, "");
    if (!started) {
      fail("start", started.error());
      co_return;
    }
    const auto sid = request.session_id;
    // How long this caller is willing to wait; some would rather leave a message.
    const auto patience = static_cast<std::int64_t>(exponential(120.0) * second);
    const bool prefers_message = chance(0.25);
    at(now_ + std::max<std::int64_t>(patience, 1500),
       [this, sid, prefers_message]() { return give_up(sid, prefers_message); });
    co_await follow_session(sid);
  }

  asio::awaitable<void> give_up(std::string sid, bool prefers_message) {
    auto s = co_await queue_.session(sid);
    if (!s || (s->state != v1::QUEUED && s->state != v1::OFFERED)) co_return;
    ++summary_.actions;
    // Offered a message (nobody on duty, or waited too long), most callers take it.
    if (prefers_message || !s->overflow_reason.empty()) {
      // Some callers leave the same message again the same day: the duplicates a message box sees.
      if (last_contact_.empty() || !chance(0.15)) {
        last_contact_ = chance(0.8) ? "1380000" + std::to_string(1000 + sequence_ % 9000) : "";
        last_question_ = "咨询问题 " + std::to_string(sequence_ % 97);
      }
      queue::leave_message_request request{sid, chance(0.5) ? v1::MESSAGE : v1::CALLBACK, last_contact_,
                                           last_question_};
      auto left = co_await queue_.leave_message(request, "");
      if (!left) {
        fail("leave_message", left.error());
        co_return;
      }
      ++summary_.messages;
      if (left->state == v1::OPEN) {
        const auto tid = left->id;
        const auto reply_after = static_cast<std::int64_t>(uniform(0.2, 30.0) * static_cast<double>(hour));
        at(now_ + reply_after, [this, tid]() { return reply(tid); });
      }
    } else {
      auto ended = co_await queue_.end_by_caller(sid, "");
      if (!ended) fail("end_by_caller", ended.error());
    }
    co_await follow_session(sid);
  }

  asio::awaitable<void> reply(std::string tid) {
    const auto& l = pick(lawyers_);
    ++summary_.actions;
    auto done = co_await queue_.reply_ticket(l.profile.id, l.profile.name, tid,
                                             chance(0.5) ? v1::TEXT_REPLY : v1::CALLBACK_MADE, "已答复", "");
    if (!done) fail("reply_ticket", done.error());
  }

  // Whoever routing offered the session to answers after ringing (or now and then declines).
  asio::awaitable<void> follow_session(const std::string& sid) {
    auto s = co_await queue_.session(sid);
    if (s && s->state == v1::OFFERED) schedule_answer(s->offered_to, s->offer_id, sid);
  }

  asio::awaitable<void> follow_lawyer(const std::string& aid) {
    auto a = co_await queue_.agent(aid);
    if (a && a->offer) schedule_answer(aid, a->offer->offer_id, a->offer->id);
  }

  void schedule_answer(const std::string& aid, const std::string& offer_id, const std::string& sid) {
    if (offer_id.empty() || !answered_offers_.insert(offer_id).second) return;
    const auto ring = static_cast<std::int64_t>(uniform(1.0, 8.0) * second);
    const bool declines = chance(0.03);
    at(now_ + ring, [this, aid, offer_id, sid, declines]() -> asio::awaitable<void> {
      ++summary_.actions;
      if (declines) {
        auto done = co_await queue_.decline(aid, offer_id, "");
        if (!done) fail("decline", done.error());
        co_await follow_session(sid);
        co_await follow_lawyer(aid);
        co_return;
      }
      auto accepted = co_await queue_.accept(aid, offer_id, "");
      if (!accepted) {
        fail("accept", accepted.error());
        co_await follow_lawyer(aid);
        co_return;
      }
      co_await talk(aid, sid);
      co_await follow_lawyer(aid);
    });
  }

  asio::awaitable<void> talk(std::string aid, std::string sid) {
    const auto length = static_cast<std::int64_t>(std::max(20.0, exponential(240.0)) * second);
    const double r = uniform(0, 1);
    const bool first_time = transferred_.insert(sid).second;
    if (first_time && r < 0.04) {
      at(now_ + length / 2, [this, aid, sid]() { return transfer(aid, sid, false); });
    } else if (first_time && r < 0.06) {
      at(now_ + length, [this, aid, sid]() { return transfer(aid, sid, true); });
    } else {
      at(now_ + length, [this, aid, sid]() { return end_talk(aid, sid); });
    }
    co_return;
  }

  asio::awaitable<void> transfer(std::string aid, std::string sid, bool out) {
    auto s = co_await queue_.session(sid);
    if (!s || s->state != v1::CONNECTED) co_return;
    queue::transfer_request request;
    request.session_id = sid;
    if (out) {
      request.destination = config_.routing.transfer_destinations.empty()
                                ? std::string("12345")
                                : pick(config_.routing.transfer_destinations).code;
    } else {
      do request.category = pick(config_.routing.categories).code;
      while (request.category == s->category && config_.routing.categories.size() > 1);
      request.language = s->language;
    }
    ++summary_.actions;
    auto moved = co_await queue_.transfer(aid, request, "");
    if (!moved) {
      fail("transfer", moved.error());
      co_return;
    }
    if (out) {
      schedule_wrap_up(aid, sid);
      schedule_rating(sid);
    }
    co_await follow_session(sid);
    co_await follow_lawyer(aid);
  }

  asio::awaitable<void> end_talk(std::string aid, std::string sid) {
    ++summary_.actions;
    if (chance(0.5)) {
      auto ended = co_await queue_.end_by_caller(sid, "");
      if (!ended) fail("end_by_caller", ended.error());
    } else {
      auto ended = co_await queue_.end_by_lawyer(aid, sid, "");
      if (!ended) fail("end_by_lawyer", ended.error());
    }
    schedule_wrap_up(aid, sid);
    schedule_rating(sid);
  }

  void schedule_wrap_up(const std::string& aid, const std::string& sid) {
    // Most file the work order in time; a few let the wrap-up run out (the sweeper closes it).
    if (chance(0.05)) return;
    const auto after = static_cast<std::int64_t>(uniform(15.0, 90.0) * second);
    at(now_ + after, [this, aid, sid]() -> asio::awaitable<void> {
      queue::work_order order;
      order.session_id = sid;
      order.type = chance(0.9) ? v1::CONSULTATION : (chance(0.5) ? v1::COMPLAINT : v1::SUGGESTION);
      order.category = pick(config_.routing.categories).code;
      order.outcome = chance(0.8) ? v1::RESOLVED : v1::REFERRED;
      ++summary_.actions;
      auto filed = co_await queue_.wrap_up(aid, order, "");
      if (!filed) fail("wrap_up", filed.error());
      co_await follow_lawyer(aid);
    });
  }

  void schedule_rating(const std::string& sid) {
    if (!chance(0.75)) return;
    const double r = uniform(0, 1);
    const auto rating = r < 0.93 ? v1::SATISFIED : r < 0.98 ? v1::BASIC_SATISFIED : v1::DISSATISFIED;
    at(now_ + static_cast<std::int64_t>(uniform(3.0, 30.0) * second), [this, sid, rating]() -> asio::awaitable<void> {
      ++summary_.actions;
      auto rated = co_await queue_.rate(sid, rating, "");
      if (!rated) fail("rate", rated.error());
    });
  }

  // Deadlines (offer timeouts, wait stages, wrap-up ends) act when the sweeper runs at them.
  asio::awaitable<void> schedule_sweep() {
    auto next = co_await queue_.next_deadline_ms();
    if (!next || !*next || (sweep_at_ && *sweep_at_ <= **next)) co_return;
    sweep_at_ = std::max(**next, now_);
    at(*sweep_at_, [this]() -> asio::awaitable<void> {
      sweep_at_.reset();
      ++summary_.actions;
      auto handled = co_await queue_.sweep();
      if (!handled) fail("sweep", handled.error());
      for (const auto& l : lawyers_) co_await follow_lawyer(l.profile.id);
    });
  }

  queue::engine& queue_;
  const core::config& config_;
  const simulation_options& options_;
  std::mt19937_64 random_;
  std::priority_queue<action, std::vector<action>, std::greater<>> actions_;
  std::uint64_t next_order_ = 0;
  std::int64_t now_ = 0;
  std::optional<std::int64_t> sweep_at_;
  std::vector<lawyer> lawyers_;
  std::set<std::string> answered_offers_;
  std::set<std::string> transferred_;
  std::uint64_t sequence_ = 0;
  std::string last_contact_, last_question_;
  simulation_summary summary_;
  std::string failure_;
};

}  // namespace

asio::awaitable<boost::system::result<simulation_summary, std::string>> simulate(queue::engine& queue,
                                                                                 const core::config& config,
                                                                                 const simulation_options& options) {
  simulator s(queue, config, options);
  co_return co_await s.run();
}

}  // namespace hotline::gateway
