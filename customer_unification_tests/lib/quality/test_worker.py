import pandas as pd
import pytest

from customer_unification.lib.quality import worker
from customer_unification.lib.quality.expectations import Expectation, validate

SUITE = [Expectation.of("ExpectColumnValuesToBeUnique", column="id"),
         Expectation.of("ExpectColumnValuesToMatchRegex", column="phone", regex=r"^\+[1-9][0-9]{6,14}$")]
FRAME = pd.DataFrame({"id": ["1", "2", "2"], "phone": ["+12127365000", "212", None], "other": [1, 2, 3]})


@pytest.mark.parametrize("helper_process", ["1", "0"])
def test_helper_process_gives_the_same_result_as_validating_here(monkeypatch, helper_process):
    monkeypatch.setenv("CU_GE_WORKER", helper_process)
    submitted = worker.submit(FRAME, SUITE, "s").result(timeout=120)
    assert submitted == validate(FRAME, SUITE, "s")
    assert [r.unexpected_count for r in submitted.results] == [2, 1]
    assert not submitted.success
