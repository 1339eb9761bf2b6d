"""python -m settings check | example (see settings/__init__.py)."""

import sys

from settings import ClinicSettings, check, example


def main(argv: list) -> int:
    if argv == ["example"]:
        sys.stdout.write(example())
        return 0
    if argv == ["check"]:
        problems = check()
        for problem in problems:
            print(f"configuration error: {problem}", file=sys.stderr)
        if not problems:
            for name in ClinicSettings.from_env().placeholders():
                print(f"warning: {name} is not set: answers show the placeholder from clinic.yml", file=sys.stderr)
        return 2 if problems else 0
    print("usage: python -m settings check | example", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
