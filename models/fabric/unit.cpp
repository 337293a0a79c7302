#include "fabric/unit.h"

#include <sstream>

namespace pumavp::fabric {

std::string Unit::describe_blocked(const BlockInfo& b) const {
  return describe_block(b, describe_instr(b.instr));
}

std::string describe_block(const BlockInfo& b, const std::string& instr_text) {
  std::ostringstream os;
  os << "pc " << b.pc << ": " << instr_text;
  os << " -- waits: " << block_reason_name(b.reason);
  switch (b.reason) {
    case BlockReason::Consume:
    case BlockReason::Produce:
      os << " at word " << b.addr << " (valid=" << (b.attr_valid ? 1 : 0)
         << ", count=" << b.attr_count << ")";
      if (b.host_input) os << ", a host input";
      break;
    case BlockReason::FifoEmpty:
      os << " FIFO " << b.addr;
      break;
    default:
      break;
  }
  return os.str();
}

}  // namespace pumavp::fabric
