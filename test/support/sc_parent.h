// pumavp::testing::ScParent — a parent module for tests: builds its children inside its own
// constructor, so that they get hierarchical SystemC names (and with them their stats
// prefixes), e.g. a "node" holding "tile0" gives "node.tile0.core0.*" as inside a real Node.
#pragma once

#include <functional>

#include <systemc>

namespace pumavp::testing {

struct ScParent : sc_core::sc_module {
  ScParent(sc_core::sc_module_name name, const std::function<void()>& build) : sc_module(name) {
    build();
  }
};

}  // namespace pumavp::testing
