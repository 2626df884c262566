"""The command line: parse options, call the library, map errors to exit codes (0 done, 1 errors with
--strict, 2 bad usage or nothing readable). Heavy modules (pandas, writers) are imported lazily so
that ``reconcile --help`` and ``--version`` start fast."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, clicktext
from .errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ReconcileError
from .messages import MESSAGES, msg

F = TypeVar("F", bound=Callable[..., Any])
#: Runs of more files than this show their phases (a small run is over before a bar would help).
PROGRESS_MIN_FILES = 8
#: The exit status of a run stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


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


def _read_and_reconcile(
    paths: tuple[Path, ...],
    settings: Any,
    phases: Any,
    exclude: list[Path],
    on_found: Callable[[list[Path]], None] | None = None,
    on_items: Callable[[Any, list[Path]], None] | None = None,
    cache_out: Path | None = None,
) -> Any:
    """Run the pipeline on the folder or files given (./workbooks when none), its phases shown once
    the run proves big enough."""
    from .pipeline import run_paths

    def found(files: list[Path]) -> None:
        phases.enabled = len(files) > PROGRESS_MIN_FILES
        if on_found:
            on_found(files)

    return run_paths(
        _inputs(paths),
        settings,
        exclude=exclude,
        phases=phases,
        on_found=found,
        on_items=on_items,
        cache_out=cache_out,
    )


def _inputs(paths: tuple[Path, ...]) -> list[Path]:
    return list(paths) or [Path("workbooks")]


def _inputs_text(paths: tuple[Path, ...]) -> str:
    return ", ".join(str(p) for p in _inputs(paths))


def _finding_line(f: Any, lang: str) -> str:
    from .messages import finding_message

    place = f.file or "-"
    if f.sheet:
        place += f" | {f.sheet}"
    if f.cell:
        place += f"!{f.cell}"
    return f"{place}: {msg('severity.' + f.level, lang)} [{f.code}] {finding_message(f.code, f.params, lang)}"


def _done_line(result: Any, lang: str, out: str) -> str:
    """The console summary's closing lines: the grand total (when there is one), then the counts."""
    from .writers.console import done_line, totals_line

    total = totals_line(result, lang)
    done = done_line(result, lang, out)
    return done if total is None else f"{total}\n{done}"


def _checked_line(result: Any, lang: str) -> str:
    """The closing line of ``check``: what was read and what was found (nothing was written)."""
    levels = [f.level for f in result.findings]
    return msg(
        "cli.checked",
        lang,
        files=len(result.files),
        items=len(result.items),
        keys=len(result.latest),
        errors=levels.count("error"),
        warnings=levels.count("warning"),
        infos=levels.count("info"),
    )


def _pace_line(result: Any, lang: str) -> str:
    """Which expected pace the statuses were judged against (SPEC 9)."""
    return msg("ledger.pace", lang, pace=msg(f"pace.{result.settings.pace_name}", lang))


def _exit_code(result: Any, strict: bool) -> int:
    from .pipeline import nothing_readable

    if nothing_readable(result):
        return EXIT_USAGE
    return EXIT_FINDINGS if strict and result.has_errors else EXIT_OK


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
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default="output",
    show_default=True,
    help="help.out",
)
@click.option("--no-annotate", is_flag=True, help="help.no_annotate")
@click.option("--no-report", is_flag=True, help="help.no_report")
@click.option(
    "--on-locked",
    type=click.Choice(["fail", "rename"]),
    default="fail",
    show_default=True,
    help="help.on_locked",
)
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


