"""A canvas that knows the page count: pages are kept until the end, then decorated.

Every CareDesk PDF is drawn on it, so it also sets the canvas's initial font: reportlab's
default, Helvetica, is named in every page's preamble even when nothing is set in it, and
was the one font not embedded (issue 12); a viewer substitutes whatever it has for it.
Its drawString, drawRightString and drawCentredString print any script the shipped fonts cover
(caredesk.pdf.script_text: a font per run, right-to-left words shaped and in visual order).
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas

from caredesk.pdf import fonts, script_text


# reportlab ships no type information, so mypy sees Canvas as Any.
class PageCountCanvas(Canvas):  # type: ignore[misc]
    """Two passes, so every page can say 'Page x of y'. Subclasses draw in `decorate`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fonts.register()
        # Platypus passes initialFontName=None (its doc template's default): ours unless one is named.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.REGULAR
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []  # each page's canvas state

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        if text.isascii() or args or kwargs:
            super().drawString(x, y, text, *args, **kwargs)
        else:
            script_text.draw_string(self, super().drawString, x, y, text, "left")

    def drawRightString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        if text.isascii() or args or kwargs:
            super().drawRightString(x, y, text, *args, **kwargs)
        else:
            script_text.draw_string(self, super().drawString, x, y, text, "right")

    def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        if text.isascii() or args or kwargs:
            super().drawCentredString(x, y, text, *args, **kwargs)
        else:
            script_text.draw_string(self, super().drawString, x, y, text, "centre")

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.decorate(self._pageNumber, total)
            super().showPage()
        super().save()

    def decorate(self, page: int, total: int) -> None:
        raise NotImplementedError
