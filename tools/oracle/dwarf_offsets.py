# gdb-multiarch -batch PROG -x dwarf_offsets.py, with OFFSETS=offsets-<arch>.json:
# compares the go_asm.h struct offsets and sizes in the JSON with the DWARF of
# PROG (a linked Go binary). go_asm.h names a field <struct>_<field> and a size
# <struct>__size, for the runtime's struct types runtime.<struct>.
import json
import os

import gdb

offsets = json.load(open(os.environ["OFFSETS"]))
checked = 0
bad = []
for name, value in sorted(offsets.items()):
    if name.startswith(("const_", "goarch_")) or not isinstance(value, int):
        continue
    struct, sep, field = name.partition("_")
    if not sep:
        continue
    try:
        t = gdb.lookup_type("runtime." + struct)
    except gdb.error:
        continue
    if field == "_size":
        got = t.sizeof
    else:
        fs = [f for f in t.fields() if f.name == field]
        if not fs:
            continue
        got = fs[0].bitpos // 8
    checked += 1
    if got != value:
        bad.append("%s: go_asm.h %d, DWARF %d" % (name, value, got))
print("DWARF check of %s: %d offsets/sizes compared, %d mismatches" % (os.path.basename(os.environ["OFFSETS"]), checked, len(bad)))
for b in bad:
    print("  " + b)
if bad:
    gdb.execute("quit 1")
