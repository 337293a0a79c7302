// PayloadPool — payloads for blocking calls that may never return (issue 15, defect 1).
//
// A b_transport that waits (a window read of a not-yet-valid word, a DMA beat) may still be
// waiting when the simulation ends; SystemC then frees the thread's stack without running
// its destructors. A payload on that stack leaks its extension array, and a stack extension
// attached to a longer-lived payload is deleted by that payload's destructor ("free(): invalid
// size"). A module that initiates such calls therefore leases its payloads from a pool it
// owns: the entry lives as long as the module, carries its own MemExtension (never a stack
// one), and detaches it before the payload is destroyed, whether or not the call came back.
#pragma once

#include <memory>
#include <vector>

#include <tlm>

#include "fabric/mem_extension.h"

namespace pumavp::fabric {

class PayloadPool {
  struct Entry {
    tlm::tlm_generic_payload gp;
    MemExtension ext;  // the only extension an entry ever carries; owned here, not by gp
    ~Entry() { gp.clear_extension(&ext); }
  };

 public:
  // One payload for one call; returned to the pool when the lease ends. A lease whose call
  // never returns keeps its entry until the pool is destroyed (no leak, nothing dangling).
  class Lease {
   public:
    explicit Lease(PayloadPool& pool) : pool_(pool), e_(pool.acquire()) {}
    ~Lease() { pool_.release(e_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    tlm::tlm_generic_payload& payload() { return e_->gp; }
    // Attaches the entry's MemExtension, reset to its defaults, and returns it.
    MemExtension& mem_ext() {
      e_->ext.count = 1;
      e_->ext.peek = e_->ext.force = false;
      e_->ext.hook = nullptr;
      e_->gp.set_extension(&e_->ext);
      return e_->ext;
    }

   private:
    PayloadPool& pool_;
    Entry* e_;
  };

  // Entries ever created (the largest number of calls in flight at once).
  size_t size() const { return all_.size(); }

 private:
  Entry* acquire() {
    if (free_.empty()) {
      all_.push_back(std::make_unique<Entry>());
      return all_.back().get();
    }
    Entry* e = free_.back();
    free_.pop_back();
    return e;
  }
  void release(Entry* e) {
    e->gp.clear_extension(&e->ext);
    e->gp.set_data_ptr(nullptr);
    e->gp.set_byte_enable_ptr(nullptr);
    e->gp.set_byte_enable_length(0);
    e->gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    free_.push_back(e);
  }

  std::vector<std::unique_ptr<Entry>> all_;
  std::vector<Entry*> free_;
};

}  // namespace pumavp::fabric
