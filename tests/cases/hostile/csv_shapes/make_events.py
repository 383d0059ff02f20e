#!/usr/bin/env python3
"""Writes events.csv of this case (kept in git as bytes; rerun only to change it). Each bad row is
followed by a good one, so that a reader that loses its footing would lose good rows and fail the case."""
rows = [
    b"event_id,ts,user_id,brand,action,amount",
    b"g1,2024-01-02T10:00:00+08:00,u1,b1,click,",
    b"t1,2024-01-02T10:00:00+08:00,u2",                           # 3 truncated row
    b"g2,2024-01-02T10:00:00+08:00,u2,b1,click,\r",               # CRLF line among LF lines
    b'q1,2024-01-02T10:00:00+08:00,"u3,b1,click,',                # 5 unbalanced quote
    b"g3,2024-01-02T10:00:00+08:00,u3,b1,click,",
    b"n1,2024-01-02T10:00:00+08:00,u\x004,b1,click,",             # 7 NUL byte
    b"g4,2024-01-02T10:00:00+08:00,u4,b1,click,",
    b"v1,2024-01-02T10:00:00+08:00,u\xc3\x285,b1,click,",         # 9 invalid UTF-8
    b"g5,2024-01-02T10:00:00+08:00,u5,b1,purchase,12.50",
    b"o1,2024-01-02T10:00:00+08:00,u6,b1,purchase,99999999999999999999999",  # 11 numeric overflow
    b"o2,99999999999999999999,u6,b1,click,",                      # 12 ts overflow
    b"g6,2024-01-02T10:00:00+08:00,u6,b1,click,",
    b"z1,2024-01-02T10:00:00,u7,b1,click,",                       # 14 no offset
    b"z2,2101-01-02T10:00:00+08:00,u7,b1,click,",                 # 15 outside the range
    b"z3,2024-02-30T10:00:00+08:00,u7,b1,click,",                 # 16 no such day
    b"g7,2024-01-02T10:00:00+08:00,u7,b1,click,",
    b"a1,2024-01-02T10:00:00+08:00,u8,b1,teleport,",              # 18 unknown action
    b"g8,2024-01-02T10:00:00+08:00,u8,b1,click,",
    b"\xef\xbb\xbfb1,2024-01-02T10:00:00+08:00,u9,b1,click,",     # 20 BOM in the middle of the file
    b"b2,2024-01-02T10:00:00+08:00,u\xef\xbb\xbf9,b1,click,",     # 21 BOM inside a field
    b"g9,2024-01-02T10:00:00+08:00,u9,b1,click,",
    b"p1,2024-01-02T10:00:00+08:00,13812345678,b1,click,",        # 23 clear-text mobile number
    b"p2,2024-01-02T10:00:00+08:00,+86 138-1234-5678,b1,click,",  # 24 the same, formatted
    b"p3,2024-01-02T10:00:00+08:00,li.lei@example.com,b1,click,", # 25 clear-text e-mail
    b"c1,2024-01-02T10:00:00+08:00,u\x0710,b1,click,",            # 26 control character
    b"g10,2024-01-02T10:00:00+08:00,u10,b1,click,",
    b"g11,2024-01-02T10:00:00+08:00,u11,b1,click,",                # last row, no final newline
]
with open(__file__.replace("make_events.py", "events.csv"), "wb") as f:
    f.write(b"\n".join(rows))