def run_once(
    paths: tuple[Path, ...] | Path,
    out: Path,
    settings: Any,
    on_locked: str,
    use_cache: bool,
    report: bool = True,
) -> tuple[str, int]:
    """One run of ``reconcile run`` (also each run of ``reconcile watch``): its closing lines and exit
    code. With the cache, a run of a folder whose inputs, settings and outputs are all as the last run
    left them writes nothing again (reconcile/cache.py); files already read are not read again."""
    from .progress import ConsolePhases
    from .writers.atomic import OutputLock, ensure_output_dir, remove_leftover_temps
    from .writers.output import EarlyItems, write_outputs

    paths = (paths,) if isinstance(paths, Path) else tuple(paths)
    lang, strict = settings.lang, settings.strict
    key = None
    folder = _inputs(paths)[0] if len(_inputs(paths)) == 1 else None
    if use_cache and folder is not None and folder.is_dir():
        from .cache import last_run, new_run
        from .pipeline import run_fingerprint

        new_run()
        options = {
            "lang": lang,
            "annotate": settings.annotate,
            "on_locked": on_locked,
            "strict": strict,
            "report": report,
        }
        key = run_fingerprint(folder, out, settings, options)
        record = last_run(out, key) if key is not None else None
        if record is not None and isinstance(record["figures"].get("text"), str):
            figures = record["figures"]
            return figures["text"], int(figures.get("code", 0))
    phases = ConsolePhases(lang)
    early = EarlyItems(out, on_locked)
    lock = OutputLock(out)
    made_out = not out.exists()

    def take_output_folder(files: list[Path]) -> None:
        # Before any file is read: a second run into the same folder stops at once.
        ensure_output_dir(out, files)
        lock.acquire()
        remove_leftover_temps(out)

    try:
        result = _read_and_reconcile(
            paths,
            settings,
            phases,
            exclude=[out],
            on_found=take_output_folder,
            on_items=early.start,
            cache_out=out if use_cache else None,
        )
        if _exit_code(result, strict) == EXIT_USAGE:
            for f in result.findings:
                click.echo(_finding_line(f, lang), err=True)
            click.echo(msg("cli.nothing_readable", lang, folder=_inputs_text(paths)), err=True)
            sys.exit(EXIT_USAGE)
        from .writers.report_run import RUN_MAX_KEYS, fits_in_run

        with_report = report and fits_in_run(result)
        if report and not with_report:
            click.echo(
                msg(
                    "cli.report_too_big",
                    lang,
                    keys=len(result.latest),
                    limit=RUN_MAX_KEYS,
                    folder=_inputs_text(paths),
                ),
                err=True,
            )
        if key is not None:
            from .cache import forget_run

            forget_run(out)
        written = write_outputs(
            result,
            out,
            lang=lang,
            annotate=settings.annotate,
            on_locked=on_locked,
            early=early,
            phases=phases,
            report=with_report,
        )
        result = written.result or result  # with the findings the annotated copies added
    finally:
        early.close()
        lock.release()
        if made_out and out.is_dir():
            _remove_if_nothing_written(out)
    code = _exit_code(result, strict)
    text = f"{_pace_line(result, lang)}\n{_done_line(result, lang, str(out))}"
    if key is not None and on_locked == "fail":
        from .cache import remember_run

        remember_run(out, key, written.paths, {"text": text, "code": code})
    return text, code


def _remove_if_nothing_written(out: Path) -> None:
    """Remove an output folder this run made when it holds nothing but the read cache (the run was
    stopped or failed before writing any output): nothing is left behind."""
    import shutil

    from .cache import CACHE_DIR

    entries = list(out.iterdir())
    if all(p.name == CACHE_DIR for p in entries):
        shutil.rmtree(out / CACHE_DIR, ignore_errors=True)
        with contextlib.suppress(OSError):
            out.rmdir()


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default="workbooks")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default="output",
    show_default=True,
    help="help.out",
)
@click.option("--no-annotate", is_flag=True, help="help.no_annotate")
@click.option(
    "--on-locked",
    type=click.Choice(["fail", "rename"]),
    default="fail",
    show_default=True,
    help="help.on_locked",
)
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
    result = _read_and_reconcile(paths, settings, ConsolePhases(lang), exclude=[])
    for f in result.findings:
        click.echo(_finding_line(f, lang))
    if _exit_code(result, strict) == EXIT_USAGE:
        click.echo(msg("cli.nothing_readable", lang, folder=_inputs_text(paths)), err=True)
        sys.exit(EXIT_USAGE)
    click.echo(_pace_line(result, lang))
    click.echo(_checked_line(result, lang))
    sys.exit(_exit_code(result, strict))


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
    result = _read_and_reconcile(paths, settings, ConsolePhases(lang), exclude=[out])
    if _exit_code(result, strict) == EXIT_USAGE:
        for f in result.findings:
            click.echo(_finding_line(f, lang), err=True)
        click.echo(msg("cli.nothing_readable", lang, folder=_inputs_text(paths)), err=True)
        sys.exit(EXIT_USAGE)
    path = write_report_to(result, out, lang)
    click.echo(msg("cli.report_written", lang, path=str(path)))
    sys.exit(_exit_code(result, strict))


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
    help="Tạo mẫu bảng đối chiếu dự toán Kho bạc (01-SDKP/ĐVDT) / write a Treasury statement form.",
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
