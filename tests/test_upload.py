"""Uploads through the Python API: checked first, stored under a safe name, or refused."""

import pytest

from assistant import Assistant
from assistant.errors import InputError
from assistant.inputs import safe_upload_name

from .conftest import make_settings, write


@pytest.fixture
def bot(tmp_path, embedder):
    return Assistant(make_settings(tmp_path / "data", max_upload_bytes=2_000), embedder=embedder)


def test_names_are_reduced_to_a_safe_base_name():
    assert safe_upload_name("../../etc/Policy Paper.PDF") == "policy-paper.pdf"
    assert safe_upload_name("/abs/path/notes.md") == "notes.md"
    assert safe_upload_name("..\\\\windows\\\\evil.txt") == "evil.txt"


def test_upload_is_stored_inside_the_data_directory(bot, tmp_path):
    source = write(tmp_path / "in" / "x.md", "# Kyoto note\n\nKyoto set up an AI office in 2026.")
    report = bot.add_upload(source, "../../outside/Kyoto Note.md")
    assert report.added == ["kyoto-note"]
    stored = bot.settings.data_dir / "uploads" / "kyoto-note.md"
    assert stored.read_bytes() == source.read_bytes()
    assert not (tmp_path / "outside").exists()
    assert bot.add_upload(source, "Kyoto Note.md").unchanged == ["kyoto-note"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("table.csv", b"a,b\n1,2\n", "unsupported"),
        ("big.txt", b"word " * 1000, "upload limit"),
        ("empty.md", b"\n\n", "empty"),
        ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "PDF"),
    ],
)
def test_bad_uploads_are_refused_and_change_nothing(bot, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        bot.add_upload(path, name)
    assert not (bot.settings.data_dir / "uploads").exists()
    assert not bot.index.registry_path.exists()
