"""Run a command with its output to a log file; print its exit code, CPU seconds and peak RSS.

The bench starts this file by path (no package import, a ~10 MB interpreter) and this file
starts the measured command. A child's peak RSS (`ru_maxrss`) starts at its parent's
resident set when it is forked, so a command started straight from the bench, which holds
the demo generator's and the baseline's memory, reported the bench's size, not its own.

Usage: python rusage_launcher.py LOG_FILE COMMAND [ARG ...]
"""

import json
import os
import subprocess
import sys


def main(log_file: str, command: list[str]) -> None:
    with open(log_file, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    print(
        json.dumps(
            {
                "returncode": os.waitstatus_to_exitcode(status),
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "peak_rss_kb": usage.ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
