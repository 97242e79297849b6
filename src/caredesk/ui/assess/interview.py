"""The guided interview: one item of a screening instrument at a time, read aloud as printed,
answered by key (SPEC section 1.4 and 3, Assessments; issue 10).

Keys, wherever the focus is in the interview but the instrument box: the answer's number
(0-3 on the PHQ and GAD-7 items; the social-needs questions take their own: 0-2, 0-1,
1-5) answers the item shown and moves on; Backspace or Left goes back one item (its answer
stays until another is given); Right skips it (left unanswered: the screen is then kept as
incomplete, never scored). Each answer is also a button named for screen readers.

The score and band are shown as they build: "so far 9 - at least mild" (answers only add),
then the instrument's own score and band once every item is answered (caredesk.domain.
assessments.result, the one scorer). A positive PHQ-2 offers to continue into the PHQ-9 with
its two answers carried (carried_into). A safety answer shows the protocol at once beside the
questions and never stops the interview.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.assessments import OFFERED, Instrument, Result, Spec, carried_into, result, spec
from caredesk.ui.assess.safety_notice import SafetyNotice
from caredesk.ui.common import theme
from caredesk.ui.common.forms import button, info_label

KEYS_HINT = "Type the answer's number or click it · Backspace or ← back one item · → skip"
WRAP = 58  # characters per line of an answer's button: the AHC housing answer is 180 long
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(10)}
_BACK = (Qt.Key.Key_Backspace, Qt.Key.Key_Left)


def instrument_label(instrument: Instrument) -> str:
    """How the instrument box names it: 'PHQ-9 (9 items)'."""
    n = len(spec(instrument).items)
    name = "Social needs (AHC)" if instrument is Instrument.SOCIAL_NEEDS else instrument.value
    return f"{name} ({n} items)"


def running_score(s: Spec, answers: Sequence[int | None]) -> tuple[int, str]:
    """The score of the answers given so far and the band that holds it. A floor, not a
    result: every answer only adds (a sum, or one more positive domain)."""
    r = result(s.instrument, answers)
    so_far = len(r.positive_domains) if s.domains else sum(a for a in answers if a is not None)
    band = next(b.label for b in s.bands if b.low <= so_far <= b.high)
    return so_far, band


def safety_words(r: Result, s: Spec, answers: Sequence[int | None]) -> str:
    """What raised the safety flag, as the notice's headline says it."""
    if s.safety_item is not None:
        item = s.items[s.safety_item - 1]
        value = answers[s.safety_item - 1]
        label = next((o.label for o in item.options if o.value == value), "")
        return f'{r.instrument.value} item {item.number} answered "{label}"'
    return "interpersonal-safety answers add up to more than 10 (AHC questions 7-10): the patient might not be safe"


def _option_style() -> str:
    """An answer's button: text from the left; the answer given stands out (colour and a thick edge)."""
    c = theme.current()
    return (
        "QPushButton { text-align: left; padding: 0.35em 0.8em; }"
        f"QPushButton:checked {{ background: {c.selection}; border: 2px solid {c.primary}; font-weight: 600; }}"
    )


