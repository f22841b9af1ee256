#!/usr/bin/env python3
"""What one uploaded document costs to analyse: wall time, CPU time and peak memory of the analysis worker
(`autotrack analysis-worker`, started as the server starts it) on ordinary files (the test fixtures: a photo and
a scanned PDF that need OCR, a PDF with a text layer) and on hostile ones (decompression bombs in three PDF
filter chains, a `stream` keyword flood as large as the largest upload allowed), with what each run ended in.

Usage: bench/uploads.py [path/to/autotrack] [--memory-mb 1024] [--runs 3] [--models-dir DIR]
       bench/uploads.py --self-test   (checks that every hostile file decodes to its intended size; no binary)
(default binary: target/release/autotrack, or $CARGO_TARGET_DIR/release/autotrack). The worker gets what the
server gives it: an empty environment but MIMALLOC_ARENA_RESERVE=64MiB and MIMALLOC_PURGE_DELAY=0, --threads max(1, cores - 1), --seconds
60 for an image and 600 for a PDF, --cpu-seconds = seconds x threads, --memory-mb as given (the server's default
is 1024). The hostile files are generated into a temporary folder as tests/common/hostile.rs makes them: every
bomb is written as its compressed bit stream, never by compressing the inflated bytes, so it takes well under a
second. A hostile input whose first run takes more than 20 s is run once. Prints a table and writes
bench/results/uploads.json. Uses only the Python standard library.
"""
import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1024 * 1024
FILL = ord(" ")  # byte of every bomb: valid padding both in a content stream and in an object stream
MAX_UPLOAD_BYTES = 10 * MIB  # the server's default AUTOTRACK_MAX_UPLOAD_BYTES
SLOW_HOSTILE_S = 20

# The server's messages for a worker that died without answering (src/documents/sandbox.rs).
MEMORY_FAILURE = "The file needs more memory to analyse than this server allows."
TOO_LONG = "The analysis took too long."
UNREADABLE = "The file could not be read (damaged or unsupported)."


# ---------------------------------------------------------------------------------------------------------------
# Hostile files: a port of tests/common/hostile.rs (same bytes).


class PdfWriter:
    """Appends numbered objects to a PDF and remembers where each starts."""

    def __init__(self, version):
        self.out = bytearray(f"%PDF-{version}\n".encode() + b"%\xe2\xe3\xcf\xd3\n")
        self.offsets = {}

    def object(self, number, body):
        self.offsets[number] = len(self.out)
        self.out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"

    def stream_object(self, number, dict_entries, data):
        """A stream object: `dict_entries` without /Length, which is added."""
        self.offsets[number] = len(self.out)
        self.out += f"{number} 0 obj\n<< {dict_entries} /Length {len(data)} >>\nstream\n".encode()
        self.out += data + b"\nendstream\nendobj\n"

    def finish_with_table(self, root):
        """A classic cross-reference table covering objects 0..=max, and a trailer."""
        size = max(self.offsets, default=0) + 1
        xref_offset = len(self.out)
        table = f"xref\n0 {size}\n0000000000 65535 f\r\n"
        for number in range(1, size):
            if number in self.offsets:
                table += f"{self.offsets[number]:010} 00000 n\r\n"
            else:
                table += "0000000000 65535 f\r\n"
        table += f"trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n"
        self.out += table.encode()
        return bytes(self.out)


