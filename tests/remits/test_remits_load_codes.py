import io

import pytest
from django.core.management import CommandError, call_command

from remits.models import ReasonCode

HEADER = "code,type,description,usage,notes,start_date,last_modified,stop_date\n"


@pytest.mark.django_db
def test_bundled_lists_load_complete_with_retired_codes_kept():
    call_command("load_codes", stdout=io.StringIO())
    assert ReasonCode.objects.filter(kind="CARC").count() == 405
    assert ReasonCode.objects.filter(kind="RARC").count() == 1171
    retired = ReasonCode.objects.get(kind="CARC", code="15")
    assert retired.retired and retired.description


@pytest.mark.django_db
def test_a_newer_list_adds_and_updates_codes(tmp_path):
    call_command("load_codes", stdout=io.StringIO())
    newer = tmp_path / "newer.csv"
    newer.write_text(
        HEADER + "999,CARC,A brand new reason.,,,2026-11-01,,\n"
        '197,CARC,"Authorization absent (reworded).",,,1995-01-01,2026-11-01,\n'
    )
    out = io.StringIO()
    call_command("load_codes", str(newer), stdout=out)
    assert "2 codes read, 1 added, 1 updated" in out.getvalue()
    assert ReasonCode.objects.get(kind="CARC", code="197").description.endswith(
        "(reworded)."
    )


@pytest.mark.django_db
def test_a_bad_row_names_itself_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "1,CARC,Deductible,,,2026-01-01,,\n2,CARC,Coinsurance,,,01/02/2026,,\n"
    )
    with pytest.raises(CommandError, match="row 3, column start_date: '01/02/2026'"):
        call_command("load_codes", str(bad), stdout=io.StringIO())
    assert not ReasonCode.objects.exists()


@pytest.mark.django_db
def test_a_file_without_the_expected_columns_is_refused(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("load_codes", str(bad), stdout=io.StringIO())


@pytest.mark.django_db
def test_generate_era_names_a_file_it_cannot_write(tmp_path):
    target = tmp_path / "missing-folder" / "x.835"
    with pytest.raises(CommandError, match="missing-folder/x.835: cannot write"):
        call_command("generate_era", "--claims", "3", "--out", str(target))
    assert not target.exists()
