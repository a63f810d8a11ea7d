"""Compare Odoo's own suites run with the addons (scripts/core_suites.py output) with plain Odoo.

    python scripts/compare_core.py BASELINE RUN            prints the table, side by side
    python scripts/compare_core.py --counts BASELINE RUN   prints "PASSED FAILED"
    python scripts/compare_core.py --markdown BASELINE RUN the README's table

BASELINE (tests/core_baseline.json) holds plain Odoo 18.0's figures, measured once on the same
modules and the same fixed Odoo commit, and the differences we intend, each with its reason.
A test failing with the addons that passes on plain Odoo, and is not an intended difference,
fails the run; so does a module that ran fewer tests.
"""

import json
import re
import sys

# a subtest's id carries its parameters, record ids included: compare the test it belongs to
_SUBTEST = re.compile(r" \(.*\)$")


def _tests(row):
    return {_SUBTEST.sub("", test) for test in (*row["failed"], *row["errors"])}


def load_run(path):
    with open(path, encoding="utf-8") as f:
        return {row["module"]: row for row in map(json.loads, filter(str.strip, f))}


def compare(baseline, run):
    plain = baseline["modules"]
    intended = baseline.get("intended_differences", {})
    rows, passed, failed = [], 0, 0
    if not run:
        rows.append(("", "no module ran"))
        failed += 1
    # the modules the run was asked for (CI runs five; account has its own command)
    for module in sorted(run):
        ours = run[module]
        base = plain.get(module)
        if not base:
            rows.append((module, "missing from the baseline: no plain figures to compare with"))
            failed += 1
            continue
        bad, plain_bad = _tests(ours), _tests(base)
        new = sorted(bad - plain_bad - set(intended))
        fixed = sorted(plain_bad - bad)
        rows.append(
            (
                module,
                f"plain {base['run']} run / {len(plain_bad)} failed+errors; "
                f"with the addons {ours['run']} run / {len(bad)} failed+errors; "
                f"new {len(new)}, intended {len(bad & set(intended))}, passing here only {len(fixed)}; "
                f"{ours['seconds']} s",
            )
        )
        rows.extend((f"  NEW FAILURE {test}", "") for test in new)
        short = base["run"] - ours["run"]
        if short > 0:
            rows.append((f"  {short} fewer tests ran than on plain Odoo", ""))
        failed += len(new) + (1 if short > 0 else 0)
        passed += ours["run"] - len(new)
    return rows, passed, failed


def markdown(baseline, run):
    lines = [
        "| module | plain Odoo: run / failed+errors | with the addons: run / failed+errors | new failures |",
        "|---|---|---|---|",
    ]
    for module, base in sorted(baseline["modules"].items()):
        ours = run.get(module)
        if not ours:
            continue
        plain_bad, bad = _tests(base), _tests(ours)
        lines.append(
            f"| {module} | {base['run']} / {len(plain_bad)} | {ours['run']} / {len(bad)} "
            f"| {len(bad - plain_bad)} |"
        )
    return "\n".join(lines)


def main():
    args = sys.argv[1:]
    mode = args.pop(0) if args and args[0].startswith("--") else None
    with open(args[0], encoding="utf-8") as f:
        baseline = json.load(f)
    if mode == "--markdown":
        print(markdown(baseline, load_run(args[1])))
        return
    rows, passed, failed = compare(baseline, load_run(args[1]))
    if mode == "--counts":
        print(passed, failed)
        return
    for name, text in rows:
        print(f"[jxc] core {name} {text}".rstrip())


if __name__ == "__main__":
    main()
