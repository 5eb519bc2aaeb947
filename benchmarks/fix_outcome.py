#!/usr/bin/env python3
"""Judge ``qemlflow-lint fix`` by its outcome on real libraries, as their users would: the
import time and each library's own tests, untouched, after ``fix`` and after
``fix --unsafe-fixes``. The code, and what it measures, is the ``benchmarks.outcome``
package beside this script.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    # Run as a script, the folder of this file is first on the path, not the repository's.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.outcome.cli import main

    sys.exit(main())
