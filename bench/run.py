"""Run every benchmark in bench/ in turn (``make bench``)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["sync_content.py"]

if __name__ == "__main__":
    for script in SCRIPTS:
        print(f"\n== {script}")
        subprocess.run([sys.executable, str(HERE / script)], check=True)
