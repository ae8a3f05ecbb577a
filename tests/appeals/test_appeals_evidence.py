"""Evidence uploads: type by content, size limit, server-made names, nothing lost."""

from pathlib import Path

import pytest
import time_machine

from appeals import services
from appeals.models import Evidence
from core.errors import ApplicationError
from tests.appeals.factories_appeals import (
    TINY_PDF,
    commercial_denial,
    png_bytes,
    tiff_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-27 15:00Z", tick=False):
        yield


@pytest.fixture
def appeal(practice, biller, _today):
    denial = commercial_denial(practice)
    return services.appeal_start(denials=[denial], action="appeal", by=biller)


def test_pdf_png_jpeg_and_tiff_are_stored_by_content_under_server_names(
    appeal, biller, settings
):
    import io

    from PIL import Image

    jpeg = io.BytesIO()
    Image.new("RGB", (10, 10)).save(jpeg, "JPEG")
    files = [
        upload("notes.pdf", TINY_PDF),
        upload("card.png", png_bytes()),
        upload("scan.jpg", jpeg.getvalue()),
        upload("fax.tif", tiff_bytes()),
    ]
    result = services.evidence_add(appeal=appeal, files=files, by=biller)
    assert result.refused == []
    types = [e.content_type for e in result.saved]
    assert types == ["application/pdf", "image/png", "image/jpeg", "image/tiff"]
    for item in result.saved:
        path = Path(settings.MEDIA_ROOT) / "evidence" / item.stored_name
        assert path.is_file()
        assert item.original_name not in item.stored_name  # the server names the file
        assert len(item.sha256) == 64


def test_a_pdf_name_hiding_html_or_a_program_is_refused_naming_the_file(appeal, biller):
    files = [
        upload("records.pdf", b"<!DOCTYPE html><script>alert(1)</script>"),
        upload("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        upload("good.pdf", TINY_PDF),
    ]
    result = services.evidence_add(appeal=appeal, files=files, by=biller)
    assert [e.original_name for e in result.saved] == ["good.pdf"]
    assert "records.pdf was refused: its content is HTML or XML" in result.refused[0]
    assert (
        "invoice.pdf was refused: its content is a Windows program" in result.refused[1]
    )
    assert Evidence.objects.count() == 1


def test_a_png_named_pdf_is_stored_as_png_with_a_note(appeal, biller):
    result = services.evidence_add(
        appeal=appeal, files=[upload("scan.pdf", png_bytes())], by=biller
    )
    item = result.saved[0]
    assert item.content_type == "image/png"
    assert item.stored_name.endswith(".png")
    assert "content is PNG; stored as PNG" in item.note


def test_a_file_with_an_image_header_and_garbage_after_it_is_refused(appeal, biller):
    fake = b"\x89PNG\r\n\x1a\n" + b"not really an image" * 10
    result = services.evidence_add(
        appeal=appeal, files=[upload("x.png", fake)], by=biller
    )
    assert result.saved == []
    assert "cannot be read" in result.refused[0]


def test_too_large_is_refused_with_the_limit_and_nothing_is_left_on_disk(
    appeal, biller, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = TINY_PDF + b"%" * 2000
    result = services.evidence_add(
        appeal=appeal, files=[upload("big.pdf", big)], by=biller
    )
    assert result.saved == []
    assert result.refused[0].startswith("big.pdf is 2 KB; the limit is 1 KB")
    folder = Path(settings.MEDIA_ROOT) / "evidence"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_stream_longer_than_its_declared_size_is_still_stopped_at_the_limit(
    appeal, biller, settings
):
    import io

    settings.EVIDENCE_MAX_BYTES = 1024
    data = TINY_PDF + b"%" * 5000
    result = services.evidence_add(
        appeal=appeal, files=[("liar.pdf", io.BytesIO(data), 10)], by=biller
    )
    assert result.saved == [] and "the limit is" in result.refused[0]
    assert list((Path(settings.MEDIA_ROOT) / "evidence").iterdir()) == []


def test_the_same_file_twice_is_attached_once(appeal, biller):
    services.evidence_add(appeal=appeal, files=[upload("a.pdf", TINY_PDF)], by=biller)
    result = services.evidence_add(
        appeal=appeal, files=[upload("b.pdf", TINY_PDF)], by=biller
    )
    assert result.saved == [] and "already attached (as a.pdf)" in result.refused[0]


def test_folder_parts_and_control_characters_are_dropped_from_the_name(appeal, biller):
    result = services.evidence_add(
        appeal=appeal, files=[upload("../../etc/pass\x00wd.pdf", TINY_PDF)], by=biller
    )
    assert result.saved[0].original_name == "passwd.pdf"


def test_no_evidence_on_a_decided_appeal(appeal, biller):
    services.appeal_record_outcome(appeal=appeal, outcome="withdrawn", by=biller)
    with pytest.raises(ApplicationError, match="withdrawn"):
        services.evidence_add(
            appeal=appeal, files=[upload("a.pdf", TINY_PDF)], by=biller
        )
