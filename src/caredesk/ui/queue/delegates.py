"""Painted cells of the queue: reason chips, the minutes bar, the two-line patient cell.

Painting (not one widget per cell) keeps 2,000 rows as cheap as 20. Colours come in
light and dark pairs chosen for contrast of the chip text on its background.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from caredesk.domain.queue import Reason, ReasonKind
from caredesk.ui.common import theme
from caredesk.ui.queue.table_model import MinutesRole, OverdueRole, ReasonsRole, SecondLineRole

Index = QModelIndex | QPersistentModelIndex

# (background, text) per kind: light palette, then dark.
CHIP_LIGHT: dict[ReasonKind, tuple[str, str]] = {
    ReasonKind.SAFETY: ("#fde2df", "#8f1d12"),
    ReasonKind.TRANSITION: ("#fde7d4", "#8a3b00"),
    ReasonKind.FOLLOW_UP: ("#dde9fb", "#163f82"),
    ReasonKind.TASK: ("#dde9fb", "#163f82"),
    ReasonKind.MINUTES: ("#d5f1ee", "#0c5a52"),
    ReasonKind.CADENCE: ("#e8ebef", "#3d4651"),
    ReasonKind.CLINICAL: ("#ece2fa", "#5a2a91"),
    ReasonKind.CONSENT: ("#fbefcf", "#6e4a00"),
    ReasonKind.ENROLLMENT: ("#e8ebef", "#3d4651"),  # nothing missing yet: the cadence's grey
    ReasonKind.CARE_PLAN: ("#fbefcf", "#6e4a00"),
    ReasonKind.LETTER: ("#e8ebef", "#3d4651"),
    ReasonKind.DONE_TODAY: ("#dff0d8", "#2b5a1e"),
}
CHIP_DARK: dict[ReasonKind, tuple[str, str]] = {
    ReasonKind.SAFETY: ("#5c2521", "#ffd9d4"),
    ReasonKind.TRANSITION: ("#5a3517", "#ffd9b8"),
    ReasonKind.FOLLOW_UP: ("#213a5e", "#d2e3ff"),
    ReasonKind.TASK: ("#213a5e", "#d2e3ff"),
    ReasonKind.MINUTES: ("#173f3b", "#c4efe9"),
    ReasonKind.CADENCE: ("#353c45", "#dde2e8"),
    ReasonKind.CLINICAL: ("#3d2a5a", "#e6d7fb"),
    ReasonKind.CONSENT: ("#4d3d14", "#ffe9b3"),
    ReasonKind.ENROLLMENT: ("#353c45", "#dde2e8"),
    ReasonKind.CARE_PLAN: ("#4d3d14", "#ffe9b3"),
    ReasonKind.LETTER: ("#353c45", "#dde2e8"),
    ReasonKind.DONE_TODAY: ("#24401c", "#d6f0cc"),
}
MINUTES_FILL = ("#2a9d8f", "#3fb6a6")  # light, dark
MAX_CHIP_LINES = 2


def chip_colors(kind: ReasonKind) -> tuple[QColor, QColor]:
    table = CHIP_DARK if theme.current() is theme.DARK else CHIP_LIGHT
    bg, fg = table[kind]
    return QColor(bg), QColor(fg)


def _paint_background(
    delegate: QStyledItemDelegate, painter: QPainter, option: QStyleOptionViewItem, index: Index
) -> None:
    """Selection and alternating rows as the style draws them, without the text."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    widget = option.widget
    style = widget.style() if widget is not None else None
    if style is not None:
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)


