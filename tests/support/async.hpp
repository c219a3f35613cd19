#pragma once
// Runs a coroutine to completion on an io_context with a deadline; a test whose coroutine did
// not finish in time fails loudly instead of hanging.

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>

namespace hotline::test {

/// Thrown by a failed ASSERT_* inside a coroutine, where gtest's `return` cannot be used; the
/// failure is already recorded, and run_async swallows it.
struct assertion_failed {};

struct fatal_failure {
  ::testing::internal::AssertHelper helper;
  [[noreturn]] void operator=(const ::testing::Message& message) {
    helper = message;
    throw assertion_failed{};
  }
};

}  // namespace hotline::test

// ASSERT_* in this file's tests may sit in coroutines: make their fatal path throw instead of return.
#undef GTEST_FATAL_FAILURE_
#define GTEST_FATAL_FAILURE_(message)                                                                                  \
  ::hotline::test::fatal_failure{::testing::internal::AssertHelper(::testing::TestPartResult::kFatalFailure, __FILE__, \
                                                                   __LINE__, message)} = ::testing::Message()

namespace hotline::test {

template <class Awaitable>
void run_async(boost::asio::io_context& io, Awaitable task,
               std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
  bool done = false;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
    done = true;
    failure = e;
  });
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done && std::chrono::steady_clock::now() < until) {
    if (io.stopped()) io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  if (!done) {
    ADD_FAILURE() << "the coroutine did not finish within " << deadline.count() << " ms";
    return;
  }
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const assertion_failed&) {
    // Already reported where it failed.
  }
}

inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
}

}  // namespace hotline::test
