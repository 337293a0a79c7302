// AttributeMemory against a plain reference model (every operation over every word, as
// isa.md §6 states it) over random operation sequences: the storage is touched lazily and
// clear/START/end of run visit only the written range, which must not change any result.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "tile/attribute_memory.h"

using pumavp::tile::AttributeMemory;

namespace {

struct RefMemory {
  explicit RefMemory(unsigned n) : data(n, 0), valid(n, false), count(n, 0), mark(n, false) {}
  std::vector<int16_t> data;
  std::vector<bool> valid;
  std::vector<uint16_t> count;
  std::vector<bool> mark;
  void write(unsigned a, unsigned w, const int16_t* in, uint16_t c, bool host) {
    for (unsigned i = 0; i < w; ++i) {
      data[a + i] = in[i];
      valid[a + i] = true;
      count[a + i] = c ? c : 1;
      if (host) mark[a + i] = true;
    }
  }
  void consume(unsigned a, unsigned w) {
    for (unsigned i = 0; i < w; ++i)
      if (--count[a + i] == 0) valid[a + i] = false;
  }
  void clear() {
    for (unsigned i = 0; i < data.size(); ++i) data[i] = 0, valid[i] = false, count[i] = 0, mark[i] = false;
  }
  void start_run() {
    for (unsigned i = 0; i < data.size(); ++i) {
      if (!mark[i]) valid[i] = false, count[i] = 0;
      mark[i] = false;
    }
  }
  void end_run() {
    for (unsigned i = 0; i < data.size(); ++i) mark[i] = false;
  }
};

}  // namespace

TEST(AttributeMemory, MatchesTheReferenceOverRandomSequences) {
  const unsigned N = 4096;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    AttributeMemory m(N);
    RefMemory r(N);
    for (int step = 0; step < 400; ++step) {
      const unsigned w = 1 + unsigned(rng() % 16);
      // Mostly near the two ends and the middle, so ranges grow from both sides.
      const unsigned bases[] = {0, N / 2, N - 16};
      const unsigned a = std::min<unsigned>(N - w, bases[rng() % 3] + unsigned(rng() % 64));
      int16_t buf[16];
      for (auto& x : buf) x = int16_t(rng());
      const uint16_t c = uint16_t(rng() % 4);
      switch (rng() % 8) {
        case 0:
        case 1:
          if (m.can_produce(a, w)) {
            m.produce(a, w, buf, c, step);
            r.write(a, w, buf, c, false);
          }
          break;
        case 2:
          if (m.can_consume(a, w)) {
            int16_t out[16];
            m.consume(a, w, out, step);
            for (unsigned i = 0; i < w; ++i) ASSERT_EQ(out[i], r.data[a + i]);
            r.consume(a, w);
          }
          break;
        case 3: m.host_write(a, w, buf, c), r.write(a, w, buf, c, true); break;
        case 4: m.preload(a, w, buf, c), r.write(a, w, buf, c, false); break;
        case 5: if (rng() % 8 == 0) m.clear(), r.clear(); break;
        case 6: m.start_run(), r.start_run(); break;
        default: m.end_run(), r.end_run(); break;
      }
      for (unsigned i = 0; i < N; ++i) {
        ASSERT_EQ(m.data(i), r.data[i]) << "seed " << seed << " step " << step << " word " << i;
        ASSERT_EQ(m.attr(i).valid, r.valid[i]) << "seed " << seed << " step " << step << " word " << i;
        if (r.valid[i]) {
          ASSERT_EQ(m.attr(i).count, r.count[i]) << "word " << i;
        }
        ASSERT_EQ(m.host_written(i), r.mark[i]) << "word " << i;
      }
    }
  }
}
