"""PDF pages to QImages, with PDFium (pypdfium2): for the print preview, printing and the shots.

The document is opened from bytes held in memory, never from a temporary file: a patient's
plan must not be left behind on disk. PDFium is the engine QtPdf wraps; using it through
pypdfium2 keeps PySide6's Addons wheel (QtPdf's home up to 6.11, 438 MB) out of the install
(issue 14, BENCHMARKS.md "Packaging").

PDFium is not thread-safe, not even across documents (its font cache and allocator are
global), and pages render both on the GUI thread and on workers (the preview's background
rendering, the due batch printing). So every PDFium call here holds one process-wide lock.
"""

from __future__ import annotations

import ctypes
import sys
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PySide6.QtCore import QSize, QSizeF
from PySide6.QtGui import QImage

from caredesk.errors import CareDeskError

PDFIUM_LOCK = threading.Lock()
# PDFium writes B, G, R, A bytes; Qt's ARGB32 is 0xAARRGGBB in the machine's word order, the same
# bytes on a little-endian machine. Pages are rendered onto opaque white, so premultiplied alpha is
# the same image, and it is the format QPainter draws fastest.
if sys.byteorder == "little":
    _FORMAT, _ORDER_FLAG = QImage.Format.Format_ARGB32_Premultiplied, 0
else:  # RGBA bytes for Qt's byte-ordered format
    _FORMAT, _ORDER_FLAG = QImage.Format.Format_RGBA8888_Premultiplied, pdfium_c.FPDF_REVERSE_BYTE_ORDER
_WHITE = 0xFFFFFFFF  # FPDFBitmap_FillRect's colour is 0xAARRGGBB
_UNREADABLE = "The PDF could not be read back to show or print it."
_FLAGS = pdfium_c.FPDF_ANNOT | _ORDER_FLAG  # annotations as a viewer shows them; text smoothed (PDFium's default)


class PdfPages:
    """One PDF held in memory: its page count, page sizes in points, and pages rendered to QImages.

    `load(data)` swaps the bytes (CareDeskError if they are not a PDF PDFium can read);
    `close()` drops them, after which `page_count` is 0. Safe to use from any one thread at a
    time per call; calls from several threads are serialised by PDFIUM_LOCK.
    """

    def __init__(self, data: bytes = b""):
        self._document: pdfium.PdfDocument | None = None
        self._sizes: list[QSizeF] = []
        if data:
            self.load(data)

    def load(self, data: bytes) -> None:
        self.close()
        with PDFIUM_LOCK:
            try:
                document = pdfium.PdfDocument(data)
            except pdfium.PdfiumError as exc:
                raise CareDeskError(_UNREADABLE) from exc
            try:
                sizes = [QSizeF(*document.get_page_size(i)) for i in range(len(document))]
            except pdfium.PdfiumError as exc:
                document.close()
                raise CareDeskError(_UNREADABLE) from exc
        if not sizes:
            with PDFIUM_LOCK:
                document.close()
            raise CareDeskError(_UNREADABLE)
        self._document, self._sizes = document, sizes

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    def page_size(self, index: int) -> QSizeF:
        """Page `index` (0-based) in points (1/72 in), as shown (its /Rotate applied)."""
        return QSizeF(self._sizes[index])

    def render(self, index: int, size: QSize) -> QImage:
        """Page `index` drawn to fill `size` pixels (the caller keeps the page's shape), on white.

        Returns a null QImage when the document was closed meanwhile (a preview closed while
        a page rendered in the background). Rendered straight into the QImage's own pixels: no
        copy, no PIL.
        """
        width, height = max(1, size.width()), max(1, size.height())
        image = QImage(width, height, _FORMAT)
        if image.isNull():  # no memory for the pixels
            raise CareDeskError("There is not enough memory to show or print this page.")
        pixels = (ctypes.c_ubyte * image.sizeInBytes()).from_buffer(image.bits())
        with PDFIUM_LOCK:
            if self._document is None:
                return QImage()
            page = self._document[index]
            try:
                bitmap = pdfium_c.FPDFBitmap_CreateEx(
                    width, height, pdfium_c.FPDFBitmap_BGRA, pixels, image.bytesPerLine()
                )
                try:
                    pdfium_c.FPDFBitmap_FillRect(bitmap, 0, 0, width, height, _WHITE)
                    pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, _FLAGS)
                finally:
                    pdfium_c.FPDFBitmap_Destroy(bitmap)  # the wrapper only: the pixels are the QImage's
            finally:
                page.close()
        return image

    def close(self) -> None:
        with PDFIUM_LOCK:
            if self._document is not None:
                self._document.close()
        self._document, self._sizes = None, []
