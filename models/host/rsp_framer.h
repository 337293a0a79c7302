// RspFramer — the GDB remote serial protocol's framing layer, as a pure byte-stream decoder
// (no socket), so that it is unit-tested and fuzzed on its own (issue 15).
//
// Between packets, '+'/'-' acks and noise are skipped and 0x03 is an interrupt request. A packet
// is '$' payload '#' two hex digits (the modulo-256 sum of the payload bytes). Inside a payload
// every byte is data ('}' escapes are the command layer's business; a '$' is data too, as in
// gdbserver). A payload longer than kMaxPayload (the PacketSize the server advertises) is
// dropped as Overflow and the framer waits for the next '$', so a client that never sends '#'
// cannot make the server grow a buffer without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pumavp::host {

class RspFramer {
 public:
  static constexpr size_t kMaxPayload = 0x4000;  // qSupported PacketSize=4000 (hexadecimal)

  enum class Event {
    None,         // byte consumed, nothing complete yet
    Packet,       // a packet with a correct checksum: payload()
    BadChecksum,  // a complete packet whose checksum is wrong (or not hex): payload()
    Interrupt,    // 0x03 between packets
    Overflow,     // the payload exceeded kMaxPayload; the rest up to '#xx' is skipped
  };

  Event feed(uint8_t byte);
  // The payload of the last Packet/BadChecksum event (valid until the next feed()).
  const std::string& payload() const { return payload_; }
  // True while inside a packet (after '$', before the checksum's second digit).
  bool in_packet() const { return state_ != State::Idle; }
  void reset();

  static uint8_t checksum(const std::string& payload);
  // "$payload#xx"
  static std::string frame(const std::string& payload);

 private:
  enum class State { Idle, Payload, Skip, Check1, Check2 };
  State state_ = State::Idle;
  bool overflow_ = false;
  int check_hi_ = 0;
  std::string payload_;
};

}  // namespace pumavp::host
