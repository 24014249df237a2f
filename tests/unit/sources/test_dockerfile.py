"""The Dockerfile parser reads what BuildKit reads: lines, forms, here-documents, variables, stages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeguard.model import SourceError
from kubeguard.model.dockerfile import DockerfileDoc, Instruction
from kubeguard.sources.dockerfile import (
    dockerfiles_in,
    parse_dockerfile,
    read_dockerfile,
    read_dockerfiles,
)


def _only(doc: DockerfileDoc, keyword: str) -> Instruction:
    (found,) = [i for i in doc.instructions if i.keyword == keyword]
    return found


def test_continuation_lines_report_the_first_line_and_drop_inner_comments() -> None:
    doc = parse_dockerfile(
        "FROM debian:12\n"
        "\n"
        "RUN apt-get update && \\\n"
        "    # a comment inside the instruction\n"
        "\n"
        "    apt-get install -y curl \\   \n"
        "    && rm -rf /var/lib/apt/lists/*\n"
        "USER app\n"
    )
    run = _only(doc, "RUN")
    assert (run.line, run.end_line) == (3, 7)
    assert run.arguments.split() == [
        "apt-get", "update", "&&", "apt-get", "install", "-y", "curl",
        "&&", "rm", "-rf", "/var/lib/apt/lists/*",
    ]  # fmt: skip
    assert "comment" not in run.arguments
    assert _only(doc, "USER").line == 8


def test_escape_directive_makes_backtick_the_continuation_and_backslash_literal() -> None:
    doc = parse_dockerfile(
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "COPY testfile.txt c:\\\n"
        "RUN dir c:\\ `\n"
        "    && echo done\n"
        "WORKDIR c:\\app\\bin\n"
    )
    assert doc.escape == "`"
    assert doc.directives == {"escape": "`"}
    assert _only(doc, "COPY").words == ("testfile.txt", "c:\\")
    run = _only(doc, "RUN")
    assert run.arguments.split() == ["dir", "c:\\", "&&", "echo", "done"]
    assert (run.line, run.end_line) == (4, 5)
    assert _only(doc, "WORKDIR").words == ("c:\\app\\bin",)


def test_directives_only_count_at_the_top() -> None:
    doc = parse_dockerfile("# syntax=docker/dockerfile:1.7\n\n# escape=`\nFROM alpine:3.20\n")
    assert doc.directives == {"syntax": "docker/dockerfile:1.7"}
    assert doc.escape == "\\"
    assert [c.text for c in doc.comments] == ["escape=`"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("# escape=x\nFROM alpine\n", "invalid escape character 'x'", 1),
        ("# escape=`\n# ESCAPE=\\\nFROM alpine\n", "only one escape parser directive", 2),
        ("FROM alpine:3.20\nFRM alpine\n", "unknown instruction 'FRM'", 2),
        ("FROM alpine AS\n", "FROM takes an image", 1),
        ("FROM\n", "FROM takes an image", 1),
        ("FROM alpine\nRUN <<EOF\necho never closed\n", "here-document <<EOF is never closed", 2),
        ("FROM alpine\nENV\n", "ENV needs at least one name", 2),
        ("FROM alpine\nONBUILD BOGUS x\n", "unknown instruction 'BOGUS' after ONBUILD", 2),
        ("this is not a Dockerfile\n", "unknown instruction 'this'", 1),
    ],
)
def test_unparseable_input_raises_one_error_with_its_line(
    text: str, message: str, line: int
) -> None:
    with pytest.raises(SourceError) as raised:
        parse_dockerfile(text, "build/api.Dockerfile")
    assert message in raised.value.message
    assert raised.value.location is not None
    assert (raised.value.location.path, raised.value.location.line) == (
        "build/api.Dockerfile",
        line,
    )


def test_heredocs_several_chomped_quoted_and_for_copy() -> None:
    doc = parse_dockerfile(
        "FROM alpine:3.20\n"
        "RUN <<first cat >/a && <<-'second' cat >/b\n"
        "one $HOME\n"
        "first\n"
        "\ttwo\n"
        "\tsecond\n"
        'COPY <<"EOF" /etc/motd\n'
        "hello\n"
        "EOF\n"
        'CMD ["sh"]\n'
    )
    run = _only(doc, "RUN")
    assert [(h.delimiter, h.body, h.strip_tabs, h.expands, h.line) for h in run.heredocs] == [
        ("first", "one $HOME\n", False, True, 3),
        ("second", "two\n", True, False, 5),
    ]
    assert (run.line, run.end_line) == (2, 6)
    copy = _only(doc, "COPY")
    assert copy.heredocs[0].body == "hello\n"
    assert copy.words == ("<<EOF", "/etc/motd")
    assert _only(doc, "CMD").line == 10


def test_heredoc_markers_inside_quotes_or_json_are_not_heredocs() -> None:
    doc = parse_dockerfile(
        'FROM alpine:3.20\nRUN echo "<<EOF"\nRUN ["sh", "-c", "cat <<EOF"]\nUSER 1000\n'
    )
    assert all(not i.heredocs for i in doc.instructions)
    assert _only(doc, "USER").line == 4


def test_exec_and_shell_forms() -> None:
    doc = parse_dockerfile(
        "FROM alpine:3.20\n"
        'ENTRYPOINT ["tini", "--"]\n'
        "CMD [not json]\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "RUN echo hi\n"
    )
    assert _only(doc, "ENTRYPOINT").exec_form == ("tini", "--")
    cmd = _only(doc, "CMD")
    assert cmd.exec_form is None
    assert cmd.shell_form
    assert cmd.arguments == "[not json]"
    assert _only(doc, "RUN").shell == ("/bin/bash", "-o", "pipefail", "-c")


def test_flags_are_parsed_and_expanded() -> None:
    doc = parse_dockerfile(
        "FROM alpine:3.20 AS build\n"
        "ARG UID=1000\n"
        "COPY --from=build --chown=${UID}:${UID} --link src/ /dst/\n"
        "RUN --mount=type=cache,target=/var/cache/npm --mount=type=secret,id=npm npm ci\n"
    )
    copy = _only(doc, "COPY")
    assert copy.flag("from") == "build"
    assert copy.flag("chown") == "1000:1000"
    assert copy.flag("link") == ""
    assert copy.flag("chmod") is None
    assert copy.words == ("src/", "/dst/")
    run = _only(doc, "RUN")
    assert run.flag_values("mount") == ("type=cache,target=/var/cache/npm", "type=secret,id=npm")
    assert run.arguments == "npm ci"


def test_global_args_reach_from_and_need_redeclaring_in_a_stage() -> None:
    doc = parse_dockerfile(
        "ARG BASE=debian\n"
        "ARG TAG\n"
        "ARG VERSION=1.2\n"
        "FROM ${BASE}:${TAG:-bookworm} AS build\n"
        "ARG VERSION\n"
        "LABEL version=$VERSION base=${BASE}\n"
    )
    (stage,) = doc.stages
    assert stage.base == "debian:bookworm"
    assert not stage.base_unresolved
    assert [i.keyword for i in doc.global_args] == ["ARG", "ARG", "ARG"]
    label = _only(doc, "LABEL")
    assert [(a.name, a.value) for a in label.assignments] == [
        ("version", "1.2"),
        ("base", None),  # BASE was not declared again inside the stage
    ]


def test_env_wins_over_arg_and_values_use_the_scope_before_the_instruction() -> None:
    doc = parse_dockerfile(
        "FROM alpine:3.20\n"
        "ENV HOME=/home/app\n"
        "ARG HOME=/ignored\n"
        "ENV APP=$HOME/app LOG=${APP:-none}\n"
        "WORKDIR $APP\n"
        "ENV GREETING hello world\n"
    )
    env = [i for i in doc.instructions if i.keyword == "ENV"]
    assert [(a.name, a.value) for a in env[1].assignments] == [
        ("APP", "/home/app/app"),
        ("LOG", "none"),
    ]
    assert _only(doc, "WORKDIR").words == ("/home/app/app",)
    assert [(a.name, a.value) for a in env[2].assignments] == [("GREETING", "hello world")]


def test_variables_without_a_known_value_stay_as_written() -> None:
    doc = parse_dockerfile(
        "FROM golang:1.22\nARG TARGETARCH\nWORKDIR $GOPATH/src\nUSER ${APP_UID:-1000}\nEXPOSE $PORT\n"
    )
    workdir = _only(doc, "WORKDIR")
    assert workdir.words == ("$GOPATH/src",)
    assert workdir.unresolved
    user = _only(doc, "USER")
    assert user.words == ("1000",)
    assert not user.unresolved
    assert _only(doc, "EXPOSE").unresolved


def test_stages_are_named_case_insensitively_and_inherit_env_and_shell() -> None:
    doc = parse_dockerfile(
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS Builder\n"
        "ENV CGO_ENABLED=0\n"
        'SHELL ["/bin/bash", "-c"]\n'
        "FROM builder AS test\n"
        "RUN echo $CGO_ENABLED\n"
        "WORKDIR /src/$CGO_ENABLED\n"
        "FROM alpine:3.20\n"
    )
    builder, test, final = doc.stages
    assert (builder.name, builder.key, builder.platform) == ("Builder", "builder", "$BUILDPLATFORM")
    assert test.parent == 0
    assert final.parent is None
    assert doc.stage_named("BUILDER") is builder
    assert doc.final_stage is final
    assert [s.index for s in doc.lineage(test)] == [0, 1]
    run = next(test.of("RUN"))
    assert run.stage == 1
    assert run.shell == ("/bin/bash", "-c")
    assert next(test.of("WORKDIR")).words == ("/src/0",)


def test_onbuild_carries_its_instruction() -> None:
    doc = parse_dockerfile("FROM alpine:3.20\nONBUILD RUN --mount=type=cache,target=/c make\n")
    trigger = _only(doc, "ONBUILD").trigger
    assert trigger is not None
    assert (trigger.keyword, trigger.arguments, trigger.line) == ("RUN", "make", 2)
    assert trigger.flag("mount") == "type=cache,target=/c"


def test_comments_keep_their_lines_and_crlf_is_accepted() -> None:
    doc = parse_dockerfile("\ufeff# hadolint ignore=DL3006\r\nFROM ubuntu\r\n  # indented\r\n")
    assert [(c.line, c.text) for c in doc.comments] == [
        (1, "hadolint ignore=DL3006"),
        (3, "indented"),
    ]
    assert doc.stages[0].base == "ubuntu"


def test_instructions_are_case_insensitive_and_arguments_optional() -> None:
    doc = parse_dockerfile("from alpine:3.20 as base\nrun echo hi\nCMD\n")
    assert [i.keyword for i in doc.instructions] == ["FROM", "RUN", "CMD"]
    assert doc.stages[0].name == "base"
    assert _only(doc, "CMD").words == ()


def test_reading_files_folders_and_bad_bytes(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "api.Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "Dockerfile.dev").write_text("FROM alpine:3.20\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "Containerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "README.md").write_text("# not a Dockerfile\n")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in dockerfiles_in(tmp_path))
    assert found == [".github/Containerfile", "Dockerfile.dev", "api.Dockerfile", "app/Dockerfile"]

    binary = tmp_path / "binary"
    binary.write_bytes(b"FROM alpine\n\x00\x01")
    latin = tmp_path / "latin"
    latin.write_bytes(b"FROM alpine\nLABEL a=\xe9\n")
    items = list(read_dockerfiles([str(binary), str(latin), str(tmp_path / "missing")]))
    assert [str(item) for item in items] == [
        f"{binary}:2: binary data (NUL byte at offset 12), not a Dockerfile",
        f"{latin}:2: not UTF-8 text (byte 0xe9 at offset 20)",
        f"{tmp_path / 'missing'}: no such file or folder",
    ]
    too_large = read_dockerfile(tmp_path / "api.Dockerfile", max_file_bytes=4)
    assert isinstance(too_large, SourceError)
    assert "limit" in too_large.message
