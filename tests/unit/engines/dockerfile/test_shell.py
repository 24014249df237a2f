"""Shell command lines split into the commands rules judge."""

from __future__ import annotations

from kubeguard.engines.dockerfile.shell import Command, parse_commands, pipelines
from kubeguard.engines.dockerfile.view import unwrap


def _words(text: str) -> list[tuple[str, ...]]:
    return [command.words for command in parse_commands(text)]


def test_operators_split_commands_and_quotes_group_words() -> None:
    assert _words("a 'b c' && d \"e $X\" || f; g & h") == [
        ("a", "b c"),
        ("d", "e $X"),
        ("f",),
        ("g",),
        ("h",),
    ]


def test_pipelines_keep_their_order() -> None:
    commands = parse_commands("curl -fsSL x | tee log | sh; echo done")
    assert [[c.name for c in p] for p in pipelines(commands)] == [["curl", "tee", "sh"], ["echo"]]
    assert [c.position for c in commands] == [0, 1, 2, 0]


def test_compound_statements_expose_their_commands() -> None:
    text = (
        "set -eux; "
        "for f in a b; do rm $f; done; "
        "if [ -f x ]; then apt-get install -y y; else echo no; fi; "
        'case "$arch" in amd64|x86_64) echo amd ;; (arm64) apk add z ;; *) exit 1 ;; esac; '
        "while read l; do echo $l; done < file; { cd /tmp; }"
    )
    assert [c.name for c in parse_commands(text)] == [
        "set", "rm", "[", "apt-get", "echo", "echo", "apk", "exit", "read", "echo", "", "cd",
    ]  # fmt: skip


def test_assignments_redirections_and_comments_are_not_arguments() -> None:
    (command,) = parse_commands(
        "DEBIAN_FRONTEND=noninteractive apt-get install -y x 2>&1 >/dev/null # c"
    )
    assert command.assignments == ("DEBIAN_FRONTEND=noninteractive",)
    assert command.words == ("apt-get", "install", "-y", "x")
    assert command.redirects == ((">&", "1"), (">", "/dev/null"))


def test_substitutions_and_sh_c_scripts_are_parsed_as_nested_commands() -> None:
    commands = parse_commands(
        'echo "$(dpkg --print-architecture)" `uname -m` && bash -ec "apt-get update | tee x"'
    )
    assert [(c.name, c.nested) for c in commands] == [
        ("echo", False),
        ("dpkg", True),
        ("uname", True),
        ("bash", False),
        ("apt-get", True),
        ("tee", True),
    ]
    assert [c.name for c in commands[0].substitutions[0]] == ["dpkg"]
    assert len({c.pipeline for c in commands}) == 5


def test_heredocs_inside_scripts_are_skipped() -> None:
    assert [c.name for c in parse_commands("cat > /f <<EOF\nrm -rf /\nEOF\necho ok")] == [
        "cat",
        "echo",
    ]
    assert [c.name for c in parse_commands("cat <<-X\n\tsudo x\n\tX\nls")] == ["cat", "ls"]


def test_arithmetic_and_parameter_expansion_stay_inside_their_word() -> None:
    assert _words("n=$(( (1 + 2) * 3 )); echo ${x:-a b} $((n|1))") == [
        (),
        ("echo", "${x:-a b}", "$((n|1))"),
    ]


def test_line_continuations_and_unbalanced_input_never_raise() -> None:
    assert _words("echo a\\\nb") == [("echo", "ab")]
    for hostile in ('echo "open', "echo $(unclosed", "echo `x", "(((", "case x in", "\\"):
        assert isinstance(parse_commands(hostile), list)


def test_options_grouped_or_long() -> None:
    (command,) = parse_commands("apt-get -qy install --no-install-recommends=true x -- -y")
    assert command.has_option("-y")
    assert command.has_option("--no-install-recommends")
    assert not command.has_option("-s")


def test_wrappers_are_taken_off() -> None:
    def program(text: str) -> tuple[str, ...]:
        return unwrap(Command(tuple(text.split()))).words

    assert program("sudo -u app -E pip install x") == ("pip", "install", "x")
    assert program("env -i A=1 B=2 apt-get update") == ("apt-get", "update")
    assert program("xargs -r -n 1 apt-mark manual") == ("apt-mark", "manual")
    assert program("gosu app:app make install") == ("make", "install")
    assert program("python3.12 -m pip install -U pip") == ("pip", "install", "-U", "pip")
    assert program("timeout 10 sudo apk add x") == ("apk", "add", "x")
    assert program("ls -l") == ("ls", "-l")


def test_option_value_reads_both_spellings_and_keeps_the_last() -> None:
    (command,) = parse_commands("pip install --cache-dir /a --cache-dir=/b -- --cache-dir /c x")
    assert command.option_value("--cache-dir") == "/b"
    (bare,) = parse_commands("pip install x")
    assert bare.option_value("--cache-dir") is None
