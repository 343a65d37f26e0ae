"""QR decoding from pixels; it has no idea where the pixels came from.

`decode_file`, `decode_bytes`, `decode_clipboard` and `decode_array` return
every QR code's text or raise `NoQrCodeFound`; camera frames come from
`camera.Camera`. The screen is grabbed by Qt in `desktop_2fa/ui/screen_grab.py`
and its pixels handed to `decode_array`.
"""

import os

# A 100 KB PNG can claim 20,000 x 20,000 pixels: decoded, that is gigabytes
# and many seconds for nothing (issue 9, item 2). 50 megapixels hold an 8K
# screen and a 48 MP photo. OpenCV reads this limit once, when it is loaded,
# and refuses larger images before allocating them; every cv2 import of
# desktop-2fa is in this package, so after this line. A limit the user set
# stays.
MAX_IMAGE_PIXELS = 50_000_000
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_IMAGE_PIXELS))
