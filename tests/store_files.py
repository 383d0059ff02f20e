"""Reads an aips data directory's files as their plain bytes, for tests that search them (forget_test):
the zstd-packed parts (dictionary chunks "2DCK" and version-2 framed tables, docs/formats.md §2-§3) are
unpacked with Debian's zstd tool, so a name inside them is found as if it were stored plain."""
import struct
import subprocess

# Framed tables whose version 2 holds raw_len u64 + one zstd frame (common/compress.h).
PACKED_TABLES = {b"AIPSNOT1", b"AIPSCON1", b"AIPSFP01", b"AIPSATT1", b"AIPSTBL1", b"AIPSEXP1"}
PLAIN_CHUNK, PACKED_CHUNK = 0x4B434431, 0x4B434432


def unzstd(frame):
    return subprocess.run(["zstd", "-d", "-q", "-c"], input=frame, capture_output=True, check=True).stdout


def _dict_plain(b):
    out, pos = [], 0
    while pos + 24 <= len(b):
        magic, _count, n = struct.unpack_from("<IIQ", b, pos)
        if magic not in (PLAIN_CHUNK, PACKED_CHUNK) or pos + 24 + n > len(b):
            out.append(b[pos:])  # an uncommitted or unknown tail: searched as it is
            return b"".join(out)
        body = b[pos + 16:pos + 16 + n]
        out.append(b[pos:pos + 16])
        out.append(unzstd(body[8:]) if magic == PACKED_CHUNK else body)
        out.append(b[pos + 16 + n:pos + 24 + n])
        pos += 24 + n
    out.append(b[pos:])
    return b"".join(out)


def plain_bytes(path):
    """The file's bytes, with every packed part replaced by what it packs."""
    with open(path, "rb") as f:
        b = f.read()
    if path.endswith(".dict"):
        return _dict_plain(b)
    if len(b) >= 32 and b[:8] in PACKED_TABLES and struct.unpack_from("<I", b, 8)[0] == 2:
        return b[:24] + unzstd(b[32:-8]) + b[-8:]
    return b
