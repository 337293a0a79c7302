#include "tile/shared_memory.h"

#include <algorithm>
#include <cstring>

#include "fabric/mem_extension.h"

namespace pumavp::tile {

using namespace sc_core;

namespace {
constexpr unsigned kMaxAccessWords = 16;

void words_to_bytes(const int16_t* w, unsigned n, unsigned char* b) {
  for (unsigned i = 0; i < n; ++i) {
    const uint16_t u = static_cast<uint16_t>(w[i]);
    b[2 * i] = static_cast<unsigned char>(u & 0xFF);
    b[2 * i + 1] = static_cast<unsigned char>(u >> 8);
  }
}
void bytes_to_words(const unsigned char* b, unsigned n, int16_t* w) {
  for (unsigned i = 0; i < n; ++i)
    w[i] = static_cast<int16_t>(static_cast<uint16_t>(b[2 * i] | (b[2 * i + 1] << 8)));
}
}  // namespace

SharedMemory::SharedMemory(sc_module_name name, const PlatformConfig& cfg, Stats& stats)
    : sc_module(name),
      socket("socket"),
      cfg_(cfg),
      mem_(cfg.tile.shared_mem_words()),
      lat_ticks_((sc_time(cfg.cycle_ns(), SC_NS) * cfg.lat.mem_access).value()),
      ports_(std::max(1u, cfg.tile.mem_ports)),
      c_accesses_(stats.counter(std::string(this->name()) + ".accesses")),
      c_waits_(stats.counter(std::string(this->name()) + ".blocked_accesses")) {
  socket.register_b_transport(this, &SharedMemory::b_transport);
  socket.register_transport_dbg(this, &SharedMemory::transport_dbg);
}

uint64_t SharedMemory::reserve_port(uint64_t t_ready) {
  const uint64_t now = now_ticks();
  size_t best_port = 0;
  uint64_t best_start = UINT64_MAX;
  for (size_t p = 0; p < ports_.size(); ++p) {
    auto& iv = ports_[p];
    // Drop reservations that ended before the present (nobody can request before now).
    size_t drop = 0;
    while (drop < iv.size() && iv[drop].second <= now) ++drop;
    if (drop) iv.erase(iv.begin(), iv.begin() + drop);
    uint64_t start = t_ready;
    for (const auto& r : iv) {
      if (start + lat_ticks_ <= r.first) break;  // fits in the gap before r
      start = std::max(start, r.second);
    }
    if (start < best_start) {
      best_start = start;
      best_port = p;
    }
  }
  auto& iv = ports_[best_port];
  const auto pos = std::lower_bound(iv.begin(), iv.end(), std::make_pair(best_start, uint64_t{0}));
  iv.insert(pos, {best_start, best_start + lat_ticks_});
  return best_start + lat_ticks_;
}

void SharedMemory::b_transport(int id, tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t byte_addr = gp.get_address();
  const unsigned len = gp.get_data_length();
  if (gp.get_byte_enable_ptr()) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if ((byte_addr & 1) || (len & 1) || len == 0 || len / 2 > kMaxAccessWords) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const unsigned w = len / 2;
  if (!mem_.in_range(byte_addr / 2, w)) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const unsigned addr = static_cast<unsigned>(byte_addr / 2);
  fabric::MemExtension* ext = nullptr;
  gp.get_extension(ext);
  const bool produce = gp.is_write();
  if (!produce && !gp.is_read()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  int16_t buf[kMaxAccessWords];
  unsigned char* data = gp.get_data_ptr();
  const uint64_t t_req = (sc_time_stamp() + delay).value();
  ++c_accesses_;

  if (ext && (ext->peek || ext->force)) {  // no condition, no attribute change (peek)
    if (produce) {
      bytes_to_words(data, w, buf);
      mem_.host_write(addr, w, buf, ext->count);
      grant_waiters();
    } else {
      mem_.peek(addr, w, buf);
      words_to_bytes(buf, w, data);
    }
    delay = sc_time::from_value(reserve_port(t_req) - now_ticks());
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }

  const uint16_t count = ext ? ext->count : 1;
  if (produce) bytes_to_words(data, w, buf);
  const bool ok = produce ? mem_.can_produce(addr, w) : mem_.can_consume(addr, w);
  if (ok) {
    const uint64_t t_end = reserve_port(std::max(t_req, mem_.ready_ps(addr, w)));
    if (produce)
      mem_.produce(addr, w, buf, count, t_end);
    else
      mem_.consume(addr, w, buf, t_end);
    last_served_ = id;
    if (!produce) words_to_bytes(buf, w, data);
    delay = sc_time::from_value(t_end - now_ticks());
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    grant_waiters();
    return;
  }

  // Wait (no port held) until a state change lets grant_waiters() perform the access.
  ++c_waits_;
  Waiter wt;
  wt.id = id;
  wt.produce = produce;
  wt.addr = addr;
  wt.w = w;
  wt.buf = buf;
  wt.count = count;
  wt.t_req = t_req;
  wt.ev = &event_for(id);
  wt.hook = ext ? ext->hook : nullptr;
  if (wt.hook) {
    const unsigned b = mem_.first_blocking(addr, w, produce).value_or(addr);
    const WordAttr a = mem_.attr(b);
    wt.hook->on_block(produce, b, a.valid, a.count);
  }
  waiters_.push_back(&wt);
  waiters_changed_.notify(SC_ZERO_TIME);
  while (!wt.done) wait(*wt.ev);
  waiters_changed_.notify(SC_ZERO_TIME);
  if (wt.failed) {
    gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  if (!produce) words_to_bytes(buf, w, data);
  const uint64_t now = now_ticks();
  delay = sc_time::from_value(wt.t_end > now ? wt.t_end - now : 0);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

sc_event& SharedMemory::event_for(int id) {
  const size_t i = static_cast<size_t>(id);
  if (events_.size() <= i) events_.resize(i + 1);
  if (!events_[i]) events_[i] = std::make_unique<sc_event>();
  return *events_[i];
}

void SharedMemory::grant_waiters() {
  if (waiters_.empty()) return;
  const int n = std::max<int>(1, static_cast<int>(socket.size()));
  bool progress = true;
  while (progress && !waiters_.empty()) {
    progress = false;
    // Round-robin order: initiators after the one served last come first.
    std::vector<Waiter*> order(waiters_.begin(), waiters_.end());
    std::stable_sort(order.begin(), order.end(), [&](const Waiter* a, const Waiter* b) {
      const int ka = ((a->id - last_served_ - 1) % n + n) % n;
      const int kb = ((b->id - last_served_ - 1) % n + n) % n;
      return ka < kb;
    });
    for (Waiter* wt : order) {
      const bool ok = wt->produce ? mem_.can_produce(wt->addr, wt->w)
                                  : mem_.can_consume(wt->addr, wt->w);
      if (!ok) continue;
      const uint64_t t_end =
          reserve_port(std::max({wt->t_req, mem_.ready_ps(wt->addr, wt->w), now_ticks()}));
      if (wt->produce)
        mem_.produce(wt->addr, wt->w, wt->buf, wt->count, t_end);
      else
        mem_.consume(wt->addr, wt->w, wt->buf, t_end);
      wt->done = true;
      wt->t_end = t_end;
      last_served_ = wt->id;
      waiters_.remove(wt);
      if (wt->hook) wt->hook->on_unblock();
      // Wake at once (the run monitor must never see a timed wake-up pending); the rest of
      // the access time is annotated by the woken initiator.
      wt->ev->notify(SC_ZERO_TIME);
      progress = true;
      break;  // state changed: recompute the round-robin order
    }
  }
}

unsigned SharedMemory::transport_dbg(int, tlm::tlm_generic_payload& gp) {
  // Debug accesses always peek (reads) or write data without touching attributes.
  const uint64_t byte_addr = gp.get_address();
  const unsigned len = gp.get_data_length();
  if ((byte_addr & 1) || (len & 1)) return 0;
  unsigned w = len / 2;
  if (byte_addr / 2 >= mem_.size()) return 0;
  w = std::min<unsigned>(w, mem_.size() - static_cast<unsigned>(byte_addr / 2));
  const unsigned addr = static_cast<unsigned>(byte_addr / 2);
  std::vector<int16_t> buf(w);
  if (gp.is_read()) {
    mem_.peek(addr, w, buf.data());
    words_to_bytes(buf.data(), w, gp.get_data_ptr());
  } else if (gp.is_write()) {
    bytes_to_words(gp.get_data_ptr(), w, buf.data());
    for (unsigned i = 0; i < w; ++i) {
      const WordAttr a = mem_.attr(addr + i);
      if (a.valid)
        mem_.preload(addr + i, 1, &buf[i], a.count);
      else {  // keep invalid: write data only
        mem_.preload(addr + i, 1, &buf[i], 1);
        int16_t tmp;
        mem_.consume(addr + i, 1, &tmp, 0);
      }
    }
  }
  return 2 * w;
}

bool SharedMemory::host_write(unsigned addr, const std::vector<int16_t>& words,
                              uint16_t count) {
  if (!mem_.in_range(addr, words.size())) return false;
  mem_.host_write(addr, static_cast<unsigned>(words.size()), words.data(), count);
  grant_waiters();
  return true;
}

bool SharedMemory::host_read(unsigned addr, unsigned n, std::vector<int16_t>& out, bool peek) {
  if (!mem_.in_range(addr, n)) return false;
  if (!peek && !mem_.can_consume(addr, n)) return false;
  out.resize(n);
  if (peek) {
    mem_.peek(addr, n, out.data());
  } else {
    mem_.consume(addr, n, out.data(), now_ticks());
    grant_waiters();
  }
  return true;
}

void SharedMemory::clear() { mem_.clear(); }

void SharedMemory::start_run(const std::vector<Preload>& preloads) {
  mem_.start_run();
  for (const Preload& p : preloads)
    if (mem_.in_range(p.addr, p.words.size()))
      mem_.preload(p.addr, static_cast<unsigned>(p.words.size()), p.words.data(), p.count);
  for (auto& iv : ports_) iv.clear();
}

void SharedMemory::end_run() { mem_.end_run(); }

void SharedMemory::abort_waiters() {
  for (Waiter* wt : waiters_) {
    wt->done = true;
    wt->failed = true;
    wt->ev->notify(SC_ZERO_TIME);
  }
  waiters_.clear();
}

std::vector<WaitingAccess> SharedMemory::waiting() const {
  std::vector<WaitingAccess> v;
  for (const Waiter* wt : waiters_) {
    WaitingAccess a;
    a.initiator = wt->id;
    a.produce = wt->produce;
    a.addr = wt->addr;
    a.words = wt->w;
    a.blocking_addr = mem_.first_blocking(wt->addr, wt->w, wt->produce).value_or(wt->addr);
    a.blocking_attr = mem_.attr(a.blocking_addr);
    v.push_back(a);
  }
  return v;
}

}  // namespace pumavp::tile
