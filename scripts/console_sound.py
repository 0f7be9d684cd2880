"""Writes web/console/notify.wav, the console's "new handoff" chime: two soft sine tones
(E6 then A5) with a fade, 16 kHz mono 16-bit, ~0.4 s. Generated here rather than fetched, so
the console makes no third-party request. Run: `.venv/bin/python scripts/console_sound.py`."""

import math
import struct
import wave
from pathlib import Path

RATE = 16_000
TONES = ((1318.5, 0.16), (880.0, 0.24))  # (frequency Hz, seconds)
VOLUME = 0.35
TARGET = Path(__file__).resolve().parents[1] / "web" / "console" / "notify.wav"


def samples() -> list[int]:
    out: list[int] = []
    for frequency, seconds in TONES:
        n = int(RATE * seconds)
        for i in range(n):
            envelope = min(1.0, i / (0.01 * RATE)) * (1 - i / n) ** 2  # 10 ms attack, decay
            value = VOLUME * envelope * math.sin(2 * math.pi * frequency * i / RATE)
            out.append(int(value * 32767))
    return out


def main() -> None:
    with wave.open(str(TARGET), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        data = samples()
        wav.writeframes(struct.pack(f"<{len(data)}h", *data))
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
