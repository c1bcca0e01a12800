"""Reference tensors for qsvit's image pipeline, made by PIL and torchvision (Debian's python3-torchvision).

Usage: torchvision_reference.py OUT

Builds OUT/images/<class>/<file>: real photographs that Debian ships (scikit-image's sample images), some
converted with PIL to JPEG, BMP, GIF, WebP, 16-bit PNG, palette and EXIF-rotated JPEG, so every format and
pixel kind qsvit reads is covered. Then, for each file in the order torchvision's ImageFolder lists them (which
is qsvit's order too), computes what a PyTorch user's evaluation transform gives:
  rgb.npy      torchvision's pil_loader (Image.open(f).convert('RGB')), Resize(256), CenterCrop(224),
               ToTensor(), Normalize(ImageNet mean, std)             -> [N, 3, 224, 224] float32
  rgb_exif.npy the same after ImageOps.exif_transpose (EXIF orientation applied)
  grey.npy     convert('L'), Resize(256), CenterCrop(224), ToTensor(), Normalize([0.5], [0.25])
  labels.npy   the class index of each file
and writes files.txt with the relative paths, one per line.

16-bit grey: PIL's convert() clips 16-bit values above 255 to white; qsvit documents that it keeps the high
byte instead (what PIL does for 16-bit colour PNGs), so the reference for that file is computed from the high
bytes, as an 8-bit grey image.
"""
import os
import shutil
import sys

import numpy as np
import torch
import torchvision
from PIL import Image, ImageOps
from torchvision import transforms

SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"


def build(root):
    def src(name):
        return Image.open(os.path.join(SKIMAGE, name))

    def put(cls, name, save):
        folder = os.path.join(root, cls)
        os.makedirs(folder, exist_ok=True)
        save(os.path.join(folder, name))

    copy = lambda name: (lambda path: shutil.copyfile(os.path.join(SKIMAGE, name), path))
    # photographs as Debian ships them
    put("a_png", "astronaut.png", copy("astronaut.png"))
    put("a_png", "chelsea.png", copy("chelsea.png"))
    put("a_png", "coffee.png", copy("coffee.png"))
    put("a_png", "camera_grey.png", copy("camera.png"))
    put("a_png", "horse_rgba.png", copy("horse.png"))
    put("a_png", "green_palette.png", copy("green_palette.png"))
    put("b_jpeg", "hubble_deep_field.jpg", copy("hubble_deep_field.jpg"))
    put("b_jpeg", "rocket.jpg", copy("rocket.jpg"))
    # conversions with PIL
    put("b_jpeg", "coffee_q90.jpg", lambda p: src("coffee.png").save(p, quality=90))
    put("b_jpeg", "chelsea_444.jpg", lambda p: src("chelsea.png").convert("RGB").save(p, quality=95, subsampling=0))
    put("b_jpeg", "camera_grey.jpg", lambda p: src("camera.png").save(p, quality=85))
    # one side already 256 (one resampling pass only), and an image smaller than 256 (enlarged)
    put("a_png", "chelsea_width256.png", lambda p: src("chelsea.png").crop((40, 0, 296, 300)).save(p))
    put("a_png", "coffee_height256.png", lambda p: src("coffee.png").crop((10, 60, 390, 316)).save(p))
    put("a_png", "astronaut_enlarged.png", lambda p: src("astronaut.png").crop((100, 50, 330, 290)).save(p))
    put("c_bmp", "astronaut.bmp", lambda p: src("astronaut.png").save(p))
    put("c_bmp", "moon_grey.bmp", lambda p: src("moon.png").save(p))
    put("d_gif", "chelsea.gif", lambda p: src("chelsea.png").convert("RGB").quantize(colors=200).save(p))
    put("d_gif", "coins.gif", lambda p: src("coins.png").save(p))
    put("e_webp", "astronaut_lossless.webp", lambda p: src("astronaut.png").save(p, lossless=True))
    put("e_webp", "coffee_lossy.webp", lambda p: src("coffee.png").save(p, quality=80))

    def sixteen(p):
        grey = np.asarray(src("camera.png"), dtype=np.uint16)
        Image.fromarray((grey * 257 + 40).astype(np.uint16)).save(p)  # mode I;16 / I, saved as 16-bit PNG
    put("f_deep", "camera_16bit.png", sixteen)

    def rotated(p):
        exif = Image.Exif()
        exif[0x0112] = 6  # stored sideways: turn 90 degrees clockwise to view
        src("astronaut.png").transpose(Image.Transpose.ROTATE_90).save(p, quality=92, exif=exif)
    put("g_exif", "astronaut_orientation6.jpg", rotated)

    def oriented(value):
        def save(p):
            exif = Image.Exif()
            exif[0x0112] = value
            src("coffee.png").save(p, exif=exif.tobytes())  # PNG eXIf chunk
        return save
    for value in (2, 3, 4, 5, 7, 8):
        put("g_exif", "coffee_orientation%d.png" % value, oriented(value))


def load(path, mode, exif):
    with open(path, "rb") as f:
        image = Image.open(f)
        if path.endswith("_16bit.png"):
            image = Image.fromarray((np.asarray(image).astype(np.uint32) >> 8).astype(np.uint8))
        if exif:
            image = ImageOps.exif_transpose(image)
        return image.convert(mode)


def main(out):
    root = os.path.join(out, "images")
    build(root)
    # every file counts (torchvision lists no .gif among its default extensions)
    dataset = torchvision.datasets.ImageFolder(root, loader=lambda p: p, is_valid_file=lambda p: True)
    imagenet = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                                   transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    grey = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                               transforms.Normalize([0.5], [0.25])])
    files, labels, rgb, rgb_exif, grey_values = [], [], [], [], []
    for path, label in dataset.samples:
        files.append(os.path.relpath(path, root))
        labels.append(label)
        rgb.append(imagenet(load(path, "RGB", False)).numpy())
        rgb_exif.append(imagenet(load(path, "RGB", True)).numpy())
        grey_values.append(grey(load(path, "L", False)).numpy())
    np.save(os.path.join(out, "rgb.npy"), np.stack(rgb).astype(np.float32))
    np.save(os.path.join(out, "rgb_exif.npy"), np.stack(rgb_exif).astype(np.float32))
    np.save(os.path.join(out, "grey.npy"), np.stack(grey_values).astype(np.float32))
    np.save(os.path.join(out, "labels.npy"), np.array(labels, dtype=np.int64))
    with open(os.path.join(out, "files.txt"), "w") as f:
        f.write("\n".join(files) + "\n")
    print("torch", torch.__version__, "torchvision", torchvision.__version__, "PIL", Image.__version__,
          "files", len(files))


if __name__ == "__main__":
    torch.set_num_threads(1)
    main(sys.argv[1])
