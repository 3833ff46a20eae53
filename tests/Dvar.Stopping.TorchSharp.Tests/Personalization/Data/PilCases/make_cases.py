"""Writes the PIL reference cases for ConceptImagesTests (run with Debian's python3-pil and python3-numpy).

Each case is an input PNG and, per (resolution, center_crop), the uint8 HWC result of the preprocessing in diffusers'
examples/textual_inversion/textual_inversion.py (TextualInversionDataset.__getitem__ without the flip): convert("RGB"),
optional centre crop, resize((size, size), BICUBIC). Usage: /usr/bin/python3 make_cases.py (in this folder).
"""
import json

import numpy as np
import PIL
from PIL import Image

rng = np.random.default_rng(20240531)
yy, xx = np.mgrid[0:70, 0:90]
smooth = np.stack([128 + 88 * np.sin(2 * np.pi * xx / 90 + c) * np.cos(np.pi * yy / 70 - c) for c in range(3)], axis=-1)
inputs = {
    "noise_rgb.png": Image.fromarray(rng.integers(0, 256, (43, 61, 3), dtype=np.uint8), "RGB"),
    "smooth_rgb.png": Image.fromarray(np.round(smooth).astype(np.uint8), "RGB"),
    "noise_rgba.png": Image.fromarray(rng.integers(0, 256, (37, 29, 4), dtype=np.uint8), "RGBA"),
    "noise_gray.png": Image.fromarray(rng.integers(0, 256, (24, 40), dtype=np.uint8), "L"),
}
settings = [(16, False), (16, True), (24, False), (48, True)]

cases = []
for name, image in inputs.items():
    image.save(name)
    for size, center_crop in settings:
        loaded = Image.open(name)
        if loaded.mode != "RGB":
            loaded = loaded.convert("RGB")
        img = np.array(loaded).astype(np.uint8)
        if center_crop:
            crop = min(img.shape[0], img.shape[1])
            h, w = img.shape[0], img.shape[1]
            img = img[(h - crop) // 2 : (h + crop) // 2, (w - crop) // 2 : (w + crop) // 2]
        resized = np.array(Image.fromarray(img).resize((size, size), resample=Image.BICUBIC)).astype(np.uint8)
        expected = f"{name[:-4]}_{size}{'_crop' if center_crop else ''}.rgb"
        resized.tofile(expected)
        cases.append({"input": name, "resolution": size, "center_crop": center_crop, "expected_hwc_uint8": expected})

with open("cases.json", "w") as f:
    json.dump({"generator": "make_cases.py", "pillow": PIL.__version__, "numpy": np.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
