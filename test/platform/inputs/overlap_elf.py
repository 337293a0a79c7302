"""Writes a minimal RV32 ELF executable whose two PT_LOAD segments overlap: segment 0 holds
code at 0x80000000 (8 bytes), segment 1 is a zero fill of 16 bytes from 0x80000004, which
would overwrite the second instruction if both were loaded. argv[1]: output path;
argv[2] (optional) 'virtual': overlap only the virtual addresses (physical ones apart)."""
import struct
import sys

virtual = len(sys.argv) > 2 and sys.argv[2] == "virtual"
ehsize, phentsize, phnum = 52, 32, 2
code_off = ehsize + phentsize * phnum
code = struct.pack("<II", 0x00000013, 0x0000006F)  # nop; j .
hdr = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
hdr += struct.pack("<HHIIIIIHHHHHH", 2, 243, 1, 0x80000000, ehsize, 0, 0, ehsize, phentsize, phnum, 40, 0, 0)
seg0 = struct.pack("<IIIIIIII", 1, code_off, 0x80000000, 0x80000000, len(code), len(code), 5, 4)
p1 = 0x80001000 if virtual else 0x80000004
seg1 = struct.pack("<IIIIIIII", 1, code_off + len(code), 0x80000004, p1, 0, 16, 6, 4)
with open(sys.argv[1], "wb") as f:
    f.write(hdr + seg0 + seg1 + code)