class ChipDelegate(QStyledItemDelegate):
    """Rounded chips, one per reason, flowing over up to two lines; the rest is a "+N" chip."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _paint_background(self, painter, option, index)
        reasons: tuple[Reason, ...] = index.data(ReasonsRole) or ()
        if not reasons:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(option.font)
        font.setPointSizeF(max(8.0, font.pointSizeF() * 0.92))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        for rect, text, colours in self.layout(reasons, option.rect, metrics):
            bg, fg = colours
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            radius = min(rect.height(), metrics.height() + 3) / 2  # a two-line chip keeps its corners
            painter.drawRoundedRect(QRectF(rect), radius, radius)
            painter.setPen(fg)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()

    @staticmethod
    def layout(
        reasons: tuple[Reason, ...], cell: QRect, metrics: QFontMetrics
    ) -> list[tuple[QRect, str, tuple[QColor, QColor]]]:
        """Where each chip goes: left to right, wrapping once; the last visible chip may
        be elided, and whatever does not fit is counted in a "+N" chip. The first reason
        (the most urgent) is never cut short: too long for a line, it wraps onto two."""
        pad_x, gap = metrics.height() // 2, max(3, metrics.height() // 4)
        chip_h = metrics.height() + 3
        lines = max(1, min(MAX_CHIP_LINES, (cell.height() - 2 + gap) // (chip_h + gap)))
        top = cell.top() + (cell.height() - (lines * chip_h + (lines - 1) * gap)) // 2
        left, right = cell.left() + gap, cell.right() - gap
        more_w = metrics.horizontalAdvance("+99") + 2 * pad_x
        out: list[tuple[QRect, str, tuple[QColor, QColor]]] = []
        x, line = left, 0
        first = _two_line_chip(reasons, left, right, top, chip_h, gap, more_w, lines, metrics)
        if first is not None:
            return first

        def room_for(i: int) -> int:
            # Keep room for a "+N" chip on the last line while reasons remain after this one.
            last_line = line + 1 >= lines
            return right - x - (more_w + gap if last_line and i + 1 < len(reasons) else 0)

        for i, reason in enumerate(reasons):
            y = top + line * (chip_h + gap)
            width = metrics.horizontalAdvance(reason.text) + 2 * pad_x
            if width > room_for(i) and x > left and line + 1 < lines:
                x, line = left, line + 1
                y = top + line * (chip_h + gap)
            room = room_for(i)
            if width <= room:
                out.append((QRect(x, y, width, chip_h), reason.text, chip_colors(reason.kind)))
                x += width + gap
                continue
            if room < 4 * metrics.height():  # too narrow to read: count it instead
                out.append(_more_chip(len(reasons) - i, x, y, more_w, chip_h))
                return out
            text = metrics.elidedText(reason.text, Qt.TextElideMode.ElideRight, room - 2 * pad_x)
            out.append((QRect(x, y, room, chip_h), text, chip_colors(reason.kind)))
            x += room + gap
            if i + 1 < len(reasons):
                if line + 1 < lines:
                    x, line = left, line + 1
                    continue
                out.append(_more_chip(len(reasons) - i - 1, x, y, more_w, chip_h))
                return out
        return out

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        m = option.fontMetrics
        return QSize(m.averageCharWidth() * 48, 2 * m.height() + m.height())


def _two_line_chip(
    reasons: tuple[Reason, ...],
    left: int,
    right: int,
    top: int,
    chip_h: int,
    gap: int,
    more_w: int,
    lines: int,
    metrics: QFontMetrics,
) -> list[tuple[QRect, str, tuple[QColor, QColor]]] | None:
    """The first reason over two lines when it does not fit on one (None when it does)."""
    pad_x = metrics.height() // 2
    text = reasons[0].text
    if lines < 2 or metrics.horizontalAdvance(text) + 2 * pad_x <= right - left:
        return None
    rest = len(reasons) - 1
    room = right - left - (more_w + gap if rest else 0) - 2 * pad_x
    words, first = text.split(" "), ""
    while words and metrics.horizontalAdvance(f"{first} {words[0]}".strip()) <= room:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one word longer than the line
        first, words = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room), []
    second = metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, room)
    width = max(metrics.horizontalAdvance(first), metrics.horizontalAdvance(second)) + 2 * pad_x
    height = 2 * chip_h + gap
    out = [(QRect(left, top, width, height), f"{first}\n{second}", chip_colors(reasons[0].kind))]
    if rest:
        out.append(_more_chip(rest, left + width + gap, top + (height - chip_h) // 2, more_w, chip_h))
    return out


def _more_chip(count: int, x: int, y: int, w: int, h: int) -> tuple[QRect, str, tuple[QColor, QColor]]:
    return QRect(x, y, w, h), f"+{count}", chip_colors(ReasonKind.CADENCE)


class MinutesBarDelegate(QStyledItemDelegate):
    """A thin bar filled by minutes/threshold with "12/20" beside it; "—" without a threshold."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _paint_background(self, painter, option, index)
        minutes, threshold = index.data(MinutesRole) or (0, None)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        m = option.fontMetrics
        rect = option.rect.adjusted(m.height() // 2, 0, -m.height() // 2, 0)
        colors = theme.current()
        if threshold is None:
            painter.setPen(QColor(colors.muted))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), "—")
            painter.restore()
            return
        text = f"{minutes}/{threshold}"
        text_w = m.horizontalAdvance("888/88")
        bar_h = max(6, m.height() // 2)
        bar = QRectF(
            rect.left(), rect.center().y() - bar_h / 2 + 1, max(12, rect.width() - text_w - m.height() // 2), bar_h
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colors.border))
        painter.drawRoundedRect(bar, bar_h / 2, bar_h / 2)
        share = max(0.0, min(1.0, minutes / threshold)) if threshold else 1.0
        if share > 0:
            filled = QRectF(bar.left(), bar.top(), max(bar_h, bar.width() * share), bar_h)
            painter.setBrush(QColor(MINUTES_FILL[colors is theme.DARK]))
            painter.drawRoundedRect(filled, bar_h / 2, bar_h / 2)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        text_rect = QRect(int(bar.right()) + m.height() // 2, rect.top(), text_w, rect.height())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        m = option.fontMetrics
        return QSize(m.horizontalAdvance("888/88") + 5 * m.height(), m.height())


class TwoLineDelegate(QStyledItemDelegate):
    """A value (strong) with a muted line under it: name over MRN, phone over call window,
    due date over "overdue 3 days" (then in the error colour)."""

    def __init__(self, parent: Any = None, *, strong: bool = True):
        super().__init__(parent)
        self.strong = strong

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _paint_background(self, painter, option, index)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        second = str(index.data(SecondLineRole) or "")
        painter.save()
        m = option.fontMetrics
        pad = m.height() // 2
        rect = option.rect.adjusted(pad, 0, -pad, 0)
        bold = QFont(option.font)
        if self.strong:
            bold.setWeight(QFont.Weight.DemiBold)
        line_h = m.height()
        top = rect.top() + (rect.height() - 2 * line_h) // 2
        painter.setFont(bold)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        first = QFontMetrics(bold).elidedText(name, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRect(rect.left(), top, rect.width(), line_h), int(Qt.AlignmentFlag.AlignVCenter), first)
        painter.setFont(option.font)
        colors = theme.current()
        painter.setPen(QColor(colors.error if index.data(OverdueRole) else colors.muted))
        painter.drawText(
            QRect(rect.left(), top + line_h, rect.width(), line_h),
            int(Qt.AlignmentFlag.AlignVCenter),
            m.elidedText(second, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        width = QFontMetrics(bold).horizontalAdvance(name) + option.fontMetrics.height()
        return QSize(width, 2 * option.fontMetrics.height())
