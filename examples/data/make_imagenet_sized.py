"""ImageNet-sized JPEGs for `qsvit benchmark --suite images --data FOLDER` (docs/benchmarks.md).

Usage: /usr/bin/python3 make_imagenet_sized.py FOLDER [COUNT]
Takes ten colour photographs scikit-image ships (Debian's python3-skimage), crops each to the aspect of one of
ImageNet's common sizes and scales it there with PIL (Lanczos), and saves COUNT (default 70) JPEGs at quality 90
in two class folders, a/ and b/. The same arguments always give the same files.
"""
import os
import sys

from PIL import Image

SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "hubble_deep_field.jpg", "rocket.jpg",
          "motorcycle_left.png", "retina.jpg", "ihc.png", "motorcycle_right.png", "color.png"]
SIZES = [(500, 375), (500, 333), (375, 500), (500, 400), (640, 480), (500, 500), (333, 500)]


def main(folder, count):
    for name in ("a", "b"):
        os.makedirs(os.path.join(folder, name), exist_ok=True)
    for k in range(count):
        width, height = SIZES[k % len(SIZES)]
        image = Image.open(os.path.join(SKIMAGE, PHOTOS[k % len(PHOTOS)])).convert("RGB")
        w, h = image.size
        aspect = width / height
        if w / h > aspect:
            cut = int(h * aspect)
            box = ((w - cut) // 2, 0, (w - cut) // 2 + cut, h)
        else:
            cut = int(w / aspect)
            box = (0, (h - cut) // 2, w, (h - cut) // 2 + cut)
        image = image.crop(box).resize((width, height), Image.LANCZOS)
        image.save(os.path.join(folder, "a" if k % 2 == 0 else "b", "%02d.jpg" % k), quality=90)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 70)
