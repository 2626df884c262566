"""The command line: parse options, call the library, map errors to exit codes (0 done, 1 errors with
--strict, 2 bad usage or nothing readable). Heavy modules (pandas, writers) are imported lazily so
that ``reconcile --help`` and ``--version`` start fast."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, clicktext
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, ReconcileError
from .messages import MESSAGES, msg
from .run import exit_code, finding_line, inputs_text, pace_line, read_and_reconcile, run_once

F = TypeVar("F", bound=Callable[..., Any])


def _lang_option(f: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["vi", "en"]),
        default="vi",
        show_default=True,
        help="help.lang",
    )(f)


def _reading_options(f: F) -> F:
    f = click.option("--debug", is_flag=True, help="help.debug")(f)
    f = click.option("--strict", is_flag=True, help="help.strict")(f)
    f = click.option("--target", default="100", show_default=True, help="help.target")(f)
    f = click.option("--as-of", "as_of", default=None, help="help.as_of")(f)
    return _lang_option(f)


def _output_options(f: F) -> F:
    """--out, --no-annotate and --on-locked: the options of every command that writes the outputs."""
    f = click.option(
        "--on-locked",
        type=click.Choice(["fail", "rename"]),
        default="fail",
        show_default=True,
        help="help.on_locked",
    )(f)
    f = click.option("--no-annotate", is_flag=True, help="help.no_annotate")(f)
    f = click.option(
        "--out", "out", type=click.Path(path_type=Path), default="output", show_default=True, help="help.out"
    )(f)
    return f


def _cache_option(f: F) -> F:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="help.no_cache",
    )(f)


def _handle_errors(f: F) -> F:
    """The one place where expected failures become one line and an exit code."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang", "vi")
        debug = kwargs.get("debug", False)
        try:
            return f(*args, **kwargs)
        except ReconcileError as exc:
            if debug:
                raise
            click.echo(exc.message(lang), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            # Outputs are renamed into place only at the end of a run: nothing of it was kept.
            if sys.stderr.isatty():
                click.echo("", err=True)  # past the ^C the terminal printed
            click.echo(msg("cli.interrupted", lang), err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            if debug:
                raise
            click.echo(
                msg("cli.internal_error", lang, where="reconcile", detail=f"{type(exc).__name__}: {exc}"),
                err=True,
            )
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def _settings(lang: str, as_of: str | None, target: str, strict: bool, annotate: bool = True) -> Any:
    from .errors import UsageError
    from .models import Settings
    from .read.periods import parse_user_date

    date = None
    if as_of:
        date = parse_user_date(as_of)
        if date is None:
            raise UsageError("cli.bad_date", value=as_of)
    try:
        pct = float(str(target).replace(",", ".").rstrip("%"))
    except ValueError:
        raise UsageError("cli.bad_target", value=target) from None
    if not 0 < pct <= 100:
        raise UsageError("cli.bad_target", value=target)
    return Settings(target=pct / 100, lang=lang, as_of=date, strict=strict, annotate=annotate)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(msg("cli.version", clicktext.active_lang(), version=__version__))
        ctx.exit()


class _HelpInLanguage(click.Command):
    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click makes the option once and keeps it: its help is set again for each language.
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = msg("help.help", clicktext.active_lang())
        return option


class _Command(_HelpInLanguage):
    """A command whose summary in ``reconcile --help`` comes whole from the catalogue."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return msg(f"cli.summary.{self.name}", clicktext.active_lang())


class _Group(_HelpInLanguage, click.Group):
    """The ``reconcile`` group: click's own words, the commands' help and the options' help in the
    language asked with ``--lang`` (Vietnamese by default), even for an error before it is parsed."""

    command_class = _Command

    def main(self, args: Any = None, *posargs: Any, **kwargs: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        lang = clicktext.lang_from_args(argv)
        clicktext.activate(lang)
        self.help = msg("cli.help.reconcile", lang)
        self.subcommand_metavar = msg("cli.metavar.command", lang)
        for command in [self, *self.commands.values()]:
            if command is not self:
                command.help = msg(f"cli.help.{command.name}", lang)
            command.options_metavar = msg("cli.metavar.options", lang)
            for param in command.params:
                _translate_param(param, lang)
        return super().main(argv, *posargs, **kwargs)


def _translate_param(param: click.Parameter, lang: str) -> None:
    """Show an option's help (written as a catalogue key) and an argument's name in ``lang``."""
    if isinstance(param, click.Argument):
        param.metavar = msg(f"cli.metavar.{param.name}", lang)
        return
    if not isinstance(param, click.Option):
        return
    if f"cli.metavar.{param.name}" in MESSAGES:
        param.metavar = msg(f"cli.metavar.{param.name}", lang)
    key = getattr(param, "help_key", None) or param.help
    if key and key.startswith("help."):
        param.help_key = key  # type: ignore[attr-defined]
        param.help = msg(key, lang)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version, help="help.version"
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None, help="help.lang")
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Đối chiếu giải ngân vốn sự nghiệp Chương trình MTQG giảm nghèo bền vững."""
    if lang:
        # ``reconcile --lang en run`` means the same as ``reconcile run --lang en``.
        ctx.default_map = {name: {"lang": lang} for name in ctx.command.commands}  # type: ignore[attr-defined]


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_output_options
@click.option("--no-report", is_flag=True, help="help.no_report")
@_cache_option
@_reading_options
@_handle_errors
def run(
    paths: tuple[Path, ...],
    out: Path,
    no_annotate: bool,
    no_report: bool,
    on_locked: str,
    no_cache: bool,
    lang: str,
    as_of: str | None,
    target: str,
    strict: bool,
    debug: bool,
) -> None:
    """Đọc, đối chiếu và ghi kết quả / read, reconcile and write the outputs."""
    settings = _settings(lang, as_of, target, strict, annotate=not no_annotate)
    text, code = run_once(paths, out, settings, on_locked, use_cache=not no_cache, report=not no_report)
    click.echo(text)
    sys.exit(code)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default="workbooks")
@_output_options
@click.option("--poll", is_flag=True, help="help.poll")
@_cache_option
@_reading_options
@_handle_errors
def watch(
    folder: Path,
    out: Path,
    no_annotate: bool,
    on_locked: str,
    poll: bool,
    no_cache: bool,
    lang: str,
    as_of: str | None,
    target: str,
    strict: bool,
    debug: bool,
) -> None:
    """Chạy, rồi chạy lại mỗi khi có tệp mới/sửa/xoá / run, then again on every change (Ctrl+C stops)."""
    from .watch import run_watch

    settings = _settings(lang, as_of, target, strict, annotate=not no_annotate)
    use_cache = not no_cache
    sys.exit(
        run_watch(
            folder, out, settings, lambda: run_once(folder, out, settings, on_locked, use_cache), poll=poll
        )
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_reading_options
@_handle_errors
def check(
    paths: tuple[Path, ...], lang: str, as_of: str | None, target: str, strict: bool, debug: bool
) -> None:
    """Chỉ đọc và kiểm tra, in các cảnh báo / read and validate only, print the findings."""
    from .progress import ConsolePhases

    settings = _settings(lang, as_of, target, strict, annotate=False)
    result = read_and_reconcile(paths, settings, ConsolePhases(lang), exclude=[])
    for f in result.findings:
        click.echo(finding_line(f, lang))
    if exit_code(result, strict) == EXIT_USAGE:
        click.echo(msg("cli.nothing_readable", lang, folder=inputs_text(paths)), err=True)
        sys.exit(EXIT_USAGE)
    from .writers.console import checked_line

    click.echo(pace_line(result, lang))
    click.echo(checked_line(result, lang))
    sys.exit(exit_code(result, strict))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default="output",
    show_default=True,
    help="help.out",
)
@_reading_options
@_handle_errors
def report(
    paths: tuple[Path, ...], out: Path, lang: str, as_of: str | None, target: str, strict: bool, debug: bool
) -> None:
    """Chỉ viết báo cáo rà soát (.docx) / write only the review report."""
    from .progress import ConsolePhases
    from .writers.report_run import write_report_to

    settings = _settings(lang, as_of, target, strict, annotate=False)
    result = read_and_reconcile(paths, settings, ConsolePhases(lang), exclude=[out])
    if exit_code(result, strict) == EXIT_USAGE:
        for f in result.findings:
            click.echo(finding_line(f, lang), err=True)
        click.echo(msg("cli.nothing_readable", lang, folder=inputs_text(paths)), err=True)
        sys.exit(EXIT_USAGE)
    path = write_report_to(result, out, lang)
    click.echo(msg("cli.report_written", lang, path=str(path)))
    sys.exit(exit_code(result, strict))


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default="mau-bao-cao-giai-ngan.xlsx")
@click.option(
    "--proposals",
    "proposals",
    type=click.Path(path_type=Path),
    default=None,
    help="help.proposals",
)
@_lang_option
@click.option(
    "--treasury",
    "treasury",
    type=click.Path(path_type=Path),
    default=None,
    help="help.treasury",
)
@click.option("--debug", is_flag=True, hidden=True)
@_handle_errors
def template(path: Path, proposals: Path | None, lang: str, treasury: Path | None, debug: bool) -> None:
    """Tạo biểu mẫu nhập liệu (Layout B) / write the tidy input template."""
    if treasury is not None:
        from .writers.treasury_template import write_statement_template

        write_statement_template(treasury)
        click.echo(msg("cli.treasury_written", lang, path=str(treasury)))
        return
    if proposals is not None:
        from .read.proposals import write_proposals_template

        write_proposals_template(proposals, lang)
        click.echo(msg("cli.proposals_written", lang, path=str(proposals)))
        return
    from .writers.template import write_template

    write_template(path, lang)
    click.echo(msg("cli.template_written", lang, path=str(path)))


def main() -> None:
    """Console-script entry point.

    Exits without tearing the interpreter down: by then every output is written, synced and renamed
    and every writer process joined, and freeing a national run's million objects one by one only
    delayed the prompt (~0.2 s of the national bench run's 6.5 s, bench/README.md).
    """
    from .console import setup

    setup()  # before the first word: no console or pipe encoding can make a message fail
    # NumPy asks Linux for transparent huge pages for each array of 4 MB or more (read when NumPy is
    # imported, which is later). Where the kernel compacts memory to find one at the first touch
    # (its default "madvise" defrag), building a national item table spent 1.5-2.8 s in page faults
    # against 0.2 s without (bench/README.md). Not set where the user chose; no effect elsewhere.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    try:
        cli(prog_name="reconcile")
        code: int = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            click.echo(exc.code, err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
