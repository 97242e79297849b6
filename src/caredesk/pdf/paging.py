"""A canvas that knows the page count: pages are kept until the end, then decorated."""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas


# reportlab ships no type information, so mypy sees Canvas as Any.
class PageCountCanvas(Canvas):  # type: ignore[misc]
    """Two passes, so every page can say 'Page x of y'. Subclasses draw in `decorate`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []  # each page's canvas state

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