class Interview(QWidget):
    """`begin(instrument, answers)`, then `answer(value)` / `back()` / `skip()` (or their keys);
    `answers`, `instrument` and `result()` say where it stands. `changed` is emitted after
    every step."""

    changed = Signal()

    def __init__(self, instrument: Instrument = Instrument.PHQ2, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Guided interview")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._spec = spec(instrument)
        self._answers: list[int | None] = []
        self._index = 0
        self.carried_from: Instrument | None = None  # PHQ-2 when this PHQ-9 continued one

        self.instrument_box = QComboBox()
        self.instrument_box.setAccessibleName("Instrument")
        for i in OFFERED:
            self.instrument_box.addItem(instrument_label(i), i.value)
            self.instrument_box.setItemData(
                self.instrument_box.count() - 1, spec(i).source, Qt.ItemDataRole.ToolTipRole
            )
        self.instrument_box.currentIndexChanged.connect(self._picked)
        picker_label = QLabel("&Instrument")
        picker_label.setBuddy(self.instrument_box)
        self.start_over_button = button("Start &over", "Start the screen over")
        self.start_over_button.setToolTip("Forget the answers given and choose the instrument again")
        self.start_over_button.clicked.connect(self.start_over)
        top = QHBoxLayout()
        top.addWidget(picker_label)
        top.addWidget(self.instrument_box, 1)
        top.addWidget(self.start_over_button)

        self.stem = info_label("Instruction read first", "hint")
        self.progress = info_label("Item number", "muted")
        self.question = info_label("Question")
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.question.setFont(font)
        self.question.setMinimumHeight(self.question.fontMetrics().lineSpacing() * 3)
        self.question.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.options = QVBoxLayout()
        self.options.setSpacing(self.fontMetrics().height() // 4)
        self.option_buttons: list[QPushButton] = []
        self.back_button = button("← &Back", "Back one item")
        self.skip_button = button("S&kip →", "Skip this item")
        self.skip_button.setToolTip("Leave this item unanswered: the screen is then kept as incomplete")
        self.back_button.clicked.connect(self.back)
        self.skip_button.clicked.connect(self.skip)
        moves = QHBoxLayout()
        moves.addWidget(self.back_button)
        moves.addWidget(self.skip_button)
        moves.addStretch(1)
        self.keys = info_label("Keys", "hint")
        self.keys.setText(KEYS_HINT)

        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.stem)
        left.addWidget(self.progress)
        left.addWidget(self.question)
        left.addLayout(self.options)
        left.addLayout(moves)
        left.addWidget(self.keys)
        left.addStretch(1)

        self.score = info_label("Score", "section")
        self.follow_on = QFrame()
        self.follow_on.setProperty("card", "true")
        self.follow_on.setAccessibleName("Continue with the follow-on instrument")
        self.follow_on_text = info_label("Positive screen")
        self.continue_button = button("&Continue with the PHQ-9", "Continue with the PHQ-9", primary=True)
        self.continue_button.setDefault(False)
        self.continue_button.clicked.connect(self.continue_follow_on)
        fl = QVBoxLayout(self.follow_on)
        fl.addWidget(self.follow_on_text)
        fl.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.safety = SafetyNotice()
        right = QVBoxLayout()
        right.addWidget(self.score)
        right.addWidget(self.follow_on)
        right.addWidget(self.safety)
        right.addStretch(1)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(left, 3)
        lay.addSpacing(self.fontMetrics().height())
        lay.addLayout(right, 2)
        for w in (self, self.back_button, self.skip_button, self.start_over_button, self.continue_button):
            w.installEventFilter(self)
        self.begin(instrument)

    # -- where it stands -------------------------------------------------------------------
    @property
    def instrument(self) -> Instrument:
        return self._spec.instrument

    @property
    def answers(self) -> tuple[int | None, ...]:
        return tuple(self._answers)

    @property
    def index(self) -> int:
        """The item shown, 0-based; len(items) once past the last."""
        return self._index

    @property
    def answered(self) -> int:
        return sum(a is not None for a in self._answers)

    def result(self) -> Result:
        return result(self.instrument, self._answers)

    # -- steps -----------------------------------------------------------------------------
    def begin(self, instrument: Instrument, answers: Sequence[int | None] | None = None) -> None:
        """Start `instrument` at its first unanswered item, with `answers` (None: none given)."""
        self._spec = spec(instrument)
        n = len(self._spec.items)
        self._answers = list(answers) if answers is not None else [None] * n
        self._index = next((k for k, a in enumerate(self._answers) if a is None), n)
        self.instrument_box.blockSignals(True)
        self.instrument_box.setCurrentIndex(self.instrument_box.findData(instrument.value))
        self.instrument_box.blockSignals(False)
        self._show_item()

    def answer(self, value: int) -> bool:
        """Answer the item shown with an option's value and move to the next unanswered one.
        False (nothing changes) when `value` is not one of the item's options."""
        if self._index >= len(self._spec.items) or value not in self._spec.items[self._index].values:
            return False
        self._answers[self._index] = value
        later = range(self._index + 1, len(self._answers))
        self._index = next((k for k in later if self._answers[k] is None), len(self._answers))
        self._show_item()
        return True

    def back(self) -> None:
        if self._index > 0:
            self._index -= 1
            self._show_item()

    def skip(self) -> None:
        if self._index < len(self._spec.items):
            self._index += 1
            self._show_item()

    def start_over(self) -> None:
        self.carried_from = None
        self.begin(self.instrument)
        self.instrument_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def continue_follow_on(self) -> None:
        """A positive PHQ-2 goes on as a PHQ-9 whose first two answers are the PHQ-2's."""
        follow = self.result().follow_on
        if follow is None:
            return
        self.carried_from = self.instrument
        self.begin(follow, carried_into(follow, self._answers))
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _picked(self, _index: int) -> None:
        if self.answered:  # the box is disabled then; a programmatic change must not drop answers
            return
        self.carried_from = None
        self.begin(Instrument(self.instrument_box.currentData()))

    # -- keys --------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and self._key(event):
            return True
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            return False
        key = Qt.Key(event.key())
        if key in _DIGITS:
            self.answer(_DIGITS[key])  # a number that is no answer here does nothing
            return True
        if key in _BACK:
            self.back()
            return True
        if key == Qt.Key.Key_Right:
            self.skip()
            return True
        return False

    # -- showing -----------------------------------------------------------------------------
    def _show_item(self) -> None:
        s, n, k = self._spec, len(self._spec.items), self._index
        self.instrument_box.setEnabled(self.answered == 0)
        self.start_over_button.setEnabled(self.answered > 0)
        self.stem.setText(s.stem)
        self.back_button.setEnabled(k > 0)
        self.skip_button.setEnabled(k < n)
        if k < n:
            item = s.items[k]
            carried = "" if self.carried_from is None else f" · items 1-2 from the {self.carried_from.value}"
            self.progress.setText(f"{s.instrument.value} · item {item.number} of {n}{carried}")
            self.question.setText(item.text)
            self._show_options([(o.value, o.label) for o in item.options], self._answers[k])
            self.question.setAccessibleDescription(item.text)
        else:
            self._show_options([], None)
            left = n - self.answered
            self.progress.setText(f"{s.instrument.value} · end")
            done = "Every item answered." if not left else f"{self.answered} of {n} answered: kept as incomplete."
            self.question.setText(f"End of the {s.instrument.value} screen. {done}")
            self.question.setAccessibleDescription(self.question.text())
        self._show_result()
        self.changed.emit()

    def _show_options(self, options: list[tuple[int, str]], chosen: int | None) -> None:
        """The item's answers as buttons (made once and reused: the layout never holds a stale one)."""
        while len(self.option_buttons) < len(options):
            b = QPushButton()
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setStyleSheet(_option_style())
            b.clicked.connect(lambda _c=False, b=b: self.answer(int(b.property("value"))))
            b.installEventFilter(self)
            self.options.addWidget(b)
            self.option_buttons.append(b)
        padded: list[tuple[int, str] | None] = [*options, *[None] * (len(self.option_buttons) - len(options))]
        for b, option in zip(self.option_buttons, padded, strict=True):
            if option is None:
                if b.hasFocus():
                    self.setFocus(Qt.FocusReason.OtherFocusReason)  # not on a hidden button
                b.hide()
                continue
            value, label = option
            b.setText("\n".join(textwrap.wrap(f"{value}   {label}", WRAP)))
            b.setAccessibleName(f"{label} ({value})")
            b.setProperty("value", value)
            b.setChecked(chosen == value)
            b.setMinimumHeight(b.sizeHint().height())  # a short dialog never squeezes an answer
            b.show()

    def _show_result(self) -> None:
        s, r = self._spec, self.result()
        n = len(s.items)
        if r.complete:
            assert r.score is not None
            if s.domains:
                named = ", ".join(d.label for d in s.domains if d.name in r.positive_domains) or "none"
                text = f"Score {r.score} of {s.max_score} domains: {r.band} ({named})"
            else:
                text = f"Score {r.score} of {s.max_score}: {r.band}"
        elif not self.answered:
            text = f"No answers yet (0 of {n})"
        else:
            so_far, band = running_score(s, self._answers)
            if s.domains:
                named = ", ".join(d.label for d in s.domains if d.name in r.positive_domains)
                text = f"So far positive: {named or 'none'} ({self.answered} of {n} answered)"
            else:
                # The lowest band says nothing yet ("at least minimal"); a higher one is news.
                floor = s.bands[0].label if s.bands else band
                text = f"So far {so_far} ({self.answered} of {n} answered)"
                text += "" if band == floor else f": at least {band}"
        self.score.setText(text)
        self.score.setAccessibleDescription(text)
        if r.follow_on is not None:
            self.follow_on_text.setText(
                f"Positive {s.instrument.value} (score {r.score}). Continue with the {r.follow_on.value}: "
                f"its first {n} items are these {n} answers."
            )
            self.continue_button.setText(f"&Continue with the {r.follow_on.value}")
            self.follow_on.show()
            self.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.follow_on.hide()
        if r.safety:
            self.safety.show_for(s.instrument, safety_words(r, s, self._answers))
        else:
            self.safety.clear()
