# Checks iTIP messages with Debian's libical (restriction_check: RFC 5546 rules per METHOD).
# Usage: /usr/bin/python3 ical.py FILE...  prints one line per file: OK, or FAIL and the problems.
import sys
import gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I

def errors(comp, out):
    p = comp.get_first_property(I.PropertyKind.XLICERROR_PROPERTY)
    while p is not None:
        out.append(p.get_xlicerror())
        p = comp.get_next_property(I.PropertyKind.XLICERROR_PROPERTY)
    sub = comp.get_first_component(I.ComponentKind.ANY_COMPONENT)
    while sub is not None:
        errors(sub, out)
        sub = comp.get_next_component(I.ComponentKind.ANY_COMPONENT)

for path in sys.argv[1:]:
    comp = I.Component.new_from_string(open(path, encoding="utf-8").read())
    if comp is None:
        print(f"{path}: FAIL parse error")
        continue
    before = []
    errors(comp, before)  # parse errors are X-LIC-ERROR properties
    ok = I.restriction_check(comp)
    after = []
    errors(comp, after)
    problems = before + after
    print(f"{path}: {'OK' if ok and not problems else 'FAIL ' + '; '.join(problems)}")
