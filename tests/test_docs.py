"""The README's Python examples run (against a small model), so the docs cannot rot."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_blocks_run(tiny_model_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks
    for block in blocks:
        code = block.replace("models/stance.joblib", str(tiny_model_path))
        exec(compile(code, "README.md", "exec"), {})


def test_readme_quick_start_is_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    assert quick.split() == ["make", "run", "make", "test"]
