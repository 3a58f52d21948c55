"""`--format html` end to end (in headless Chromium when it is installed) and `--plots`."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
# Okabe-Ito colours of the report's underlines.
BLUE, VERMILLION, ORANGE = (0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00), (0xE6, 0x9F, 0x00)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def report(tiny_model_path, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "We must fight until Kyiv falls. Total victory, mobilise everyone!\n\n"
        "Stop the war and withdraw the troops. This invasion is a crime.\n\n"
        "Freeze the front and dig in. <script>document.title='pwned'</script>",
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    result = invoke("tag", folder, "-m", tiny_model_path, "-f", "html", "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_report_file_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page and "src=" not in page
    assert page.count('<span class="s ') == 6


def chromium(*args, user_data: Path):
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={user_data}", *args], capture_output=True, timeout=120
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_browser_renders_report_and_filter_hides_other_labels(report, tmp_path):
    from PIL import Image

    dom = chromium("--dump-dom", f"{report.as_uri()}#only=pro-war", user_data=tmp_path / "p1")
    page = dom.stdout.decode()
    assert '<body data-only="pro-war">' in page  # the script ran and applied the filter
    assert "pwned" not in page.split("<body", 1)[0]  # the article's script did not run
    shots = {}
    for view in ("all", "pro-war"):
        shot = tmp_path / f"{view}.png"
        chromium(
            f"--screenshot={shot}",
            "--window-size=1000,900",
            f"{report.as_uri()}#only={view}",
            user_data=tmp_path / f"p-{view}",
        )
        assert shot.is_file() and shot.stat().st_size > 1000
        shots[view] = {pixel: n for n, pixel in Image.open(shot).convert("RGB").getcolors(1 << 24)}
    # The legend and each article's stance bar keep their colours; the sentences' underlines
    # (3 px under every line of text) go with the filter: only pro-war ones stay.
    for colour in (BLUE, ORANGE):
        assert shots["all"].get(colour, 0) - shots["pro-war"].get(colour, 0) > 300
    assert shots["pro-war"].get(VERMILLION, 0) >= shots["all"].get(VERMILLION, 0)


def test_evaluate_and_info_plots(tiny_model_path, tiny_labels, tmp_path):
    pytest.importorskip("matplotlib")
    result = invoke("evaluate", tiny_labels, "-m", tiny_model_path, "--plots", tmp_path / "p")
    assert result.exit_code == 0, result.output
    result = invoke("info", "-m", tiny_model_path, "--plots", tmp_path / "p")
    assert result.exit_code == 0, result.output
    for name in ("confusion.png", "reliability.png", "top_ngrams.png"):
        assert (tmp_path / "p" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plots_without_matplotlib_say_how_to_install(
    tiny_model_path, tiny_labels, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    result = invoke("evaluate", tiny_labels, "-m", tiny_model_path, "--plots", tmp_path / "p")
    assert result.exit_code == 2
    assert "pip install 'stance[plots]'" in result.stderr
    assert not (tmp_path / "p").exists()
