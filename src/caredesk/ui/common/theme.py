"""A calm, professional look: Fusion style, a light palette (dark when the system is dark).

Widgets opt in to accents with properties, not colours in code:
`primary="true"` on the main button of a page, `role="error"`/`"warning"`/`"hint"`
on labels, `risk="high"|"medium"|"low"` on risk chips. Sizes are in points or
follow the font, so the layout holds at 125 % scaling.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from caredesk.resources import resource


@dataclass(frozen=True)
class Colors:
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    border: str
    primary: str
    primary_hover: str
    primary_text: str
    error: str
    warning: str
    high_bg: str
    high_fg: str
    medium_bg: str
    medium_fg: str
    low_bg: str
    low_fg: str
    selection: str


LIGHT = Colors(
    window="#f4f6f8",
    base="#ffffff",
    alt_base="#f7f9fb",
    text="#1f2933",
    muted="#5f6b7a",
    border="#cfd6de",
    primary="#1d5fbf",
    primary_hover="#174d9c",
    primary_text="#ffffff",
    error="#b42318",
    warning="#8a5300",
    high_bg="#fde4e1",
    high_fg="#8f1d12",
    medium_bg="#fdf0d2",
    medium_fg="#6e4500",
    low_bg="#ddf2e4",
    low_fg="#1c5e34",
    selection="#cfe0f7",
)
DARK = Colors(
    window="#1e2227",
    base="#262b31",
    alt_base="#2b3138",
    text="#e6e9ed",
    muted="#a3adb9",
    border="#3c444d",
    primary="#4d8ee8",
    primary_hover="#6aa2ee",
    primary_text="#0f1419",
    error="#ff8a80",
    warning="#f2c46d",
    high_bg="#5a2420",
    high_fg="#ffd9d4",
    medium_bg="#4d3a12",
    medium_fg="#ffe6b0",
    low_bg="#1f4430",
    low_fg="#cdeed9",
    selection="#2f4a6d",
)


def system_is_dark() -> bool:
    """The system's colour scheme; CAREDESK_THEME=dark|light overrides it (screenshots, and
    desktops that do not report a scheme)."""
    forced = os.environ.get("CAREDESK_THEME", "").strip().lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def current() -> Colors:
    app = QApplication.instance()
    return DARK if app is not None and app.property("caredesk_dark") else LIGHT


def _palette(c: Colors) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.base,
        QPalette.ColorRole.AlternateBase: c.alt_base,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.Button: c.base,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.Highlight: c.selection,
        QPalette.ColorRole.HighlightedText: c.text,
        QPalette.ColorRole.ToolTipBase: c.base,
        QPalette.ColorRole.ToolTipText: c.text,
        QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.Link: c.primary,
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(c.muted))
    return p


def _check_boxes(c: Colors) -> str:
    """Check boxes (and list items' boxes) drawn by us: Fusion outlines them with the window colour
    darkened, which on the dark theme left an unticked box almost invisible (tester finding)."""
    mark = resource("check-dark.png" if c is DARK else "check-light.png")
    image = f"image: url({mark.as_posix()});" if mark is not None else ""
    return f"""
QCheckBox::indicator, QAbstractItemView::indicator {{
    width: 0.95em; height: 0.95em; border: 1px solid {c.muted}; border-radius: 3px; background: {c.base};
}}
QCheckBox::indicator:hover, QAbstractItemView::indicator:hover {{ border-color: {c.primary}; }}
QCheckBox::indicator:checked, QAbstractItemView::indicator:checked {{
    background: {c.primary}; border-color: {c.primary}; {image}
}}
QCheckBox::indicator:disabled {{ border-color: {c.border}; background: {c.alt_base}; }}
QCheckBox::indicator:checked:disabled {{ background: {c.border}; }}
"""


def stylesheet(c: Colors) -> str:
    return (
        _check_boxes(c)
        + f"""
QWidget {{ color: {c.text}; }}
QMainWindow, QDialog, QStackedWidget {{ background: {c.window}; }}
QLineEdit, QSpinBox, QPlainTextEdit {{
    background: {c.base}; border: 1px solid {c.border}; border-radius: 4px; padding: 0.3em 0.4em;
}}
QDateEdit, QTimeEdit, QComboBox {{ padding: 0.2em 0.4em; }}
QSpinBox {{ padding-right: 1.6em; }}
QSpinBox::up-button, QSpinBox::down-button {{ width: 1.4em; }}
QLineEdit:focus, QSpinBox:focus {{ border: 1px solid {c.primary}; }}
QLineEdit:read-only {{ background: {c.window}; color: {c.muted}; border-style: dashed; }}
QPushButton {{
    background: {c.base}; border: 1px solid {c.border}; border-radius: 4px; padding: 0.35em 1.1em;
}}
QPushButton:hover {{ border-color: {c.primary}; }}
QPushButton:focus {{ border: 2px solid {c.primary}; }}
QPushButton[primary="true"] {{
    background: {c.primary}; color: {c.primary_text}; border: 1px solid {c.primary}; font-weight: 600;
}}
QPushButton[primary="true"]:hover {{ background: {c.primary_hover}; }}
QPushButton[primary="true"]:focus {{ border: 2px solid {c.text}; }}
QCheckBox:disabled {{ color: {c.muted}; }}
QPushButton:disabled, QPushButton[primary="true"]:disabled {{
    background: {c.alt_base}; color: {c.muted}; border-color: {c.border};
}}
QPushButton[segment="true"] {{ border-radius: 0; padding: 0.3em 0.9em; margin-right: -1px; }}
QPushButton[segment="true"]:checked {{
    background: {c.selection}; border-color: {c.primary}; color: {c.text};
}}
QPushButton[flat="true"] {{ background: transparent; border: none; color: {c.primary}; padding: 0.2em 0; text-align: left; }}
QPushButton[flat="true"]:hover {{ text-decoration: underline; }}
QLabel[role="error"] {{ color: {c.error}; font-weight: 600; }}
QLabel[role="warning"] {{ color: {c.warning}; font-weight: 600; }}
QLabel[role="hint"], QLabel[role="muted"] {{ color: {c.muted}; }}
QLabel[role="title"] {{ font-size: 16pt; font-weight: 600; }}
QLabel[role="subtitle"] {{ color: {c.muted}; }}
QLabel[role="section"] {{ font-weight: 600; margin-top: 0.6em; }}
QLabel[role="code"] {{
    font-family: "DejaVu Sans Mono", "Consolas", "Menlo", monospace; font-size: 18pt; font-weight: 600;
    background: {c.base}; border: 1px dashed {c.border}; border-radius: 6px; padding: 0.6em;
}}
QLabel[risk] {{ border-radius: 9px; padding: 0.15em 0.7em; font-weight: 600; }}
QLabel[risk="high"] {{ background: {c.high_bg}; color: {c.high_fg}; }}
QLabel[risk="medium"] {{ background: {c.medium_bg}; color: {c.medium_fg}; }}
QLabel[risk="low"] {{ background: {c.low_bg}; color: {c.low_fg}; }}
QFrame[card="true"] {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 8px; }}
QFrame#noticeBar {{ background: {c.medium_bg}; border-bottom: 1px solid {c.border}; }}
QFrame#noticeBar QLabel {{ color: {c.medium_fg}; font-weight: 600; }}
QFrame#noticeBar[role="serious"] {{ background: {c.high_bg}; }}
QFrame#noticeBar[role="serious"] QLabel {{ color: {c.high_fg}; }}
QLabel#demoBanner {{ background: {c.medium_bg}; color: {c.medium_fg}; font-weight: 600; padding: 0.35em 1em; }}
QListWidget#navigation {{
    background: {c.base}; border: none; border-right: 1px solid {c.border}; padding-top: 0.5em; outline: 0;
}}
QListWidget#navigation:focus {{ border-right: 2px solid {c.primary}; }}
QListWidget#navigation::item {{ padding: 0.55em 1em; }}
QListWidget#navigation::item:selected {{ background: {c.selection}; color: {c.text}; border-left: 3px solid {c.primary}; }}
QTableView, QTableWidget {{
    background: {c.base}; alternate-background-color: {c.alt_base}; border: 1px solid {c.border};
    gridline-color: {c.border}; selection-background-color: {c.selection}; selection-color: {c.text};
    padding: 1px;
}}
/* The focus shows on a table with no rows too: 2 px in the accent, or 1 px border + 1 px padding, so nothing moves. */
QTableView:focus, QTableWidget:focus {{ border: 2px solid {c.primary}; padding: 0; }}
QHeaderView::section {{
    background: {c.window}; border: none; border-bottom: 1px solid {c.border}; padding: 0.3em 0.5em; font-weight: 600;
}}
QTabWidget::pane {{ border: 1px solid {c.border}; background: {c.base}; border-radius: 4px; }}
QTabBar::tab {{ padding: 0.4em 1.2em; }}
QTabBar::tab:selected {{ font-weight: 600; border-bottom: 2px solid {c.primary}; }}
QScrollArea {{ border: none; background: transparent; }}
QScrollArea[scrolls="true"] {{ border-top: 1px solid {c.border}; border-bottom: 1px solid {c.border}; }}
QGroupBox {{ font-weight: 600; border: none; margin-top: 1.2em; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 0; padding: 0; }}
"""
    )


def apply(app: QApplication, *, fusion_set: bool = False) -> None:
    """`fusion_set`: the app was made with `-style Fusion` (caredesk.ui.shell.launch.application),
    so setStyle is not called: the style it returns makes PySide6 set up the QStyle class and its
    enums in Python (~5 ms before the first paint, issue 14), which nothing there needs."""
    dark = system_is_dark()
    app.setProperty("caredesk_dark", dark)
    colors = DARK if dark else LIGHT
    if not fusion_set:
        app.setStyle("Fusion")
    app.setPalette(_palette(colors))
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)  # readable default; scaled by the platform's DPI setting
    app.setFont(font)
    app.setStyleSheet(stylesheet(colors))


def set_role(widget: QWidget, role: str) -> None:
    """Switch a styled property and make Qt re-read the stylesheet for it."""
    widget.setProperty("role", role)
    _repolish(widget)


def set_risk(widget: QWidget, risk: str | None) -> None:
    widget.setProperty("risk", risk)
    _repolish(widget)


def _repolish(widget: QWidget) -> None:
    """The style sheet read again for `widget`; one not yet polished reads it when first shown, so
    it is left alone (asking for its style() made PySide6 set up the QStyle class before the first
    paint, issue 14)."""
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        widget.style().unpolish(widget)
        widget.style().polish(widget)
