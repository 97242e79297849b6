"""Billing properties: more minutes never earn less, caps hold, same input same answer."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from caredesk.domain.billing import BILLING_CODES, PatientMonth, bill
from caredesk.domain.billing_minutes import family
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import ConsentMethod, Enrollment, Program

PROGRAMS = [Program.CCM, Program.COMPLEX_CCM, Program.PCM, Program.BHI, Program.RPM, Program.TCM]
KEYS = [(p, s) for p in PROGRAMS for s in StaffType]
PROGRAM_OF = {c.code: c.program for c in BILLING_CODES}
CAP = {c.code: c.cap for c in BILLING_CODES if c.cap is not None}

months = st.sampled_from([Month(2025, 6), Month(2026, 2), Month(2026, 11)])
minutes_maps = st.dictionaries(st.sampled_from(KEYS), st.integers(min_value=0, max_value=400))


def _enrollments(programs, consent):
    return tuple(
        Enrollment(
            patient_id=1,
            program=p,
            start_date=date(2025, 1, 1),
            consent_date=date(2025, 1, 1) if consent else None,
            consent_method=ConsentMethod.WRITTEN if consent else None,
        )
        for p in programs
    )


# CCM, complex CCM and PCM exclude each other, so per-program units are only monotone
# with at most one of them; BHI and RPM share a month with anything.
non_conflicting = st.tuples(
    st.sampled_from([(), (Program.CCM,), (Program.COMPLEX_CCM,), (Program.PCM,)]),
    st.sets(st.sampled_from([Program.BHI, Program.RPM, Program.TCM])),
).map(lambda t: tuple(t[0]) + tuple(sorted(t[1], key=PROGRAMS.index)))
any_programs = st.sets(st.sampled_from(PROGRAMS)).map(lambda s: tuple(sorted(s, key=PROGRAMS.index)))


def _minutes_by_service(result):
    """Billed minutes per service (CCM and complex CCM are one): a complex CCM month at 60
    min bills 99487 (1 unit) where 59 min fell back to 99490, 99439 (2 units), so units are
    not monotone there, but the minutes the codes stand for are (SPEC 3)."""
    totals: dict = {}
    for c in result.codes:
        service = family(PROGRAM_OF[c.code])
        totals[service] = totals.get(service, 0) + c.minutes
    return totals


@given(
    months, non_conflicting, st.booleans(), st.integers(0, 4), minutes_maps, st.sampled_from(KEYS), st.integers(1, 120)
)
def test_adding_minutes_never_lowers_what_is_billed(month, programs, consent, conditions, minutes, key, extra):
    enrollments = _enrollments(programs, consent)
    before = bill(PatientMonth(month, enrollments, conditions, minutes))
    more = dict(minutes)
    more[key] = more.get(key, 0) + extra
    after = bill(PatientMonth(month, enrollments, conditions, more))
    billed_before, billed_after = _minutes_by_service(before), _minutes_by_service(after)
    for service, billed in billed_before.items():
        assert billed_after.get(service, 0) >= billed, (service, before, after)


@given(months, any_programs, st.booleans(), st.integers(0, 4), minutes_maps, st.sampled_from(KEYS), st.integers(1, 120))
def test_adding_minutes_never_turns_a_billable_month_into_nothing(
    month, programs, consent, conditions, minutes, key, extra
):
    enrollments = _enrollments(programs, consent)
    before = bill(PatientMonth(month, enrollments, conditions, minutes))
    more = dict(minutes)
    more[key] = more.get(key, 0) + extra
    after = bill(PatientMonth(month, enrollments, conditions, more))
    if before.codes:
        assert after.codes


@given(months, any_programs, st.booleans(), st.integers(0, 4), minutes_maps)
def test_billing_never_exceeds_caps_or_counts_minutes_twice(month, programs, consent, conditions, minutes):
    result = bill(PatientMonth(month, _enrollments(programs, consent), conditions, minutes))
    codes = [c.code for c in result.codes]
    assert len(codes) == len(set(codes))
    for c in result.codes:
        assert c.units >= 1
        assert c.units <= CAP.get(c.code, c.units)
    assert not ({"99490", "99487"} <= set(codes) or {"99490", "99426"} <= set(codes))
    assert not ({"99490", "99491"} <= set(codes) or {"99457", "99470"} <= set(codes))
    # CCM and complex CCM are one service: its codes stand on the minutes of both (SPEC 3).
    for program in {family(p) for p in PROGRAMS}:
        billed = sum(c.minutes for c in result.codes if family(PROGRAM_OF[c.code]) == program)
        available = sum(v for (p, _s), v in minutes.items() if family(p) == program)
        assert billed <= available
    if not consent or not programs:
        assert result.codes == () and result.reasons
    if not result.codes:
        assert result.reasons  # nothing billed is always explained


@given(months, any_programs, st.booleans(), st.integers(0, 4), minutes_maps)
def test_billing_is_deterministic(month, programs, consent, conditions, minutes):
    enrollments = _enrollments(programs, consent)
    first = bill(PatientMonth(month, enrollments, conditions, minutes))
    shuffled = dict(reversed(list(minutes.items())))
    again = bill(PatientMonth(month, tuple(reversed(enrollments)), conditions, shuffled))
    assert first == again


@given(
    st.sampled_from([Program.CCM, Program.COMPLEX_CCM, Program.PCM, Program.BHI]),
    st.integers(1, 30),
    st.dictionaries(st.tuples(st.integers(1, 30), st.sampled_from(list(StaffType))), st.integers(1, 90)),
)
def test_minutes_before_consent_never_change_the_codes(program, consent_day, logged):
    """SPEC 3 'Consent comes first': the month bills what it would bill had the minutes
    before the consent date never been logged."""
    month = Month(2026, 11)
    enrollment = Enrollment(
        patient_id=1,
        program=program,
        start_date=date(2026, 1, 5),
        consent_date=date(2026, 11, consent_day),
        consent_method=ConsentMethod.VERBAL,
    )
    days = {(date(2026, 11, d), program, s): m for (d, s), m in logged.items()}
    after = {k: v for k, v in days.items() if k[0].day >= consent_day}
    with_all = bill(PatientMonth.of_days(month, (enrollment,), 2, days))
    only_after = bill(PatientMonth.of_days(month, (enrollment,), 2, after))
    assert with_all.codes == only_after.codes
