// Node::perf() — the PERF figures of NodeControl, summed from the parts' own counters.
#include <unordered_set>
#include <vector>

#include "node/node.h"

namespace pumavp::node {

NodePerf Node::perf() const {
  NodePerf p;
  // Parts may share one counter or ledger (the network interfaces of a mesh do): each once.
  // (A node has one ledger per core: the seen-set keeps this linear.)
  std::vector<const uint64_t*> flits;
  std::vector<const EnergyLedger*> ledgers;
  std::unordered_set<const void*> seen;
  auto once = [&seen](auto& list, const auto* item) {
    if (seen.insert(item).second) list.push_back(item);
  };
  for (unsigned t = 0; t < mesh_->num_tiles(); ++t) {
    once(flits, &mesh_->ni(t).flits());
    once(ledgers, &mesh_->ni(t).energy());
  }
  for (unsigned r = 0; r < mesh_->num_routers(); ++r) {
    const noc::MeshRouter& router = mesh_->router(r);
    for (unsigned port = 0; port < router.num_ports(); ++port)
      if (router.has_port(port)) once(flits, router.link(port).flits);
  }
  for (const auto& tile : tiles_) {
    for (unsigned c = 0; c < tile->num_cores(); ++c) {
      core::CoreStats& cs = tile->core(c).exec().stats();
      p.instructions += cs.instructions;
      p.mvms += cs.mvm;
      once(ledgers, &cs.energy);
    }
    p.instructions += tile->unit().instructions();
    once(ledgers, &tile->unit().energy());
  }
  for (const uint64_t* f : flits) p.flits += *f;
  for (const EnergyLedger* l : ledgers)
    for (unsigned i = 0; i < kNumComponents; ++i) p.energy.pj[i] += l->pj[i];
  return p;
}

}  // namespace pumavp::node
