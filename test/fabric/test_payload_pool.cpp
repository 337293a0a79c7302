// PayloadPool (issue 15, defect 1): leases are reused, nested leases get distinct payloads,
// a lease attaches the pool's own extension with default fields, and a lease that is never
// ended (its call never returned) is reclaimed by the pool without freeing a foreign object.
#include <gtest/gtest.h>

#include <new>

#include "fabric/payload_pool.h"

using pumavp::fabric::MemExtension;
using pumavp::fabric::PayloadPool;

TEST(PayloadPool, SequentialLeasesReuseOneEntryAndNestedOnesDoNot) {
  PayloadPool pool;
  tlm::tlm_generic_payload* first = nullptr;
  {
    PayloadPool::Lease a(pool);
    first = &a.payload();
  }
  {
    PayloadPool::Lease b(pool);
    EXPECT_EQ(&b.payload(), first);
    PayloadPool::Lease c(pool);
    EXPECT_NE(&c.payload(), &b.payload());
  }
  EXPECT_EQ(pool.size(), 2u);
}

TEST(PayloadPool, ExtensionIsResetAttachedAndDetachedAtRelease) {
  PayloadPool pool;
  tlm::tlm_generic_payload* gp = nullptr;
  {
    PayloadPool::Lease a(pool);
    gp = &a.payload();
    MemExtension& e = a.mem_ext();
    EXPECT_EQ(e.count, 1);
    EXPECT_FALSE(e.peek);
    e.count = 7;
    e.peek = true;
    MemExtension* got = nullptr;
    gp->get_extension(got);
    EXPECT_EQ(got, &e);
  }
  MemExtension* after = nullptr;
  gp->get_extension(after);
  EXPECT_EQ(after, nullptr);  // released: nothing attached
  PayloadPool::Lease b(pool);
  MemExtension& e2 = b.mem_ext();
  EXPECT_EQ(e2.count, 1);  // a new lease starts from the defaults
  EXPECT_FALSE(e2.peek);
}

// A call that never returns: its Lease is never destroyed. The pool still owns the entry and,
// when it goes, detaches the extension before the payload is destroyed (under ASan, a payload
// deleting an extension it does not own, or a leaked payload, fails this test).
TEST(PayloadPool, ALeaseThatNeverEndsIsReclaimedByThePool) {
  alignas(PayloadPool::Lease) unsigned char frame[sizeof(PayloadPool::Lease)];
  {
    PayloadPool pool;
    auto* stuck = new (frame) PayloadPool::Lease(pool);  // never destroyed, like a dead stack
    stuck->mem_ext().count = 3;
    stuck->payload().set_data_length(4);
    PayloadPool::Lease other(pool);
    EXPECT_NE(&other.payload(), &stuck->payload());
  }
  SUCCEED();
}
