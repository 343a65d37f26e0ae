"""The floor of `desktop-2fa scan IMAGE`: load OpenCV and zxing-cpp, decode the file, print.

Nothing of desktop-2fa: the least a script can do to print the QR codes in
an image. `bench_scan` prints `scan`'s time as a ratio of this.

    python bench/floor_scan.py IMAGE
"""

import sys

import cv2
import zxingcpp

image = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
    print(result.text)
