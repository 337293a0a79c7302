#include "host/rsp_framer.h"

namespace pumavp::host {

namespace {
int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

uint8_t RspFramer::checksum(const std::string& payload) {
  uint8_t sum = 0;
  for (unsigned char c : payload) sum = static_cast<uint8_t>(sum + c);
  return sum;
}

std::string RspFramer::frame(const std::string& payload) {
  static const char kHex[] = "0123456789abcdef";
  const uint8_t c = checksum(payload);
  std::string f;
  f.reserve(payload.size() + 4);
  f += '$';
  f += payload;
  f += '#';
  f += kHex[c >> 4];
  f += kHex[c & 15];
  return f;
}

void RspFramer::reset() {
  state_ = State::Idle;
  overflow_ = false;
  check_hi_ = 0;
  payload_.clear();
}

RspFramer::Event RspFramer::feed(uint8_t b) {
  switch (state_) {
    case State::Idle:
      if (b == 0x03) return Event::Interrupt;
      if (b == '$') {
        payload_.clear();
        overflow_ = false;
        state_ = State::Payload;
      }
      return Event::None;  // acks and noise between packets
    case State::Payload:
      if (b == '#') {
        state_ = State::Check1;
      } else if (payload_.size() >= kMaxPayload) {
        overflow_ = true;
        payload_.clear();
        state_ = State::Skip;
      } else {
        payload_.push_back(static_cast<char>(b));
      }
      return Event::None;
    case State::Skip:
      if (b == '#') state_ = State::Check1;
      return Event::None;
    case State::Check1:
      check_hi_ = hex_value(b);
      state_ = State::Check2;
      return Event::None;
    case State::Check2: {
      state_ = State::Idle;
      if (overflow_) {
        overflow_ = false;
        return Event::Overflow;
      }
      const int lo = hex_value(b);
      const bool ok = check_hi_ >= 0 && lo >= 0 && ((check_hi_ << 4) | lo) == checksum(payload_);
      return ok ? Event::Packet : Event::BadChecksum;
    }
  }
  return Event::None;
}

}  // namespace pumavp::host
