"""Runs the integration tests (tests/integration/test_*.py) with unittest,
one line per test, and ends with "N passed, N failed"."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# Tests recycle their workers every few requests (see stack.RECYCLE_AFTER).
os.environ.setdefault("STACK_RECYCLE_AFTER", "5")


class LineResult(unittest.TextTestResult):
    successes = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        LineResult.successes += 1
        print(f"ok   integration {test.id()}", flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        print(f"FAIL integration {test.id()}\n{self._exc_info_to_string(err, test)}", flush=True)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            print(f"FAIL integration {subtest.id()}\n{self._exc_info_to_string(err, test)}", flush=True)

    def addError(self, test, err):
        super().addError(test, err)
        print(f"FAIL integration {test.id()} (error)\n{self._exc_info_to_string(err, test)}", flush=True)


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern, top_level_dir=HERE)
    runner = unittest.TextTestRunner(resultclass=LineResult, verbosity=0,
                                     stream=open(os.devnull, "w"))
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors)
    passed = LineResult.successes
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
