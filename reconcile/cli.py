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

from . import __version__
from .errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ReconcileError
from .messages import msg

F = TypeVar("F", bound=Callable[..., Any])
PROGRESS_MIN_FILES = 8


def _lang_option(f: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["vi", "en"]),
        default="vi",
        show_default=True,
        help="Ngôn ngữ của kết quả và thông báo / language of the output and messages.",
    )(f)


def _reading_options(f: F) -> F:
    f = click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi (traceback) / show tracebacks.")(f)
    f = click.option(
        "--strict", is_flag=True, help="Thoát mã 1 khi có lỗi / exit 1 when error findings exist."
    )(f)
    f = click.option(
        "--target", default="100", show_default=True, help="Mục tiêu giải ngân (%) / disbursement target (%)."
    )(f)
    f = click.option(
        "--as-of",
        "as_of",
        default=None,
        help="Ngày đánh giá, vd 30/9/2023 / evaluation date, e.g. 2023-09-30.",
    )(f)
    return _lang_option(f)


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
            click.echo("", err=True)
            sys.exit(130)
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
    from .periods import parse_user_date

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


def _run_with_progress(
    folder: Path,
    settings: Any,
    exclude: list[Path],
    on_items: Callable[[Any, list[Path]], None] | None = None,
) -> Any:
    from .pipeline import run_folder

    state: dict[str, Any] = {}

    def on_start(n: int) -> None:
        if n > PROGRESS_MIN_FILES and sys.stderr.isatty():
            bar = click.progressbar(length=n, label=msg("cli.progress", settings.lang), file=sys.stderr)
            state["bar"] = bar.__enter__()

    def progress(k: int) -> None:
        if "bar" in state:
            state["bar"].update(k)

    try:
        return run_folder(
            folder, settings, exclude=exclude, progress=progress, on_start=on_start, on_items=on_items
        )
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


def _finding_line(f: Any, lang: str) -> str:
    from .messages import finding_message

    place = f.file or "-"
    if f.sheet:
        place += f" | {f.sheet}"
    if f.cell:
        place += f"!{f.cell}"
    return f"{place}: {msg('severity.' + f.level, lang)} [{f.code}] {finding_message(f.code, f.params, lang)}"


def _done_line(result: Any, lang: str, out: str) -> str:
    """The closing line of a run: files, items, keys, errors, warnings and where the output went."""
    errors = sum(1 for f in result.findings if f.level == "error")
    warnings = sum(1 for f in result.findings if f.level == "warning")
    return msg(
        "cli.done",
        lang,
        files=len(result.files),
        items=len(result.items),
        keys=len(result.latest),
        errors=errors,
        warnings=warnings,
        out=out,
    )


