"""Time in Europe/Oslo: local timestamps, deadline arithmetic across daylight-saving changes,
and the calendar facts (weekday, Norwegian public holiday) a deadline falls on.

Durations follow ISO 8601: weeks and days are calendar days on the local wall clock, hours
and minutes are elapsed time. `PT24H` after 10:15 the day before the spring change therefore
ends at 11:15 local time; `P1D` would end at 10:15. A deadline "the same day" ends at the next
local midnight (exclusive). Public holidays come from the `holidays` package, never a list
typed here; the sources name no rule for weekends or holidays, and the output says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from ..model.vocabulary import parse_duration

OSLO = ZoneInfo("Europe/Oslo")
UTC = dt.timezone.utc
WEEKDAY_NB = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTH_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
            "oktober", "november", "desember")
_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")
_AWARE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")

SOURCES_SILENT = ("Kildene sier ikke om fristen flyttes når den faller på en helg eller helligdag; "
                  "her regnes den i kalendertid.")


class TimeError(ValueError):
    """A timestamp that cannot be read or that does not exist (or is ambiguous) in Europe/Oslo."""


def parse_local(text: str) -> dt.datetime:
    """A timestamp as written in a scenario: local Europe/Oslo time, optionally with an offset.

    A local time in the hour skipped in spring does not exist, and one in the hour repeated
    in autumn is ambiguous unless the offset is written; both are errors, never guesses."""
    if not isinstance(text, str):
        raise TimeError("tidspunktet skal være tekst på formen ÅÅÅÅ-MM-DDTTT:MM")
    text = text.strip()
    if _AWARE.match(text):
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return value.astimezone(OSLO)
    if not _LOCAL.match(text):
        raise TimeError(f"`{text}` er ikke et tidspunkt på formen ÅÅÅÅ-MM-DDTTT:MM (lokal tid i Norge)")
    try:
        naive = dt.datetime.fromisoformat(text)
    except ValueError:
        raise TimeError(f"`{text}` er ikke en gyldig dato og tid") from None
    early, late = naive.replace(tzinfo=OSLO, fold=0), naive.replace(tzinfo=OSLO, fold=1)
    if early.utcoffset() != late.utcoffset():
        if _roundtrip(early) != naive:  # in the gap when the clocks go forward
            raise TimeError(f"`{text}` finnes ikke i norsk tid: klokken ble stilt fram denne natten")
        raise TimeError(f"`{text}` finnes to ganger i norsk tid (klokken ble stilt tilbake); "
                        "skriv forskyvningen, for eksempel `+02:00` eller `+01:00`")
    if _roundtrip(early) != naive:
        raise TimeError(f"`{text}` finnes ikke i norsk tid: klokken ble stilt fram denne natten")
    return early


def _roundtrip(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None)


def parse_aware(text: str) -> dt.datetime:
    """An ISO 8601 timestamp that must carry an offset (as in message logs and expectations)."""
    if not isinstance(text, str) or not _AWARE.match(text.strip()):
        raise TimeError(f"`{text}` er ikke et tidspunkt med forskyvning, for eksempel 2025-03-07T15:30:00+01:00")
    return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(OSLO)


def add_duration(start: dt.datetime, duration: str) -> dt.datetime:
    """`start` plus an ISO 8601 duration: days on the local calendar, hours as elapsed time."""
    parts = parse_duration(duration)
    if parts is None:
        raise TimeError(f"`{duration}` er ikke en varighet etter ISO 8601")
    w, d, h, m = parts
    local = start.astimezone(OSLO)
    if w or d:
        naive = local.replace(tzinfo=None) + dt.timedelta(days=7 * w + d)
        local = naive.replace(tzinfo=OSLO, fold=0)
    return (local.astimezone(UTC) + dt.timedelta(hours=h, minutes=m)).astimezone(OSLO)


def end_of_day(moment: dt.datetime) -> dt.datetime:
    """The next local midnight after `moment` (the exclusive end of its calendar day)."""
    day = moment.astimezone(OSLO).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=OSLO)


@functools.lru_cache(maxsize=64)
def _holidays(year: int) -> dict:
    # the package imports every country's calendar first (a tenth of a second): its answer per
    # year is kept in check's cache folder for this code and package version (checks/model/cache.py)
    from ..model.cache import remembered
    days = remembered(f"helligdager {year}", lambda: {d.isoformat(): name for d, name in _from_package(year).items()})
    return {dt.date.fromisoformat(d): name for d, name in days.items()}


def _from_package(year: int) -> dict:
    from holidays.countries.norway import Norway  # imported only when a calendar is needed
    return dict(Norway(years=year, include_sundays=False, language="no"))


def holiday(day: dt.date) -> str | None:
    """The Norwegian name of the public holiday on `day`, or None."""
    return _holidays(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday(day) is None


def next_working_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def day_nb(day: dt.date) -> str:
    return f"{WEEKDAY_NB[day.weekday()]} {day.day}. {MONTH_NB[day.month - 1]} {day.year}"


def offset_text(moment: dt.datetime) -> str:
    off = moment.utcoffset() or dt.timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def moment_nb(moment: dt.datetime) -> str:
    """`fredag 7. mars 2025 kl. 15:30 (+01:00)` in local time."""
    local = moment.astimezone(OSLO)
    return f"{day_nb(local.date())} kl. {local:%H:%M} ({offset_text(local)})"


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(OSLO).isoformat(timespec="seconds")


def dst_changes(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """The daylight-saving changes in Europe/Oslo between two moments, with a Norwegian word."""
    out = []
    day = start.astimezone(OSLO).date()
    last = end.astimezone(OSLO).date()
    while day <= last:
        a = dt.datetime.combine(day, dt.time(0), tzinfo=OSLO)
        b = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=OSLO)
        if a.utcoffset() != b.utcoffset():
            word = "sommertid" if b.utcoffset() > a.utcoffset() else "vintertid (normaltid)"
            moment = _transition(a, b)
            if start <= moment <= end:
                out.append((moment, word))
        day += dt.timedelta(days=1)
    return out


def _transition(a: dt.datetime, b: dt.datetime) -> dt.datetime:
    lo, hi = a.astimezone(UTC), b.astimezone(UTC)
    off = a.utcoffset()
    while hi - lo > dt.timedelta(minutes=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(OSLO).utcoffset() == off:
            lo = mid
        else:
            hi = mid
    return hi.astimezone(OSLO)


def calendar_facts(anchor: dt.datetime, deadline: dt.datetime, same_day: bool) -> dict:
    """What the calendar says about a deadline: the day it runs out on, holidays and weekends
    on the way, daylight-saving changes inside the period, and what the sources say of it."""
    last_moment = deadline - dt.timedelta(microseconds=1) if same_day else deadline
    last_day = last_moment.astimezone(OSLO).date()
    first_day = anchor.astimezone(OSLO).date()
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    off_days = [{"date": d.isoformat(), "day": day_nb(d), "holiday": holiday(d),
                 "weekend": d.weekday() >= 5} for d in days if not is_working_day(d)]
    changes = [{"at": iso(m), "to": word} for m, word in dst_changes(anchor, deadline)]
    deadline_day_working = is_working_day(last_day)
    notes = []
    if changes:
        a_local, d_local = anchor.astimezone(OSLO), deadline.astimezone(OSLO)
        for m, word in dst_changes(anchor, deadline):
            text = f"Perioden går over overgangen til {word} natt til {day_nb(m.date())}"
            if not same_day and a_local.time() != d_local.time():
                text += (f"; fristen er regnet i medgått tid, så den ender kl. {d_local:%H:%M} lokal tid, "
                         f"ikke kl. {a_local:%H:%M}")
            notes.append(text + ".")
    if not deadline_day_working:
        what = f", en helligdag ({holiday(last_day).lower()})" if holiday(last_day) else ""
        notes.append(f"Fristen løper ut {day_nb(last_day)}{what}; neste virkedag er "
                     f"{day_nb(next_working_day(last_day))}. {SOURCES_SILENT}")
    elif off_days:
        names = ", ".join(_off_name(d) for d in off_days)
        notes.append(f"Perioden omfatter dager som ikke er virkedager: {names}. {SOURCES_SILENT}")
    after = last_day + dt.timedelta(days=1)
    if deadline_day_working and not is_working_day(after):
        notes.append(f"Dagen etter fristen ({_off_name({'day': day_nb(after), 'holiday': holiday(after)})}) er ikke en "
                     f"virkedag; neste virkedag er {day_nb(next_working_day(last_day))}. Kildene knytter ikke fristen "
                     "til virkedager, så den gjelder samme kalenderdag.")
    return {
        "deadline_day": last_day.isoformat(),
        "deadline_weekday": WEEKDAY_NB[last_day.weekday()],
        "deadline_holiday": holiday(last_day),
        "deadline_is_working_day": deadline_day_working,
        "next_working_day": None if deadline_day_working else next_working_day(last_day).isoformat(),
        "non_working_days": off_days,
        "dst_changes": changes,
        "sources_on_non_working_days": None if not off_days else "ikke omtalt i kildene",
        "notes": notes,
    }


def _off_name(day: dict) -> str:
    if day["holiday"]:
        return f"{day['day']}, {day['holiday'].lower()}"
    return day["day"]
