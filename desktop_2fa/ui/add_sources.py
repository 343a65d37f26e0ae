"""The add dialog's sources: link, image file, screen and camera (one tab each).

Each source ends in `found(texts, source)`: the texts of the QR codes (or the
pasted link) and a short description of where they came from ("the screen").
The dialog decides what they are (one account, or an import). Decoding always
runs in the thread pool or, for the camera, on its own thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_2fa.scan.decode import decode_array, decode_screens
from desktop_2fa.ui import jobs, messages
from desktop_2fa.ui.camera_worker import CameraScanner
from desktop_2fa.ui.images import to_array
from desktop_2fa.ui.intake import IMAGE_FILTER


class SourceTab(QWidget):
    """Signals:
    found(object, str): texts (tuple of str) and where they came from.
    file_found(object): a Path that is not an image (an export file for the import flow).
    status(str): a sentence for the dialog's message line ("" clears it).
    started(): a new scan began (what an earlier one found no longer counts).
    """

    found = Signal(object, str)
    file_found = Signal(object)
    status = Signal(str)
    started = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: jobs.Job | None = None

    def _run(self, work: Callable[[], object], source: str) -> None:
        """Decode in the pool; `found` or a status sentence when it is done."""
        self.started.emit()
        self.status.emit("Looking for a QR code…")
        self.job = jobs.start(work, self)
        self.job.succeeded.connect(lambda texts: self._done(texts, source))
        self.job.failed.connect(self._failed)

    def _done(self, texts: object, source: str) -> None:
        self.job = None
        self.status.emit("")
        self.found.emit(texts, source)

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.status.emit(messages.describe(error))


class LinkTab(SourceTab):
    """Paste an otpauth:// (or otpauth-migration://) link."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText("otpauth://totp/Example:alice@example.com?secret=…")
        self.edit.setAccessibleName("Link")
        self.edit.setTabChangesFocus(True)
        self.edit.setMaximumHeight(90)
        paste = QPushButton("&Paste from clipboard")
        paste.setAccessibleName("Paste link from clipboard")
        paste.clicked.connect(self.paste)
        intro = QLabel(
            "Paste the otpauth:// link a site shows next to its QR code, or a Google "
            "Authenticator export link."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Link help")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.edit)
        layout.addWidget(paste, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.edit.textChanged.connect(self._changed)

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text.strip())

    def paste(self) -> None:
        self.set_text(QGuiApplication.clipboard().text())

    def _changed(self) -> None:
        text = self.edit.toPlainText().strip()
        if text:
            self.found.emit((text,), "the link")


class ImageTab(SourceTab):
    """An image file, chosen or dropped; export files are handed to the import flow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        choose = QPushButton("&Choose image or export file…")
        choose.setAccessibleName("Choose image or export file")
        choose.clicked.connect(self.choose)
        self.preview = QLabel(
            "or drop an image of a QR code on this window,\nor paste one with Ctrl+V"
        )
        self.preview.setAccessibleName("Image preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(140)
        self.preview.setStyleSheet("border: 1px dashed palette(mid); border-radius: 6px;")
        layout = QVBoxLayout(self)
        layout.addWidget(choose, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.preview, 1)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose an image", "", IMAGE_FILTER)
        if path:
            self.load_file(Path(path))

    def _show(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        self.preview.setPixmap(
            pixmap.scaled(
                200,
                200,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def load_file(self, path: Path) -> None:
        from desktop_2fa.importers.qr_image import is_image

        try:
            head = path.read_bytes()[:16]
        except OSError as e:
            self.status.emit(messages.describe(e))
            return
        if not is_image(head):
            self.file_found.emit(path)
            return
        image = QImage(str(path))
        if not image.isNull():
            self._show(image)

        def work() -> tuple[str, ...]:
            from desktop_2fa.scan.image import decode_file

            return decode_file(path)

        self._run(work, path.name)

    def load_image(self, image: QImage, source: str = "the clipboard image") -> None:
        self._show(image)
        pixels = to_array(image)
        self._run(lambda: decode_array(pixels, source), source)


class ScreenTab(SourceTab):
    """Scan every screen for a QR code (the app's windows step aside for a moment)."""

    def __init__(
        self,
        grab: Callable[[], list[npt.NDArray[np.uint8]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._grab = grab
        self.hide_windows = True
        intro = QLabel(
            "Show the QR code on screen (in your browser, say), then scan. This window "
            "steps aside for a moment so it does not cover the code."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Screen scan help")
        self.button = QPushButton("Scan the sc&reen")
        self.button.setAccessibleName("Scan the screen")
        self.button.clicked.connect(self.scan)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self._hidden: list[QWidget] = []

    def scan(self) -> None:
        self.button.setEnabled(False)
        if self.hide_windows:
            self._hidden = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
            for widget in self._hidden:
                widget.hide()
            QTimer.singleShot(350, self._capture)  # let the compositor repaint without us
        else:
            self._capture()

    def _capture(self) -> None:
        try:
            if self._grab is None:
                from desktop_2fa.ui.screen_grab import grab_screens

                screens = grab_screens()
            else:
                screens = self._grab()
        except Exception as e:  # ScreenUnavailable and friends, as words
            self._restore()
            self.status.emit(messages.describe(e))
            return
        self._restore()
        self._run(lambda: decode_screens(screens), "the screen")

    def _restore(self) -> None:
        hidden, self._hidden = self._hidden, []
        for widget in hidden:
            widget.show()
        self.button.setEnabled(True)
        if hidden:
            window = self.window()
            window.raise_()
            window.activateWindow()


class CameraTab(SourceTab):
    """Live camera preview from a worker thread; stops on the first QR code."""

    def __init__(
        self,
        index: int = 0,
        open_camera: Callable[[int], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._index = index
        self._open = open_camera
        self.scanner: CameraScanner | None = None
        self.preview = QLabel("Hold the QR code up to the camera.")
        self.preview.setAccessibleName("Camera preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 200)
        self.preview.setStyleSheet("background: palette(dark); color: palette(bright-text);")
        self.button = QPushButton("Start the &camera")
        self.button.setAccessibleName("Start or stop the camera")
        self.button.clicked.connect(self.toggle)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(row)

    @property
    def running(self) -> bool:
        return self.scanner is not None

    def toggle(self) -> None:
        if self.running:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        if self.scanner is not None:
            return
        kwargs: dict[str, object] = {}
        if self._open is not None:
            kwargs["open_camera"] = self._open
        self.scanner = CameraScanner(self._index, parent=self, **kwargs)  # type: ignore[arg-type]
        self.scanner.frame.connect(self._frame)
        self.scanner.found.connect(self._found)
        self.scanner.failed.connect(self._camera_failed)
        self.scanner.finished.connect(self._finished)
        self.button.setText("Stop the &camera")
        self.started.emit()
        self.status.emit("Looking for a QR code…")
        self.scanner.start()

    def stop(self) -> None:
        scanner = self.scanner
        if scanner is None:
            return
        scanner.stop()
        self._finished()

    def _frame(self, image: QImage) -> None:
        self.preview.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.preview.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        )

    def _found(self, texts: object) -> None:
        self.status.emit("")
        self.found.emit(texts, "the camera")

    def _camera_failed(self, error: BaseException) -> None:
        self.status.emit(messages.describe(error))

    def _finished(self) -> None:
        scanner, self.scanner = self.scanner, None
        if scanner is not None and not scanner.isRunning():
            scanner.deleteLater()
        self.button.setText("Start the &camera")
