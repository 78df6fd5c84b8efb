"""Handler references and the runtime process environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcp_lambda.dev.process import FunctionConfig, resolve_handler, runtime_environment


def test_file_reference_uses_the_file_directory_as_task_root(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("")
    assert resolve_handler(f"{tmp_path}/app.py:lambda_handler") == (tmp_path, "app.lambda_handler")
    assert resolve_handler(f"{tmp_path}/app.py") == (tmp_path, "app.handler")


def test_file_reference_inside_an_explicit_task_root_keeps_its_package(tmp_path: Path) -> None:
    assert resolve_handler(f"{tmp_path}/pkg/mod.py:fn", tmp_path) == (tmp_path, "pkg.mod.fn")
    with pytest.raises(ValueError, match="not inside the task root"):
        resolve_handler(f"{tmp_path}/pkg/mod.py:fn", tmp_path / "elsewhere")


def test_lambda_style_reference_is_relative_to_the_task_root(tmp_path: Path) -> None:
    assert resolve_handler("package.module.handler", tmp_path) == (tmp_path, "package.module.handler")


@pytest.mark.parametrize("reference", ["handler", "app.py:not-valid", "1app.handler", "app.txt:handler"])
def test_bad_references_are_rejected(reference: str) -> None:
    with pytest.raises(ValueError):
        resolve_handler(reference)


def test_environment_points_the_runtime_at_the_api_and_drops_unemulated_modes(tmp_path: Path) -> None:
    config = FunctionConfig(
        "app.handler", tmp_path, "fn", environment={"STAGE": "test", "AWS_LAMBDA_MAX_CONCURRENCY": "4"}
    )
    env = runtime_environment(config, "127.0.0.1:1234")
    assert env["AWS_LAMBDA_RUNTIME_API"] == "127.0.0.1:1234"
    assert env["STAGE"] == "test"
    assert env["PYTHONPATH"].split(":")[0] == str(tmp_path)
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/fn"
    # Multi-concurrency would switch awslambdaric into a mode the emulator does not serve.
    assert "AWS_LAMBDA_MAX_CONCURRENCY" not in env
