"""Hostile recordings: FLAC files written byte by byte whose decoding costs
far more than their size.

A FLAC frame of CONSTANT subframes is a few bytes per channel whatever its
block size, so 65,535 frames of 8 channels fit in about 30 bytes: the
adversarial probe's 61 KB file (8 channels, 384 kHz, 299 s) decoded to
918 million samples.  The STREAMINFO header is written by the caller, so
it can lie about the length (or say "unknown") and about the format the
frames then carry.  Used by tests/integration/test_audio_limits.py and by
tests/fuzz/make-seeds.py (the audio fuzzer's corpus).
"""
import struct

MAX_BLOCK = 65535


def crc8(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def utf8_number(n):
    """FLAC's UTF-8-like coding of a frame number: k bytes hold 5*k+1 bits."""
    if n < 0x80:
        return bytes([n])
    k = 2
    while n >= 1 << (5 * k + 1):
        k += 1
    lead = (0xFF << (8 - k)) & 0xFF | (n >> (6 * (k - 1)))
    return bytes([lead] + [0x80 | (n >> (6 * i)) & 0x3F for i in range(k - 2, -1, -1)])


def streaminfo(rate, channels, total_frames, block=MAX_BLOCK, bits=16):
    """The STREAMINFO block (last metadata block); total_frames 0 means
    "unknown", as a streaming encoder writes it."""
    packed = (rate << 44) | ((channels - 1) << 41) | ((bits - 1) << 36) | total_frames
    body = struct.pack(">HH", block, block) + b"\0\0\0" + b"\0\0\0" + \
        packed.to_bytes(8, "big") + b"\0" * 16
    return bytes([0x80]) + len(body).to_bytes(3, "big") + body


def frame(number, block, channels, value=0, rate_code=0, rate_tail=b""):
    """One fixed-blocksize frame of `block` samples per channel, every
    channel a CONSTANT subframe of `value` (16-bit).  rate_code 0 takes the
    rate from STREAMINFO; 0b1101 with rate_tail (16-bit Hz) states one."""
    header = bytes([0xFF, 0xF8, (0b0111 << 4) | rate_code,
                    ((channels - 1) << 4) | (0b100 << 1)])
    header += utf8_number(number) + struct.pack(">H", block - 1) + rate_tail
    header += bytes([crc8(header)])
    sub = (bytes([0x00]) + struct.pack(">h", value)) * channels
    data = header + sub
    return data + struct.pack(">H", crc16(data))


def flac(rate, channels, seconds, header_frames=None, header_rate=None, header_channels=None,
         frame_rate_hz=None):
    """A FLAC of `seconds` of constant samples at rate/channels, in blocks of
    65,535 frames.  header_* make STREAMINFO say something else (frames
    0: unknown); frame_rate_hz writes the rate into each frame header."""
    total = int(rate * seconds)
    info = streaminfo(header_rate or rate, header_channels or channels,
                      total if header_frames is None else header_frames)
    rate_code, rate_tail = (0b1101, struct.pack(">H", frame_rate_hz)) \
        if frame_rate_hz else (0, b"")
    out = [b"fLaC", info]
    done = n = 0
    while done < total:
        block = min(MAX_BLOCK, total - done)
        block = max(block, 16)  # FLAC's smallest block
        out.append(frame(n, block, channels, value=(n % 7) * 100, rate_code=rate_code,
                         rate_tail=rate_tail))
        done += block
        n += 1
    return b"".join(out)


def refused():
    """The files refused before Sarvam hears anything: name -> (bytes, HTTP
    status of the answer route)."""
    return {
        # the adversarial probe's file: a true header, 918 M samples
        "probe-8ch-384k-299s": (flac(384000, 8, 299), 422),
        "rate-96k-stereo-299s": (flac(96000, 2, 299), 422),
        "channels-3-16k-60s": (flac(16000, 3, 60), 422),
        # an hour, said by the header
        "long-mono-16k-3600s": (flac(16000, 1, 3600), 413),
        # a header without the length, and 15 minutes of frames
        "unknown-length-2ch-48k-900s": (flac(48000, 2, 900, header_frames=0), 413),
        # the header says mono 16 kHz, every frame says 8 channels
        "lying-channels-8ch-in-mono": (flac(16000, 8, 600, header_channels=1,
                                            header_frames=16000 * 5), 415),
    }


def truncated():
    """A header that says 10 s over 15 minutes of frames: decoded to the
    header's 10 s and no further."""
    return flac(48000, 2, 900, header_frames=48000 * 10)


def slow():
    """Within every cap (stereo, 48 kHz, 299 s) and 11 KB: the most decoding
    work an answer may ask for, about 1.5 s of CPU time."""
    return flac(48000, 2, 299)
