"""Test-session setup shared by tests/ and the package's doctests."""

import os

# scikit-learn's check_array_api_input (numpy namespace) only runs when SciPy's
# array-API mode is on, which must happen before SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
