// hiredis asks for read/write readiness through five hooks; we answer with descriptor waits.
// The fd belongs to hiredis: we release it, never close it.
#include "hiredis_asio_adapter.hpp"

#include <hiredis/async.h>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>

namespace hotline::core {
namespace {

namespace asio = boost::asio;
using wait_type = asio::posix::stream_descriptor::wait_type;

struct adapter_state : std::enable_shared_from_this<adapter_state> {
  adapter_state(redisAsyncContext* c, asio::any_io_executor ex, std::function<void()> freed)
      : context(c), descriptor(ex, c->c.fd), on_freed(std::move(freed)) {}

  redisAsyncContext* context;
  asio::posix::stream_descriptor descriptor;
  std::function<void()> on_freed;
  bool want_read = false;
  bool want_write = false;
  bool read_armed = false;
  bool write_armed = false;

  void arm(wait_type direction) {
    const bool reading = direction == wait_type::wait_read;
    (reading ? read_armed : write_armed) = true;
    descriptor.async_wait(direction, [self = shared_from_this(), reading](boost::system::error_code ec) {
      (reading ? self->read_armed : self->write_armed) = false;
      if (ec || !self->context) return;
      if (!(reading ? self->want_read : self->want_write)) return;
      if (reading)
        redisAsyncHandleRead(self->context);
      else
        redisAsyncHandleWrite(self->context);
      // The handler may have freed the context or dropped the interest.
      if (self->context && (reading ? self->want_read : self->want_write) &&
          !(reading ? self->read_armed : self->write_armed))
        self->arm(reading ? wait_type::wait_read : wait_type::wait_write);
    });
  }
};

adapter_state& state_of(void* data) { return **static_cast<std::shared_ptr<adapter_state>*>(data); }

void add_read(void* data) {
  auto& s = state_of(data);
  s.want_read = true;
  if (!s.read_armed) s.arm(wait_type::wait_read);
}

void del_read(void* data) { state_of(data).want_read = false; }

void add_write(void* data) {
  auto& s = state_of(data);
  s.want_write = true;
  if (!s.write_armed) s.arm(wait_type::wait_write);
}

void del_write(void* data) { state_of(data).want_write = false; }

void cleanup(void* data) {
  std::unique_ptr<std::shared_ptr<adapter_state>> holder(static_cast<std::shared_ptr<adapter_state>*>(data));
  const auto state = *holder;
  state->context = nullptr;
  state->want_read = state->want_write = false;
  // release() cancels the pending waits and hands the fd back: hiredis closes it.
  state->descriptor.release();
  if (auto freed = std::move(state->on_freed)) freed();
}

}  // namespace

bool attach_hiredis_to_asio(redisAsyncContext* context, asio::any_io_executor executor,
                            std::function<void()> on_freed) {
  if (context->ev.data) return false;
  auto state = std::make_shared<adapter_state>(context, std::move(executor), std::move(on_freed));
  context->ev.addRead = add_read;
  context->ev.delRead = del_read;
  context->ev.addWrite = add_write;
  context->ev.delWrite = del_write;
  context->ev.cleanup = cleanup;
  context->ev.data = new std::shared_ptr<adapter_state>(std::move(state));
  return true;
}

}  // namespace hotline::core
