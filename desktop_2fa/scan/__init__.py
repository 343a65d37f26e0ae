"""QR decoding from pixels; it has no idea where the pixels came from.

`decode_file`, `decode_bytes`, `decode_clipboard` and `decode_array` return
every QR code's text or raise `NoQrCodeFound`; camera frames come from
`camera.Camera`. The screen is grabbed by Qt in `desktop_2fa/ui/screen_grab.py`
and its pixels handed to `decode_array`.
"""
