# Reads iCalendar files as two more clients do and prints, per file, the first ATTENDEE's CN and
# address as JSON: Debian's libical (Evolution and others) and python-icalendar.
# Usage: /usr/bin/python3 ical-names.py FILE...
import json
import sys
import gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I
import icalendar

out = []
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    row = {}
    comp = I.Component.new_from_string(text)
    ev = comp.get_first_component(I.ComponentKind.VEVENT_COMPONENT) if comp else None
    p = ev.get_first_property(I.PropertyKind.ATTENDEE_PROPERTY) if ev else None
    if p is not None:
        cn = p.get_first_parameter(I.ParameterKind.CN_PARAMETER)
        row["libical"] = {"cn": cn.get_cn() if cn else None, "email": p.get_attendee()}
    cal = icalendar.Calendar.from_ical(text)
    for e in cal.walk("VEVENT"):
        a = e.get("ATTENDEE")
        if a is not None:
            a = a[0] if isinstance(a, list) else a
            row["icalendar"] = {"cn": a.params.get("CN"), "email": str(a)}
    out.append(row)
print(json.dumps(out, ensure_ascii=False))
