"""Names vulture cannot see used: frameworks call them, records carry them, tests drive them.

Vulture reads only src/ (and this file); it counts a name as used once it appears here.
Each line names a real attribute of a real class. Keep it to the groups below: a name
that nothing calls, stores or tests is dead code and should be deleted, not listed.
"""

from PySide6.QtWidgets import QStyleOptionComboBox

from caredesk.clock import FixedClock
from caredesk.domain.billing import BillingCode
from caredesk.domain.careplan import CarePlanContent, GivenMethod
from caredesk.domain.contacts import Activity, TimeEntry
from caredesk.domain.coordination import Task, Transition
from caredesk.domain.patients import Sex
from caredesk.domain.practice import PracticeProfile
from caredesk.domain.workdays import BusinessCalendar
from caredesk.pdf.script_text import Paragraph as ScriptParagraph
from caredesk.services.changes import Kind
from caredesk.store import migrate
from caredesk.store.engine import StoreDialect
from caredesk.store.models import ReferralRow, TaskRow, TimeEntryRow, TransitionRow, UtcDateTime
from caredesk.store.vault import DataFolder
from caredesk.ui.careplan.commands import ContentCommand
from caredesk.ui.careplan.fields import PlanUndoKeys
from caredesk.ui.chart.chart_view import ChartView
from caredesk.ui.chart.patient_table import PatientFilterProxy
from caredesk.ui.chart.tab_parts import ButtonRow
from caredesk.ui.common.dates import DateField
from caredesk.ui.interop.csv_wizard import CsvImportWizard, MappingPage
from caredesk.ui.interop.import_steps import ApplyPage, FilePage, PreviewPage
from caredesk.ui.month.table_model import MonthFilterProxy
from caredesk.ui.queue.delegates import ChipDelegate, MinutesBarDelegate, TwoLineDelegate
from caredesk.ui.queue.table_model import QueueFilterProxy
from caredesk.ui.shell.inactivity import InactivityTimer
from caredesk.ui.shell.session_lock import SessionLockWatch, WindowsSessionFilter
from caredesk.ui.shell.workspace_view import Page

# Enum members that are stored values (offered in a form by iterating the enum, written
# and read back by the store) even when no code names the member.
GivenMethod.IN_PERSON
Activity.ASSESSMENT
Sex.OTHER
Kind.ASSESSMENT  # a change-set kind: what an assessment write will name

# Record fields: written to the store through values_of()/asdict() and read back by
# from_row(), shown or printed from the record, even when no rule reads them yet.
BillingCode.description  # the code table's own text, beside its source
CarePlanContent.strengths
CarePlanContent.expected_outcome
CarePlanContent.medication_management
CarePlanContent.community_services
CarePlanContent.coordination
TimeEntry.contact_id
Task.created_at
Task.done_at
Transition.meds_reconciled_on

# SQLAlchemy: mapped columns (the table's schema), and the TypeDecorator's class
# attributes and hooks, which SQLAlchemy reads and calls with (value, dialect).
TimeEntryRow.contact_id
TaskRow.created_at
TaskRow.done_at
TransitionRow.meds_reconciled_on
ReferralRow.resource_id
UtcDateTime.impl
UtcDateTime.cache_ok
UtcDateTime.process_bind_param
UtcDateTime.process_result_value
UtcDateTime.process_bind_param.dialect
# SQLAlchemy makes the store's dialect from the name registered (store/engine.py), and reads the
# flag each dialect class must set for its statements to be cached.
StoreDialect.supports_statement_cache
# The pysqlite driver reads isolation_level (None: SQLAlchemy emits BEGIN; store/engine.py).
_.isolation_level  # noqa: F821 - vulture only reads this file; `_` stands for the DBAPI connection
# argparse reads it to tell a value from an option ("--answers -1,0"; cli/assess.py).
_._negative_number_matcher  # noqa: F821
# logging calls a handler's handleError for a line it could not write (logs.py drops it).
_.handleError  # noqa: F821

# reportlab calls these overrides: a Paragraph draws its lines in a text object it begins itself.
ScriptParagraph.beginText

# Qt calls these overrides (and passes the arguments they ignore).
ChipDelegate.paint
MinutesBarDelegate.paint
TwoLineDelegate.paint
PatientFilterProxy.filterAcceptsRow
MonthFilterProxy.filterAcceptsRow
QueueFilterProxy.filterAcceptsRow
QueueFilterProxy.filterAcceptsRow.source_parent
InactivityTimer.eventFilter
InactivityTimer.eventFilter.watched
PlanUndoKeys.eventFilter
WindowsSessionFilter.nativeEventFilter  # Windows' messages (ui/shell/session_lock.py)
# QtDBus calls these slots by their SLOT("name(args)") strings.
SessionLockWatch._screen_saver
SessionLockWatch._prepare_for_sleep
SessionLockWatch._session_lock
ContentCommand.mergeWith
ButtonRow.itemAt
ButtonRow.takeAt
ButtonRow.expandingDirections
ButtonRow.hasHeightForWidth
DateField.validate
DateField.dateTimeFromText
FilePage.validatePage  # QWizard's page hooks (ui/interop: the import wizards)
FilePage.isComplete
MappingPage.initializePage
MappingPage.isComplete
PreviewPage.initializePage
PreviewPage.cleanupPage
PreviewPage.isComplete
ApplyPage.initializePage
ApplyPage.isComplete
QStyleOptionComboBox.editable  # a style option's fields are read by the style
QStyleOptionComboBox.subControls

# The page contract WorkspaceView relies on, written down as a Protocol.
Page

# Test seams: the suite drives these (tests/ is not in vulture's paths).
FixedClock  # the injected clock pinned by tests (KeePassXC's MockClock)
FixedClock.advance
BusinessCalendar.holiday_name  # tests check the holidays come from the package, observed days named
PracticeProfile.is_empty
migrate.head_revision  # tests check migrate.HEAD against the Alembic scripts
DataFolder.files  # tests check a failed unlock leaves every store file untouched
InactivityTimer.interval_ms
CsvImportWizard.load_file  # the import wizard's tests start it on a file written in tmp_path
ChartView.show_tab  # the UI tests choose a tab without making the others (tests/ui/conftest.py)

# The instruments as data (issue 10): the guided interview (GUI, next part) reads the stem
# aloud and shows the score against its maximum; tests check both against the manuals.
Spec.stem
Spec.max_score

# Python calls a module's __getattr__ for a name it lacks (caredesk.app loads KdfParams on first use, issue 14).
_.__getattr__  # noqa: F821
