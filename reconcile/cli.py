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


def _cache_option(f: F) -> F:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Đọc lại mọi tệp, không dùng bộ nhớ đệm OUT/.cache / read every file again, without the cache.",
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
    cache_out: Path | None = None,
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
            folder,
            settings,
            exclude=exclude,
            progress=progress,
            on_start=on_start,
            on_items=on_items,
            cache_out=cache_out,
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
    return msg("cli.done", lang, out=out, **_figures(result))


def _figures(result: Any) -> dict[str, int]:
    """The headline figures of a run (those of its closing line)."""
    return {
        "files": len(result.files),
        "items": len(result.items),
        "keys": len(result.latest),
        "errors": sum(1 for f in result.findings if f.level == "error"),
        "warnings": sum(1 for f in result.findings if f.level == "warning"),
    }


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
@click.option(
    "--on-locked",
    type=click.Choice(["fail", "rename"]),
    default="fail",
    show_default=True,
    help="Khi tệp kết quả đang mở trong Excel / when an output is open in Excel.",
)
@_cache_option
@_reading_options
@_handle_errors
def run(
    folder: Path,
    out: Path,
    no_annotate: bool,
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
    line, code = run_once(folder, out, settings, on_locked, use_cache=not no_cache)
    click.echo(line)
    sys.exit(code)


def run_once(folder: Path, out: Path, settings: Any, on_locked: str, use_cache: bool) -> tuple[str, int]:
    """One run of ``reconcile run`` (also each run of ``reconcile watch``): the closing line and the
    exit code. With the cache, a run whose inputs, settings and outputs are all as the last run left
    them writes nothing again (reconcile/cache.py); files already read are not read again."""
    from .output import EarlyItems, write_outputs

    lang, strict = settings.lang, settings.strict
    key = None
    if use_cache:
        from .cache import last_run, new_run, run_fingerprint

        new_run()
        options = {"lang": lang, "annotate": settings.annotate, "on_locked": on_locked, "strict": strict}
        key = run_fingerprint(folder, out, settings, options)
        record = last_run(out, key) if key is not None else None
        if record is not None:
            figures = dict(record["figures"])
            code = int(figures.pop("code"))
            return msg("cli.done", lang, out=str(out), **figures), code
    early = EarlyItems(out, on_locked)
    try:
        result = _run_with_progress(
            folder, settings, exclude=[out], on_items=early.start, cache_out=out if use_cache else None
        )
        if _exit_code(result, strict) == EXIT_USAGE:
            for f in result.findings:
                click.echo(_finding_line(f, lang), err=True)
            click.echo(msg("cli.nothing_readable", lang, folder=str(folder)), err=True)
            sys.exit(EXIT_USAGE)
        if key is not None:
            from .cache import forget_run

            forget_run(out)
        written = write_outputs(
            result, out, lang=lang, annotate=settings.annotate, on_locked=on_locked, early=early
        )
    finally:
        early.close()
    code = _exit_code(result, strict)
    if key is not None and on_locked == "fail":
        from .cache import remember_run

        remember_run(out, key, written.paths, {**_figures(result), "code": code})
    return _done_line(result, lang, str(out)), code


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
@click.option(
    "--on-locked",
    type=click.Choice(["fail", "rename"]),
    default="fail",
    show_default=True,
    help="Khi tệp kết quả đang mở trong Excel / when an output is open in Excel.",
)
@click.option(
    "--poll",
    is_flag=True,
    help="Kiểm tra thư mục định kỳ thay vì chờ thông báo (ổ mạng) / poll instead of file events (network drives).",
)
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
    sys.exit(run_watch(folder, out, settings, on_locked, use_cache=not no_cache, poll=poll))


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
@click.argument("path", type=click.Path(path_type=Path), default="mau-bao-cao-giai-ngan.xlsx")
@_lang_option
@click.option("--debug", is_flag=True, hidden=True)
@_handle_errors
def template(path: Path, lang: str, debug: bool) -> None:
    """Tạo biểu mẫu nhập liệu (Layout B) / write the tidy input template."""
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
