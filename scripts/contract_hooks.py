"""schemathesis hooks for scripts/contract-test.sh.

The run authenticates with an admin token it created for itself; generated requests may revoke
any other token (the API allows it), but never that one, or the rest of the run would only
measure 401s.
"""
import os

import schemathesis

PROTECTED_TOKEN = os.environ.get("CONTRACT_TOKEN_NAME", "")


@schemathesis.hook
def filter_case(context, case):
    if case.method.upper() != "DELETE" or not PROTECTED_TOKEN:
        return True
    return (case.path_parameters or {}).get("name") != PROTECTED_TOKEN