def _exit_code(result: Any, strict: bool) -> int:
    from .pipeline import nothing_readable

    if nothing_readable(result):
        return EXIT_USAGE
    return EXIT_FINDINGS if strict and result.has_errors else EXIT_OK


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconcile")
def cli() -> None:
    """Đối chiếu giải ngân vốn sự nghiệp Chương trình MTQG giảm nghèo bền vững.

    Reconcile monthly disbursement spreadsheets: `reconcile run` reads every spreadsheet in the folder
    (default ./workbooks) and writes a highlighted workbook, annotated copies and CSVs (default ./output).
    """


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default="workbooks")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default="output",
    show_default=True,
    help="Thư mục kết quả / output folder.",
)
@click.option("--no-annotate", is_flag=True, help="Không tạo bản sao có ghi chú / skip the annotated copies.")
@click.option("--no-report", is_flag=True, help="Không tạo báo cáo rà soát (.docx) / skip the review report.")
@click.option(
    "--on-locked",
    type=click.Choice(["fail", "rename"]),
    default="fail",
    show_default=True,
    help="Khi tệp kết quả đang mở trong Excel / when an output is open in Excel.",
)
@_reading_options
@_handle_errors
def run(
    folder: Path,
    out: Path,
    no_annotate: bool,
    no_report: bool,
    on_locked: str,
    lang: str,
    as_of: str | None,
    target: str,
    strict: bool,
    debug: bool,
) -> None:
    """Đọc, đối chiếu và ghi kết quả / read, reconcile and write the outputs."""
    from .output import EarlyItems, write_outputs

    settings = _settings(lang, as_of, target, strict, annotate=not no_annotate)
    early = EarlyItems(out, on_locked)
    try:
        result = _run_with_progress(folder, settings, exclude=[out], on_items=early.start)
        if _exit_code(result, strict) == EXIT_USAGE:
            for f in result.findings:
                click.echo(_finding_line(f, lang), err=True)
            click.echo(msg("cli.nothing_readable", lang, folder=str(folder)), err=True)
            sys.exit(EXIT_USAGE)
        from .report_run import RUN_MAX_KEYS, fits_in_run

        report = not no_report and fits_in_run(result)
        if not no_report and not report:
            click.echo(
                msg(
                    "cli.report_too_big",
                    lang,
                    keys=len(result.latest),
                    limit=RUN_MAX_KEYS,
                    folder=str(folder),
                ),
                err=True,
            )
        write_outputs(
            result,
            out,
            lang=lang,
            annotate=not no_annotate,
            on_locked=on_locked,
            early=early,
            report=report,
        )
    finally:
        early.close()
    click.echo(_done_line(result, lang, str(out)))
    sys.exit(_exit_code(result, strict))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default="workbooks")
@_reading_options
@_handle_errors
def check(folder: Path, lang: str, as_of: str | None, target: str, strict: bool, debug: bool) -> None:
    """Chỉ đọc và kiểm tra, in các cảnh báo / read and validate only, print the findings."""
    settings = _settings(lang, as_of, target, strict, annotate=False)
    result = _run_with_progress(folder, settings, exclude=[])
    for f in result.findings:
        click.echo(_finding_line(f, lang))
    if _exit_code(result, strict) == EXIT_USAGE:
        click.echo(msg("cli.nothing_readable", lang, folder=str(folder)), err=True)
        sys.exit(EXIT_USAGE)
    click.echo(_done_line(result, lang, "-"))
    sys.exit(_exit_code(result, strict))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default="workbooks")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default="output",
    show_default=True,
    help="Thư mục kết quả / output folder.",
)
@_reading_options
@_handle_errors
def report(
    folder: Path, out: Path, lang: str, as_of: str | None, target: str, strict: bool, debug: bool
) -> None:
    """Chỉ viết báo cáo rà soát (.docx) / write only the review report."""
    from .report_run import write_report_to

    settings = _settings(lang, as_of, target, strict, annotate=False)
    result = _run_with_progress(folder, settings, exclude=[out])
    if _exit_code(result, strict) == EXIT_USAGE:
        for f in result.findings:
            click.echo(_finding_line(f, lang), err=True)
        click.echo(msg("cli.nothing_readable", lang, folder=str(folder)), err=True)
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
    help="Tạo biểu mẫu đề xuất điều chỉnh vốn tại đây / write the proposals form here.",
)
@_lang_option
@click.option("--debug", is_flag=True, hidden=True)
@_handle_errors
def template(path: Path, proposals: Path | None, lang: str, debug: bool) -> None:
    """Tạo biểu mẫu nhập liệu (Layout B) / write the tidy input template."""
    if proposals is not None:
        from .proposals import write_proposals_template

        write_proposals_template(proposals, lang)
        click.echo(msg("cli.proposals_written", lang, path=str(proposals)))
        return
    from .template import write_template

    write_template(path, lang)
    click.echo(msg("cli.template_written", lang, path=str(path)))


def main() -> None:
    """Console-script entry point.

    Exits without tearing the interpreter down: by then every output is written, synced and renamed
    and every writer process joined, and freeing a national run's million objects one by one only
    delayed the prompt (~0.2 s).
    """
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
