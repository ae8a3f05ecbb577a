"""Letter templates: strict merge fields, clear errors (pure: no database)."""

import pytest

from appeals import letters


def test_every_merge_field_of_the_sample_renders():
    body = "\n".join(f"{{{{ {name} }}}}" for name in letters.MERGE_FIELDS)
    text = letters.preview(body)
    assert "{{" not in text
    assert "Riverside Family Medicine" in text
    assert "CO-197" in text


def test_spacing_inside_the_braces_does_not_matter():
    assert (
        letters.render(
            "Dear {{payer_name}} / {{  payer_name  }}", {"payer_name": "Acme"}
        )
        == "Dear Acme / Acme"
    )


def test_an_unknown_merge_field_is_an_error_naming_the_field_and_line():
    body = "Hello\nPatient {{ patient_nmae }}\n{{ deadline }}"
    with pytest.raises(letters.LetterTemplateError) as caught:
        letters.render(body, letters.SAMPLE_CONTEXT)
    message = str(caught.value)
    assert "line 2" in message
    assert "patient_nmae" in message
    assert "patient_name" in message  # the known fields are listed


def test_template_tags_and_attribute_access_are_refused():
    with pytest.raises(letters.LetterTemplateError, match="template tags"):
        letters.validate("{% load static %}")
    with pytest.raises(letters.LetterTemplateError, match="unknown merge field"):
        letters.validate("{{ patient_name.upper }}")
    with pytest.raises(letters.LetterTemplateError, match="unclosed"):
        letters.validate("Dear {{ payer_name")


def test_values_are_inserted_as_text_not_evaluated():
    text = letters.render("{{ patient_name }}", {"patient_name": "{{ deadline }}"})
    assert text == "{{ deadline }}"
