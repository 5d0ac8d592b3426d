"""Writes a copy of a target JSON file with some fields set.

usage: set_field.py IN.json OUT.json SECTION.FIELD=JSON [SECTION.FIELD=JSON ...]

A `device.*` field on a target without a device section first adds the
default device (pcm at 25 uS, no stuck-at faults).
"""
import json
import sys

target = json.load(open(sys.argv[1]))
for arg in sys.argv[3:]:
    path, value = arg.split("=", 1)
    section, field = path.split(".")
    if section == "device" and "device" not in target:
        target["device"] = {"model": "pcm", "gmax_us": 25.0, "rram_sigma": 0.02,
                            "stuck_at_0": 0.0, "stuck_at_max": 0.0}
    target[section][field] = json.loads(value)
json.dump(target, open(sys.argv[2], "w"), indent=2)
