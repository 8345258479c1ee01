#!/usr/bin/env python3
"""zxing-cpp as the peer in the QR benchmarks (run by `cargo bench -p helpcard-qr --bench qr`).

photos IMAGE...  -> one JSON line per image: {"path", "texts": [...]}
time REPEAT IMAGE... -> one JSON line per image: {"path", "texts", "seconds_per_read"}
Images are loaded and converted to 8-bit gray before timing; only decoding is timed.
"""
import json
import sys
import time

import zxingcpp
from PIL import Image


def gray(path):
    return Image.open(path).convert("L")


def main():
    mode = sys.argv[1]
    if mode == "photos":
        for path in sys.argv[2:]:
            results = zxingcpp.read_barcodes(gray(path), formats=zxingcpp.BarcodeFormat.QRCode)
            print(json.dumps({"path": path, "texts": [r.text for r in results]}), flush=True)
    elif mode == "time":
        repeat = int(sys.argv[2])
        for path in sys.argv[3:]:
            img = gray(path)
            results = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
            start = time.perf_counter()
            for _ in range(repeat):
                zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
            elapsed = (time.perf_counter() - start) / repeat
            print(json.dumps({"path": path, "texts": [r.text for r in results], "seconds_per_read": elapsed}), flush=True)
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
