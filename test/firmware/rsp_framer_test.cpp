// RspFramer: the GDB remote protocol's framing, byte by byte (issue 15: the packet layer is
// fuzzed apart from the socket). Checksums below are worked by hand:
//   "g" = 0x67; "m0,4" = 109 + 48 + 44 + 52 = 253 = 0xfd; "a\x03" = 97 + 3 = 100 = 0x64.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/rsp_framer.h"

using pumavp::host::RspFramer;
using E = RspFramer::Event;

namespace {
struct Ev {
  E e;
  std::string payload;
  bool operator==(const Ev& o) const { return e == o.e && payload == o.payload; }
};
std::vector<Ev> decode(RspFramer& f, const std::string& bytes) {
  std::vector<Ev> out;
  for (unsigned char c : bytes) {
    const E e = f.feed(c);
    if (e == E::None) continue;
    out.push_back({e, (e == E::Packet || e == E::BadChecksum) ? f.payload() : std::string()});
  }
  return out;
}
void PrintTo(const Ev& v, std::ostream* os) { *os << int(v.e) << ":" << v.payload; }
}  // namespace

TEST(RspFramer, PacketsAcksNoiseAndInterrupts) {
  RspFramer f;
  EXPECT_EQ(decode(f, "+$g#67-xyz$m0,4#FD\x03"),
            (std::vector<Ev>{{E::Packet, "g"}, {E::Packet, "m0,4"}, {E::Interrupt, ""}}));
  EXPECT_FALSE(f.in_packet());
}

TEST(RspFramer, WrongOrNonHexChecksumIsReportedWithThePayload) {
  RspFramer f;
  EXPECT_EQ(decode(f, "$g#00$g#zz$g#6"), (std::vector<Ev>{{E::BadChecksum, "g"}, {E::BadChecksum, "g"}}));
  EXPECT_TRUE(f.in_packet());  // the last one waits for its second digit
  EXPECT_EQ(decode(f, "7"), (std::vector<Ev>{{E::Packet, "g"}}));
}

TEST(RspFramer, InsideAPayloadEveryByteIsData) {
  RspFramer f;
  EXPECT_EQ(decode(f, std::string("$a\x03#64")), (std::vector<Ev>{{E::Packet, std::string("a\x03")}}));
  // '$' inside a payload does not restart it: "a$" = 97 + 36 = 133 = 0x85.
  EXPECT_EQ(decode(f, "$a$#85"), (std::vector<Ev>{{E::Packet, "a$"}}));
}

TEST(RspFramer, PayloadsAreCappedAtThePacketSizeWeAdvertise) {
  RspFramer f;
  // Exactly kMaxPayload bytes of 'a': 0x4000 * 97 is a multiple of 256, checksum 00.
  const std::string full(RspFramer::kMaxPayload, 'a');
  EXPECT_EQ(decode(f, "$" + full + "#00"), (std::vector<Ev>{{E::Packet, full}}));
  // One byte more: dropped as Overflow, without holding more than the cap; the next packet is
  // decoded normally.
  const std::vector<Ev> ev = decode(f, "$" + full + "aaaaaaaa#00$g#67");
  EXPECT_EQ(ev, (std::vector<Ev>{{E::Overflow, ""}, {E::Packet, "g"}}));
  EXPECT_LE(f.payload().size(), RspFramer::kMaxPayload);
}

TEST(RspFramer, FrameRoundTrips) {
  EXPECT_EQ(RspFramer::frame("g"), "$g#67");
  EXPECT_EQ(RspFramer::frame("m0,4"), "$m0,4#fd");
  EXPECT_EQ(RspFramer::frame(""), "$#00");
  RspFramer f;
  for (const std::string p : {"qSupported:swbreak+", "X80000000,2:}\x03}\x5d", "vCont;c"})
    EXPECT_EQ(decode(f, RspFramer::frame(p)), (std::vector<Ev>{{E::Packet, p}}));
}
