// xbar::MvmArray: the one array interface of a core's matrix units (PUMA Crossbar, PANTHER
// Mcu) and make_array(), the factory the core builds its arrays with.
#include "xbar/array.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "xbar/crossbar.h"
#include "xbar/mcu.h"

using namespace pumavp::xbar;

namespace {

XbarParams params(unsigned X, bool panther) {
  XbarParams p;
  p.size = X;
  p.frac_bits = 12;
  p.panther = panther;
  return p;
}

}  // namespace

TEST(XbarArray, FactoryBuildsTheKindTheParamsAskFor) {
  auto puma = make_array(params(8, false));
  auto panther = make_array(params(8, true));
  EXPECT_NE(dynamic_cast<Crossbar*>(puma.get()), nullptr);
  EXPECT_NE(dynamic_cast<Mcu*>(panther.get()), nullptr);
  EXPECT_EQ(puma->size(), 8u);
  EXPECT_EQ(panther->size(), 8u);
  XbarParams bad = params(8, false);
  bad.bits_per_cell = 0;
  EXPECT_THROW(make_array(bad), std::invalid_argument);
}

TEST(XbarArray, SameProductThroughTheInterfaceAsDirect) {
  const unsigned X = 8;
  std::vector<int16_t> w(X * X), x(X), y1(X), y2(X);
  for (unsigned k = 0; k < X * X; ++k) w[k] = int16_t(int(k * 37 % 101) - 50) * 40;
  for (unsigned k = 0; k < X; ++k) x[k] = int16_t(int(k * 53 % 17) - 8) * 300;
  for (bool panther : {false, true}) {
    auto a = make_array(params(X, panther));
    a->write_weights(w.data(), X, X);
    Flags f1, f2;
    a->mvm(x.data(), y1.data(), f1);
    if (panther) {
      Mcu m(params(X, true));
      std::vector<int32_t> w32(w.begin(), w.end());
      m.program(w32.data(), X, X);
      m.mvm(x.data(), y2.data(), f2);
      EXPECT_EQ(a->weight_at(3, 5), m.weight(3, 5));
    } else {
      Crossbar c(params(X, false));
      c.program(w.data(), X, X);
      c.mvm(x.data(), y2.data(), f2);
      EXPECT_EQ(a->weight_at(3, 5), c.weight(3, 5));
    }
    EXPECT_EQ(y1, y2) << "panther=" << panther;
    EXPECT_EQ(f1, f2);
  }
}

TEST(XbarArray, PumaArrayHasNeutralPantherOperations) {
  auto a = make_array(params(4, false));
  EXPECT_EQ(a->pending(), 0u);
  a->discard_pending();
  const auto r = a->commit();
  EXPECT_EQ(r.pairs, 0u);
  EXPECT_FALSE(r.crs);
  std::vector<int16_t> v(4, 1);
  EXPECT_THROW(a->opa(v.data(), v.data()), std::logic_error);
  EXPECT_THROW(a->crs(), std::logic_error);
  // 32-bit weights must fit int16 on a PUMA array; nothing changes otherwise.
  const int32_t ok[2] = {-32768, 32767}, big[2] = {1, 32768};
  a->write_weights32(ok, 1, 2);
  EXPECT_EQ(a->weight_at(0, 0), -32768);
  EXPECT_EQ(a->weight_at(0, 1), 32767);
  EXPECT_THROW(a->write_weights32(big, 1, 2), std::out_of_range);
  EXPECT_EQ(a->weight_at(0, 0), -32768);
}

TEST(XbarArray, PantherArrayTakesInt16AsRawWeightsAndKeepsPending) {
  auto a = make_array(params(4, true));
  const int16_t w[2] = {-7, 9};
  a->write_weights(w, 1, 2);
  EXPECT_EQ(a->weight_at(0, 0), -7);
  EXPECT_EQ(a->weight_at(0, 1), 9);
  std::vector<int16_t> x(4, 0), d(4, 0);
  a->opa(x.data(), d.data());
  EXPECT_EQ(a->pending(), 1u);
  a->discard_pending();
  EXPECT_EQ(a->pending(), 0u);
  a->clear();
  EXPECT_EQ(a->weight_at(0, 1), 0);
}

TEST(XbarArray, FinishRunAddsEventsAndResetsCounters) {
  // A saturating product: one output word clamped per MVM.
  for (bool panther : {false, true}) {
    auto a = make_array(params(4, panther));
    const int16_t w[1] = {32767};
    a->write_weights(w, 1, 1);
    std::vector<int16_t> x(4, 0), y(4, 0);
    x[0] = 32767;
    Flags f;
    if (!panther) {
      a->mvm(x.data(), y.data(), f);  // 32767 * 32767 / 2^12 saturates
    } else {
      // PANTHER rounds by 2f: saturate with a large weight instead.
      const int32_t big[1] = {int32_t{1} << 28};
      a->write_weights32(big, 1, 1);
      a->mvm(x.data(), y.data(), f);
    }
    a->mvm(x.data(), y.data(), f);
    EXPECT_TRUE(f.sat);
    ArrayEvents ev;
    ev.out_saturations = 5;  // added to, not overwritten
    a->finish_run(ev);
    EXPECT_EQ(ev.out_saturations, 7u) << "panther=" << panther;
    ArrayEvents again;
    a->finish_run(again);
    EXPECT_EQ(again.out_saturations, 0u);
  }
}
