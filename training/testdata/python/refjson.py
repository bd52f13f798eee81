"""How the fixture generators here label and write what they produce.

Every fixture records the library versions it came from (fixtures.py checks
scikit-learn's exactly and reports the others) and is written into the
folder given as the generator's one argument, by default its own folder.
"""

import json
import os
import sys

import numpy as np
import sklearn


def versions():
    """Return the versions a fixture records, in the order it records them."""
    return {
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "python_version": sys.version.split()[0],
    }


def write(doc, name, default_dir, indent=None):
    """Write doc as JSON to name in the folder sys.argv[1] or default_dir."""
    out_dir = sys.argv[1] if len(sys.argv) > 1 else default_dir
    with open(os.path.join(out_dir, name), "w") as f:
        json.dump(doc, f, indent=indent)
        f.write("\n")
