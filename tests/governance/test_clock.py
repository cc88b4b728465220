"""The subject access clock: a month from the day after receipt, paused for clarification, extendable,
and moved off weekends and bank holidays."""

from datetime import date

from governance.clock import Pause, add_months, complaint_acknowledge_by, sar_clock


def test_a_month_from_the_day_after_receipt():
    # Received Thursday 3 September 2026: the clock starts on the 4th and runs to Monday 5 October
    # (4 October 2026 is a Sunday, so the deadline moves to the next working day).
    assert sar_clock(received_on=date(2026, 9, 3)).deadline == date(2026, 10, 5)
    assert sar_clock(received_on=date(2026, 9, 7)).deadline == date(2026, 10, 8)


def test_a_month_without_the_corresponding_date_ends_on_its_last_day():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    # Received 30 January 2027: starts 31 January, due 28 February 2027 (a Sunday) -> Monday 1 March.
    assert sar_clock(received_on=date(2027, 1, 30)).deadline == date(2027, 3, 1)


def test_a_deadline_on_a_bank_holiday_moves_to_the_next_working_day():
    # Received 24 November 2026: due 25 December 2026 (Christmas Day, Friday), then Boxing Day (Saturday,
    # substitute holiday Monday 28th): the next working day is Tuesday 29 December.
    assert sar_clock(received_on=date(2026, 11, 24)).deadline == date(2026, 12, 29)


def test_the_clock_stops_while_waiting_for_clarification_and_restarts_with_the_days_added():
    received = date(2026, 9, 7)  # due 8 October 2026 without a pause
    waiting = sar_clock(received_on=received, pauses=[Pause(date(2026, 9, 10), None)])
    assert waiting.paused and waiting.deadline is None
    # Paused 10 September, answer on 17 September: seven days added -> 15 October 2026 (a Thursday).
    clock = sar_clock(received_on=received, pauses=[Pause(date(2026, 9, 10), date(2026, 9, 17))])
    assert not clock.paused and clock.paused_days == 7 and clock.deadline == date(2026, 10, 15)


def test_an_extension_adds_two_months_and_a_pause_and_a_bank_holiday_combine():
    # Received 21 March 2027: three months from the 22nd is 22 June... with an extension; a pause of 31 days
    # (from 1 April to 2 May) takes it to 23 July 2027, a Friday.
    clock = sar_clock(received_on=date(2027, 3, 21), extended=True, pauses=[Pause(date(2027, 4, 1), date(2027, 5, 2))])
    assert clock.extended and clock.paused_days == 31 and clock.deadline == date(2027, 7, 23)
    # Received 23 February 2027, extended: due 24 May 2027... 31 May 2027 is the spring bank holiday; a pause of
    # 7 days lands on it, so the deadline is Tuesday 1 June 2027.
    clock = sar_clock(received_on=date(2027, 2, 23), extended=True, pauses=[Pause(date(2027, 3, 1), date(2027, 3, 8))])
    assert clock.deadline == date(2027, 6, 1)


def test_complaints_are_acknowledged_within_30_days():
    assert complaint_acknowledge_by(date(2026, 7, 1)) == date(2026, 7, 31)
