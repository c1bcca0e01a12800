"""PIL's bilinear resize of raw 8-bit images: the reference for qsvit's Resampler (ResamplerPilTest).

Usage: pil_resize.py FOLDER
FOLDER/cases.txt has one case per line: "name mode width height out_width out_height" (mode L or RGB); the raw
samples are in FOLDER/name.raw. Writes PIL's Image.resize((out_width, out_height), BILINEAR) (what torchvision's
Resize calls) of each to FOLDER/name.pil.
"""
import os
import sys

from PIL import Image


def main(folder):
    with open(os.path.join(folder, "cases.txt")) as f:
        for line in f:
            if not line.strip():
                continue
            name, mode, w, h, ow, oh = line.split()
            with open(os.path.join(folder, name + ".raw"), "rb") as raw:
                image = Image.frombytes(mode, (int(w), int(h)), raw.read())
            resized = image.resize((int(ow), int(oh)), Image.BILINEAR)
            with open(os.path.join(folder, name + ".pil"), "wb") as out:
                out.write(resized.tobytes())


if __name__ == "__main__":
    main(sys.argv[1])
