// pumavp::fabric unit identities: which tile, and which core or the tile control unit, a
// unit of the node is. The run monitor, error reports and the kernel image (isa/kimage.h)
// use the same numbering: core c of tile t, or core = kTileUnit for the tile control unit.
#pragma once

#include <cstdint>
#include <string>

#include "isa/kimage.h"

namespace pumavp::fabric {

constexpr unsigned kTileUnit = isa::kTileUnit;  // "core" id of the tile control unit

struct UnitId {
  uint16_t tile = 0;
  uint8_t core = 0;  // kTileUnit for the tile control unit
  bool is_tile_unit() const { return core == kTileUnit; }
  // "tile 3 core 1" / "tile 3 tile unit" (error and deadlock reports).
  std::string describe() const {
    return "tile " + std::to_string(tile) +
           (is_tile_unit() ? std::string(" tile unit") : " core " + std::to_string(core));
  }
};

}  // namespace pumavp::fabric
