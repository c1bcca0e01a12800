"""PIL + torchvision side of qsvit's images benchmark: serves timed passes over the same files.

Usage: bench_pil.py FILE_LIST   (one image path per line)
Prints "ready N", then for each "run" line on standard input decodes and preprocesses every file the way a
PyTorch user's evaluation does (torchvision's pil_loader, Resize(256), CenterCrop(224), ToTensor, Normalize with
the ImageNet mean and std), on one thread, and prints "seconds S". Exit code 3: torchvision or PIL missing.
"""
import sys
import time

try:
    import torch
    from PIL import Image
    from torchvision import transforms
except ImportError as e:
    print("PIL and torchvision are needed (Debian: python3-pil, python3-torchvision): %s" % e, file=sys.stderr)
    sys.exit(3)


def main(list_file):
    torch.set_num_threads(1)
    with open(list_file) as f:
        files = [line.strip() for line in f if line.strip()]
    transform = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                                    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    print("ready %d" % len(files), flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            continue
        start = time.perf_counter()
        total = 0.0
        for path in files:
            with open(path, "rb") as f:
                image = Image.open(f).convert("RGB")
            total += float(transform(image)[0, 0, 0])
        print("seconds %.6f %f" % (time.perf_counter() - start, total), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
