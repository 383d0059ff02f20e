#!/usr/bin/env python3
"""Writes the large hostile inputs of this case into OUTDIR (too big to keep in git)."""
import json
import os
import sys

out = sys.argv[1]
good = lambda i: f"g{i},2024-01-02T10:00:00+08:00,u{i},b1,click\n"
with open(os.path.join(out, "big.csv"), "w") as f:
    f.write("event_id,ts,user_id,brand,action\n" + good(1))
    f.write("x1,2024-01-02T10:00:00+08:00," + "a" * (1 << 20) + ",b1,click\n" + good(2))   # 3: 1 MiB field
    f.write("x2" + "," * 1_000_000 + "\n" + good(3))                                       # 5: a million columns
    f.write("x3,2024-01-02T10:00:00+08:00,u9,b1,click" + "," * 3 + "\n" + good(4))         # 7: 8 fields
    f.write("x4,2024-01-02T10:00:00+08:00,u9,b1,\"" + "q" * (3 << 20) + "\n")              # 9: 3 MiB open quote
event = lambda eid, **kw: json.dumps({"event_id": eid, "ts": "2024-01-02T10:00:00+08:00", "user_id": "u1",
                                      "brand": "b1", "action": "click", **kw})
lines = [
    event("j1", user_id="u20"),
    '{"event_id":"n1","ts":"2024-01-02T10:00:00+08:00","user_id":"u21","brand":"b1","action":"click","x":'
    + "[" * 200_000 + "]" * 200_000 + "}",  # 2: deeply nested, in a key that is not a column: kept
    '{"event_id":"n2","user_id":' + "[" * 100_000 + "]" * 100_000 + "}",            # 3: deeply nested value
    event("j2", user_id="u22"),
    event("h1", user_id="u23", pad="z" * (5 << 20)),                                 # 5: 5 MiB line, unknown key: kept
    '{"event_id":"o1","ts":"2024-01-02T10:00:00+08:00","user_id":"u24","brand":"b1","action":"purchase","amount":1e999}',
    event("o2", user_id=12345678901234567890123456789),                              # 7: a long numeric id: its text
    event("o3", user_id="u25", action="purchase", amount="99999999999999999999.99"),  # 8: overflow
    event("o4", user_id="u25", amount=True),                                          # 9: wrong type
    "[1,2,3]",                                                                        # 10: not an object
    '{"event_id":"d1","event_id":"d2","ts":"2024-01-02T10:00:00+08:00","user_id":"u26","brand":"b1","action":"click"}',
    '{"event_id":"t1","ts":"2024-01-02T10:00:00+08:00","user_id":"u27","brand":"b1","action":"click"',  # 12: truncated
    event("p1", user_id="0086 13912345678"),                                          # 13: clear-text phone
    event("j3", user_id="u28"),
]
with open(os.path.join(out, "big.jsonl"), "w") as f:
    f.write("\n".join(lines) + "\n")