def one_page_pdf_with_content(filter_entries, data):
    pdf = PdfWriter("1.4")
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    pdf.object(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    pdf.object(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>")
    pdf.stream_object(4, filter_entries, data)
    return pdf.finish_with_table(1)


class LsbWriter:
    """Writes bits least-significant first, as deflate does."""

    def __init__(self):
        self.out = bytearray()
        self.used = 0  # bits used in the last byte; 0 when it is full (or there is none)

    def bit(self, one):
        if self.used == 0:
            self.out.append(0)
        if one:
            self.out[-1] |= 1 << self.used
        self.used = (self.used + 1) % 8

    def bits(self, value, count):
        for i in range(count):
            self.bit((value >> i) & 1)

    def code(self, code_len):
        code, length = code_len
        for i in reversed(range(length)):
            self.bit((code >> i) & 1)

    def zeros(self, count):
        while count > 0 and self.used != 0:
            self.bit(0)
            count -= 1
        self.out += bytes(count // 8)
        for _ in range(count % 8):
            self.bit(0)

    def align(self):
        self.used = 0


def canonical_codes(lengths):
    """(code, length) per symbol of a canonical Huffman code (RFC 1951, 3.2.2)."""
    top = max(lengths, default=0)
    count = [0] * (top + 1)
    for n in lengths:
        if n:
            count[n] += 1
    nxt = [0] * (top + 1)
    code = 0
    for bits in range(1, top + 1):
        code = (code + count[bits - 1]) << 1
        nxt[bits] = code
    codes = []
    for n in lengths:
        if n == 0:
            codes.append((0, 0))
        else:
            codes.append((nxt[n], n))
            nxt[n] += 1
    return codes


def deflate_prefixed_run(prefix, byte, run):
    """Raw deflate of `prefix` (stored blocks) then `run` copies of `byte` in one dynamic-Huffman block where
    every 258 bytes (a length-258, distance-1 match) cost two zero bits."""
    w = LsbWriter()
    for start in range(0, len(prefix), 0xFFFF):
        chunk = prefix[start:start + 0xFFFF]
        w.bits(0, 1)  # BFINAL
        w.bits(0, 2)  # BTYPE 00: stored
        w.align()
        w.out += len(chunk).to_bytes(2, "little") + (len(chunk) ^ 0xFFFF).to_bytes(2, "little") + chunk
    w.bits(1, 1)  # BFINAL
    w.bits(2, 2)  # BTYPE 10: dynamic Huffman
    lit_codes, dist_codes = 286, 2
    lengths = [0] * (lit_codes + dist_codes)
    lengths[byte] = 2
    lengths[256] = 2
    lengths[285] = 1
    lengths[lit_codes] = 1  # distance code 0: distance 1
    lengths[lit_codes + 1] = 1  # distance code 1: distance 2, never used
    w.bits(lit_codes - 257, 5)  # HLIT
    w.bits(dist_codes - 1, 5)  # HDIST
    order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    cl_lengths = [0] * 19
    cl_lengths[0] = cl_lengths[2] = cl_lengths[18] = 2
    cl_lengths[1] = cl_lengths[17] = 3
    cl_codes = canonical_codes(cl_lengths)
    w.bits(18 - 4, 4)  # HCLEN
    for symbol in order[:18]:
        w.bits(cl_lengths[symbol], 3)
    i = 0
    while i < len(lengths):
        if lengths[i]:
            w.code(cl_codes[lengths[i]])
            i += 1
            continue
        zeros = 0
        while i + zeros < len(lengths) and lengths[i + zeros] == 0:
            zeros += 1
        i += zeros
        while zeros > 0:
            if zeros >= 11:
                n = min(zeros, 138)
                w.code(cl_codes[18])
                w.bits(n - 11, 7)
                zeros -= n
            elif zeros >= 3:
                w.code(cl_codes[17])
                w.bits(zeros - 3, 3)
                zeros = 0
            else:
                w.code(cl_codes[0])
                zeros -= 1
    codes = canonical_codes(lengths[:lit_codes])
    distance_codes = canonical_codes(lengths[lit_codes:])
    assert codes[285] == (0, 1) and distance_codes[0] == (0, 1)
    literal = codes[byte]
    if run > 0:
        w.code(literal)
        rest = run - 1
        w.zeros(rest // 258 * 2)
        for _ in range(rest % 258):
            w.code(literal)
    w.code(codes[256])  # end of block
    return bytes(w.out)


def adler32_prefixed_run(prefix, byte, run):
    """Adler-32 of `prefix` then `run` copies of `byte`, the run in closed form."""
    mod = 65521
    a, b = 1, 0
    for x in prefix:
        a = (a + x) % mod
        b = (b + a) % mod
    a_end = (a + run * byte) % mod
    b_end = (b + run * a + byte * (run * (run + 1) // 2)) % mod
    return (b_end << 16) | a_end


def zlib_prefixed_run(cmf, prefix, byte, run):
    flg = (31 - (cmf * 256) % 31) % 31
    return (bytes([cmf, flg]) + deflate_prefixed_run(prefix, byte, run)
            + adler32_prefixed_run(prefix, byte, run).to_bytes(4, "big"))


def lzw_run(byte, run):
    """PDF LZW (MSB-first codes of 9 to 12 bits, EarlyChange 1) for `run` copies of `byte`: after a clear code the
    k-th code stands for k bytes; a clear code after the 3837th code, before the table is full."""
    clear, eod, codes_per_table = 256, 257, 3837

    def width(nxt):
        return 9 if nxt < 511 else 10 if nxt < 1023 else 11 if nxt < 2047 else 12

    out = bytearray()
    acc = nbits = 0

    def put(code, w):
        nonlocal acc, nbits
        acc = (acc << w) | code
        nbits += w
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)
        acc &= (1 << nbits) - 1

    put(clear, 9)
    nxt, sent, remaining = 258, 0, run
    while remaining > 0:
        length = min(sent + 1, remaining)
        put(byte if length == 1 else 256 + length, width(nxt))
        remaining -= length
        if sent > 0:
            nxt += 1
        sent += 1
        if sent == codes_per_table and remaining > 0:
            put(clear, width(nxt))
            nxt, sent = 258, 0
    put(eod, width(nxt))
    if nbits:
        out.append((acc << (8 - nbits)) & 0xFF)
    return bytes(out)


def ascii85(data):
    """ASCII85 (`z` for four zero bytes) in lines of at most 75 characters, ending with `~>`."""
    out = bytearray()
    column = 0

    def push(chars):
        nonlocal column
        if column + len(chars) > 75:
            out.append(0x0A)
            column = 0
        out.extend(chars)
        column += len(chars)

    for start in range(0, len(data), 4):
        chunk = data[start:start + 4]
        if chunk == b"\0\0\0\0":
            push(b"z")
            continue
        value = int.from_bytes(chunk.ljust(4, b"\0"), "big")
        digits = bytearray(5)
        for k in range(4, -1, -1):
            digits[k] = 33 + value % 85
            value //= 85
        push(digits[:len(chunk) + 1])
    push(b"~>")
    return bytes(out)


def objstm_zlib_window_bomb(inflated_mib):
    """One page whose page object lives in a /FlateDecode object stream inflating to `inflated_mib` MiB, found
    through a cross-reference stream; the zlib header declares a 16 KiB window (0x68 0x05)."""
    index = b"3 0 "
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> >>\n"
    prefix = index + page
    data = zlib_prefixed_run(0x68, prefix, FILL, max(0, inflated_mib * MIB - len(prefix)))
    pdf = PdfWriter("1.5")
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    pdf.object(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    pdf.stream_object(4, f"/Type /ObjStm /N 1 /First {len(index)} /Filter /FlateDecode", data)
    xref_offset = len(pdf.out)
    entries = bytearray()
    for kind, field2, field3 in [(0, 0, 0xFFFF), (1, pdf.offsets[1], 0), (1, pdf.offsets[2], 0), (2, 4, 0),
                                 (1, pdf.offsets[4], 0), (1, xref_offset, 0)]:
        entries += bytes([kind]) + field2.to_bytes(4, "big") + field3.to_bytes(2, "big")
    pdf.stream_object(5, "/Type /XRef /Size 6 /W [1 4 2] /Index [0 6] /Root 1 0 R", bytes(entries))
    pdf.out += f"startxref\n{xref_offset}\n%%EOF\n".encode()
    return bytes(pdf.out)


def lzw_bomb(inflated_mib):
    """One page whose content stream is /LZWDecode, decoding to `inflated_mib` MiB of spaces."""
    return one_page_pdf_with_content("/Filter /LZWDecode", lzw_run(FILL, inflated_mib * MIB))


def objstm_lzw_bomb(inflated_mib):
    """One page, plus an /LZWDecode object stream (holding no object) that lopdf expands whole while loading."""
    pdf = PdfWriter("1.5")
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    pdf.object(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    pdf.object(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> >>")
    pdf.stream_object(4, "/Type /ObjStm /N 0 /First 0 /Filter /LZWDecode", lzw_run(FILL, inflated_mib * MIB))
    return pdf.finish_with_table(1)


def ascii85_flate_bomb(inflated_mib):
    """One page whose content stream is [/ASCII85Decode /FlateDecode], decoding to `inflated_mib` MiB of spaces."""
    zdata = zlib_prefixed_run(0x78, b"", FILL, inflated_mib * MIB)
    return one_page_pdf_with_content("/Filter [/ASCII85Decode /FlateDecode]", ascii85(zdata))


def stream_keyword_flood(size):
    """`%PDF-1.4\\n` then as many `stream\\n` as fit in `size` bytes; no object, no endstream."""
    head = b"%PDF-1.4\n"
    return head + b"stream\n" * (max(0, size - len(head)) // 7)


# ---------------------------------------------------------------------------------------------------------------
# Self-test: every hostile file decodes to its intended size.


def pdf_stream(pdf, number):
    """The raw data of stream object `number` (by its /Length)."""
    start = pdf.index(f"\n{number} 0 obj\n".encode()) + 1
    head_end = pdf.index(b">>\nstream\n", start)
    head = pdf[start:head_end].decode()
    length = int(head.split("/Length ")[1].split()[0])
    data_start = head_end + len(b">>\nstream\n")
    assert pdf[data_start + length:data_start + length + 11] == b"\nendstream\n"
    return data_start, pdf[data_start:data_start + length]


def inflate_count(zdata, fill, prefix=b""):
    """Inflates a zlib stream in chunks; checks that it is `prefix` then only `fill` bytes; returns its size."""
    d = zlib.decompressobj(15)
    total, head, tail = 0, b"", zdata
    while tail:
        chunk = d.decompress(tail, 16 * MIB)
        tail = d.unconsumed_tail
        if len(head) < len(prefix):
            take = prefix[len(head):]
            head += chunk[:len(take)]
            body = chunk[len(take):]
        else:
            body = chunk
        assert body.count(fill) == len(body), "an unexpected byte in the inflated data"
        total += len(chunk)
    assert d.eof and not d.unused_data, "the zlib stream does not end where it should (or its Adler-32 is wrong)"
    assert head == prefix
    return total


def lzw_decode_count(data, fill):
    """A plain PDF LZW decoder (EarlyChange 1) that counts the bytes it would output and checks they are all
    `fill`."""
    table_init = [bytes([i]) for i in range(256)] + [b"", b""]
    table = list(table_init)
    width, prev, total = 9, None, 0
    acc = nbits = pos = 0
    while True:
        while nbits < width:
            assert pos < len(data), "the data ends without an end-of-data code"
            acc = (acc << 8) | data[pos]
            pos += 1
            nbits += 8
        nbits -= width
        code = (acc >> nbits) & ((1 << width) - 1)
        acc &= (1 << nbits) - 1
        if code == 256:
            table, width, prev = list(table_init), 9, None
            continue
        if code == 257:
            break
        if prev is None:
            entry = table[code]
        else:
            if code < len(table):
                entry = table[code]
            elif code == len(table):
                entry = prev + prev[:1]
            else:
                raise AssertionError(f"code {code} beyond the table ({len(table)} entries)")
            assert len(table) < 4096, "the table overflows"
            table.append(prev + entry[:1])
            if len(table) + 1 >= (1 << width) and width < 12:
                width += 1
        assert entry[0] == fill and entry[-1] == fill
        total += len(entry)
        prev = entry
    assert len(data) - pos <= 1, "bytes after the end-of-data code"
    return total


def xref_table_ok(pdf):
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split()[0])
    assert pdf[xref:xref + 5] == b"xref\n"
    lines = pdf[xref:].split(b"\r\n")
    for number, line in enumerate(lines[1:5], start=1):
        offset = int(line.split()[0].decode())
        assert pdf[offset:].startswith(f"{number} 0 obj\n".encode()), f"xref entry {number}"


def self_test():
    t0 = time.perf_counter()
    pdf = objstm_zlib_window_bomb(400)
    made = time.perf_counter() - t0
    _, data = pdf_stream(pdf, 4)
    assert data[:2] == b"\x68\x05"
    page = b"3 0 << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> >>\n"
    n = inflate_count(data, b" ", page)
    assert n == 400 * MIB, n
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split()[0])
    _, entries = pdf_stream(pdf, 5)
    assert pdf[xref:].startswith(b"5 0 obj\n")
    for number in (1, 2, 4, 5):
        e = entries[number * 7:number * 7 + 7]
        assert e[0] == 1 and pdf[int.from_bytes(e[1:5], "big"):].startswith(f"{number} 0 obj\n".encode())
    print(f"objstm zlib window bomb: {len(pdf)} bytes (made in {made:.2f} s), inflates to {n} bytes "
          f"= {n // MIB} MiB")

    t0 = time.perf_counter()
    pdf = lzw_bomb(1024)
    made = time.perf_counter() - t0
    xref_table_ok(pdf)
    _, data = pdf_stream(pdf, 4)
    n = lzw_decode_count(data, FILL)
    assert n == 1024 * MIB, n
    print(f"LZW bomb: {len(pdf)} bytes (made in {made:.2f} s), decodes to {n} bytes = {n // MIB} MiB")
    for size in (0, 1, 2, 3, 7, 1000, 7_363_000, 7_363_203, 7_363_204, 3 * 7_363_203 + 5):
        assert lzw_decode_count(lzw_run(FILL, size), FILL) == size, size

    t0 = time.perf_counter()
    pdf = ascii85_flate_bomb(1024)
    made = time.perf_counter() - t0
    xref_table_ok(pdf)
    _, data = pdf_stream(pdf, 4)
    assert max(len(line) for line in data.split(b"\n")) <= 75
    import base64
    zdata = base64.a85decode(data, adobe=True)
    assert zdata[:1] == b"\x78"
    n = inflate_count(zdata, b" ")
    assert n == 1024 * MIB, n
    print(f"ASCII85+Flate bomb: {len(pdf)} bytes (made in {made:.2f} s), decodes to {n} bytes = {n // MIB} MiB")
    for size in range(0, 9):
        sample = bytes(range(1, size + 1)) + bytes(size) + b"\xff" * size
        assert base64.a85decode(ascii85(sample), adobe=True) == sample
    for size in (0, 1, 257, 258, 259, 65536 + 3):
        assert zlib.decompress(zlib_prefixed_run(0x78, b"ab" * 40000, FILL, size)) == b"ab" * 40000 + b" " * size

    flood = stream_keyword_flood(MAX_UPLOAD_BYTES)
    assert flood.startswith(b"%PDF-1.4\nstream\n") and len(flood) <= MAX_UPLOAD_BYTES < len(flood) + 7
    print(f"stream keyword flood: {len(flood)} bytes, {flood.count(b'stream')} keywords")
    print("self-test passed")


# ---------------------------------------------------------------------------------------------------------------
# Running the worker.


def mem_total_mib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return 0


def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def run_once(binary, path, mime, seconds, threads, memory_mb, models_dir):
    """One worker run, as the server starts it: its wall and CPU seconds, peak RSS and what it ended in."""
    args = [binary, "analysis-worker", path, "--mime", mime, "--memory-mb", str(memory_mb),
            "--cpu-seconds", str(seconds * threads), "--seconds", str(seconds), "--threads", str(threads)]
    if models_dir:
        args += ["--models-dir", models_dir]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, env={"MIMALLOC_ARENA_RESERVE": "64MiB", "MIMALLOC_PURGE_DELAY": "0"}, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err)
        # The server kills a worker 5 s after its own deadline.
        reaped = threading.Event()
        timed_out = []

        def kill():
            if not reaped.is_set():
                timed_out.append(True)
                proc.kill()

        timer = threading.Timer(seconds + 5, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        reaped.set()
        timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read(16 * MIB)
        stderr = err.read().decode(errors="replace")
    sample = {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }
    answer = None
    try:
        answer = json.loads(stdout)
    except ValueError:
        pass
    code = proc.returncode
    if isinstance(answer, dict) and isinstance(answer.get("failure"), dict):
        sample["outcome"] = f"failure: {answer['failure'].get('en')}"
        sample["server_answer"] = answer["failure"].get("en")
    elif isinstance(answer, dict) and "text" in answer:
        sample["outcome"] = f"ok ({answer.get('source')}, {answer.get('pages')} pages)"
        sample["server_answer"] = "ok"
        sample["text_chars"] = len(answer.get("text") or "")
    else:
        how = f"killed by {signal_name(-code)}" if code < 0 else f"exit {code}"
        if timed_out:
            hint, server = "wall-clock budget", TOO_LONG
        elif code == -signal.SIGXCPU:
            hint, server = "CPU limit", TOO_LONG
        elif "memory allocation of" in stderr or "out of memory" in stderr:
            hint, server = "memory limit", MEMORY_FAILURE
        else:
            hint, server = None, UNREADABLE
        sample["outcome"] = f"{how} ({hint})" if hint else how
        sample["server_answer"] = server
        tail = stderr.strip()[-300:]
        if tail:
            sample["stderr_tail"] = tail
    return sample


def measure(binary, item, settings, runs):
    seconds = 600 if item["mime"] == "application/pdf" else 60
    samples = []
    for i in range(runs):
        samples.append(run_once(binary, item["path"], item["mime"], seconds, settings["threads"],
                                settings["memory_mb"], settings["models_dir"]))
        if item["hostile"] and i == 0 and samples[0]["wall_s"] > SLOW_HOSTILE_S:
            break
    outcomes = list(dict.fromkeys(s["outcome"] for s in samples))
    answers = list(dict.fromkeys(s["server_answer"] for s in samples))
    return {
        "name": item["name"],
        "hostile": item["hostile"],
        "mime": item["mime"],
        "file_bytes": os.path.getsize(item["path"]),
        "decoded_bytes": item.get("decoded_bytes"),
        "runs": len(samples),
        "wall_s_median": round(statistics.median(s["wall_s"] for s in samples), 2),
        "cpu_s_median": round(statistics.median(s["cpu_s"] for s in samples), 2),
        "peak_rss_mib_median": round(statistics.median(s["peak_rss_mib"] for s in samples), 1),
        "peak_rss_mib_max": max(s["peak_rss_mib"] for s in samples),
        "outcome": " / ".join(outcomes),
        "server_answer": " / ".join(answers),
        "samples": samples,
    }


def human_size(n):
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} B"


def main():
    parser = argparse.ArgumentParser(description="What one uploaded document costs to analyse.")
    parser.add_argument("binary", nargs="?", default="target/release/autotrack")
    parser.add_argument("--memory-mb", type=int, default=1024,
                        help="the worker's address-space limit in MiB (default 1024, as the server's)")
    parser.add_argument("--runs", type=int, default=3, help="runs per input (default 3)")
    parser.add_argument("--models-dir", help="OCR models folder (default: the models embedded in the binary)")
    parser.add_argument("--self-test", action="store_true", help="check the hostile files' decoded sizes and exit")
    opts = parser.parse_args()
    if opts.self_test:
        self_test()
        return
    binary = opts.binary
    if not os.path.exists(binary) and os.environ.get("CARGO_TARGET_DIR"):
        binary = os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "autotrack")
    if not os.path.exists(binary):
        raise SystemExit(f"no binary at {binary}: build it (cargo build --release) or pass its path")
    binary = os.path.abspath(binary)
    cores = os.cpu_count() or 1
    settings = {
        "memory_mb": opts.memory_mb,
        "threads": max(1, cores - 1),
        "seconds": {"image": 60, "pdf": 600},
        "cpu_seconds": {"image": 60 * max(1, cores - 1), "pdf": 600 * max(1, cores - 1)},
        "runs": opts.runs,
        "models_dir": opts.models_dir,
        "env": {"MIMALLOC_ARENA_RESERVE": "64MiB", "MIMALLOC_PURGE_DELAY": "0"},
    }
    machine = {"cores": cores, "mem_total_mib": mem_total_mib(), "arch": platform.machine(),
               "kernel": platform.release()}
    fixtures = os.path.join(ROOT, "tests", "fixtures")
    items = [
        {"name": "photo of an invoice (JPEG, OCR)", "file": "invoice.jpg", "mime": "image/jpeg"},
        {"name": "scanned invoice (PDF, OCR)", "file": "invoice-scan.pdf", "mime": "application/pdf"},
        {"name": "invoice with a text layer (PDF)", "file": "invoice-text.pdf", "mime": "application/pdf"},
    ]
    for item in items:
        item["path"] = os.path.join(fixtures, item.pop("file"))
        item["hostile"] = False
    print(f"== analysis worker: {binary}, --memory-mb {opts.memory_mb}, --threads {settings['threads']}, "
          f"{cores} cores, {machine['mem_total_mib'] / 1024:.0f} GiB, median of {opts.runs} run(s) per input",
          flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="autotrack-uploads-") as tmp:
        hostile = [
            ("object-stream zlib bomb, 16 KiB window, 400 MiB inflated", "objstm.pdf",
             lambda: objstm_zlib_window_bomb(400), 400 * MIB),
            ("LZW content-stream bomb, 1 GiB decoded", "lzw.pdf", lambda: lzw_bomb(1024), 1024 * MIB),
            ("ASCII85+Flate content-stream bomb, 1 GiB decoded", "a85.pdf", lambda: ascii85_flate_bomb(1024),
             1024 * MIB),
            ("object-stream LZW bomb, 1 GiB decoded", "objstm-lzw.pdf", lambda: objstm_lzw_bomb(1024),
             1024 * MIB),
            ("`stream` keyword flood, 10 MiB (largest upload)", "flood.pdf",
             lambda: stream_keyword_flood(MAX_UPLOAD_BYTES), None),
        ]
        for name, file, make, decoded in hostile:
            path = os.path.join(tmp, file)
            with open(path, "wb") as f:
                f.write(make())
            items.append({"name": name, "path": path, "mime": "application/pdf", "hostile": True,
                          "decoded_bytes": decoded})
        for item in items:
            print(f"   {item['name']} ...", end="", flush=True, file=sys.stderr)
            results.append(measure(binary, item, settings, opts.runs))
            print(f" {results[-1]['wall_s_median']} s", file=sys.stderr)

    head = ["input", "file", "runs", "wall s", "CPU s", "peak RSS MiB", "outcome"]
    rows = [[r["name"], human_size(r["file_bytes"]), str(r["runs"]), f"{r['wall_s_median']:.2f}",
             f"{r['cpu_s_median']:.2f}", f"{r['peak_rss_mib_median']:.1f}", r["outcome"]] for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    for r in results:
        if r["server_answer"] != "ok" and not r["outcome"].startswith("failure:"):
            print(f"{r['name']}: the server reports \"{r['server_answer']}\"")

    result = {"binary": binary, "machine": machine, "settings": settings, "inputs": results}
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "uploads.json"), "w") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
