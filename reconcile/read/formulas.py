"""A small evaluator for the formulas budget sheets use: arithmetic, SUM, IF, ROUND over one sheet.

Files written by programs carry no cached values (openpyxl) or placeholder zeros (xlsxwriter with
``fullCalcOnLoad``). Such cells must not pass as real zeros: we evaluate what is simple and report
the rest as ``formula_without_value``. Anything outside this grammar raises :class:`Unsupported`.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from functools import lru_cache


class Unsupported(Exception):
    """The formula uses something this evaluator does not do (another sheet, VLOOKUP, ...)."""


class _Div0:
    """Excel's #DIV/0! as a value: harmless in the branch an IF does not take, fatal where used."""


DIV0 = _Div0()
Value = float | str | _Div0 | None


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
    | (?P<range>\$?[A-Za-z]{1,3}\$?\d+:\$?[A-Za-z]{1,3}\$?\d+)
    | (?P<ref>\$?[A-Za-z]{1,3}\$?\d+)
    | (?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(
    | (?P<str>"(?:[^"]|"")*")
    | (?P<op><>|<=|>=|[-+*/^(),<>=&%])
    )""",
    re.VERBOSE,
)


def col_index(letters: str) -> int:
    """0-based column index of column letters: A -> 0, AA -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def parse_ref(ref: str) -> tuple[int, int]:
    """0-based (row, column) of an A1 reference (``$`` allowed)."""
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
    if not m:
        raise Unsupported(ref)
    return int(m.group(2)) - 1, col_index(m.group(1))


def _tokenize(formula: str) -> list[tuple[str, str]]:
    text = formula[1:] if formula.startswith("=") else formula
    pos = 0
    tokens: list[tuple[str, str]] = []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(formula)
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


def _num(v: Value) -> float:
    if v is None or v == "":
        return 0.0
    if isinstance(v, _Div0):
        raise Unsupported("#DIV/0!")
    if isinstance(v, str):
        raise Unsupported("text in arithmetic")
    return float(v)


def _arith(a: Value, b: Value, op: str) -> Value:
    """Binary arithmetic where #DIV/0! propagates as a value, like a spreadsheet."""
    if isinstance(a, _Div0) or isinstance(b, _Div0):
        return DIV0
    x, y = _num(a), _num(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        return DIV0 if y == 0 else x / y
    return x**y


Cell = Callable[[int, int], Value]
#: A compiled formula: its value, given the sheet's cells.
Compiled = Callable[[Cell], Value]
#: A compiled argument of a function call: its values (a range gives all its cells).
CompiledArg = Callable[[Cell], list[Value]]


class _Parser:
    """Recursive-descent compilation of the token list into closures (precedence: comparison < & < +-
    < */ < ^ < unary). Each formula text is compiled once and evaluated as often as it occurs: the
    files of a folder repeat the same formulas, and evaluating a closure costs a fraction of parsing."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.t = tokens
        self.i = 0
        #: The cell each compiled plain reference reads, by the id of its closure.
        self.refs: dict[int, tuple[int, int]] = {}
        self.kept: list[Compiled] = []

    def peek(self) -> tuple[str, str] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise Unsupported("syntax")
        self.i += 1
        return tok

    def expr(self) -> Compiled:
        left = self.additive()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in _COMPARE:
            self.i += 1
            right = self.additive()
            test = _COMPARE[tok[1]]

            def compare(cell: Cell) -> Value:
                a, b = _num(left(cell)), _num(right(cell))
                return 1.0 if test(a, b) else 0.0

            return compare
        return left

    def additive(self) -> Compiled:
        first = self.term()
        value = first
        terms: list[tuple[str, Compiled]] = []
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in "+-":
            self.i += 1
            term = self.term()
            terms.append((tok[1], term))
            value = _binary(value, term, tok[1])
        refs = [self.refs.get(id(first))] + [self.refs.get(id(t)) for _, t in terms]
        if terms and all(refs):
            # "=D10+D18+D25", the parent rows of a report: one call instead of a chain of them.
            return _sum_of_refs([ref for ref in refs if ref is not None], [op for op, _ in terms], value)
        return value

    def term(self) -> Compiled:
        value = self.power()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in "*/":
            self.i += 1
            value = _binary(value, self.power(), tok[1])
        return value

    def power(self) -> Compiled:
        value = self.unary()
        while (tok := self.peek()) and tok == ("op", "^"):
            self.i += 1
            value = _binary(value, self.unary(), "^")
        return value

    def unary(self) -> Compiled:
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in "+-":
            self.i += 1
            v = self.unary()
            if tok[1] == "-":
                return lambda cell: _arith(0.0, v(cell), "-")
            return v
        value = self.atom()
        if (tok := self.peek()) and tok == ("op", "%"):
            self.i += 1
            return lambda cell: _num(value(cell)) / 100
        return value

    def atom(self) -> Compiled:
        kind, text = self.take()
        if kind == "num":
            number = float(text)
            return lambda cell: number
        if kind == "str":
            string = text[1:-1].replace('""', '"')
            return lambda cell: string
        if kind == "ref":
            r, c = parse_ref(text)
            ref: Compiled = lambda cell: cell(r, c)  # noqa: E731
            self.refs[id(ref)] = (r, c)
            self.kept.append(ref)  # its id stays its own while the parser lives
            return ref
        if kind == "op" and text == "(":
            v = self.expr()
            self.take(")")
            return v
        if kind == "func":
            return self.call(text.upper())
        raise Unsupported(text)

    def args(self) -> list[CompiledArg]:
        """Arguments of a call; a range argument expands to its cells."""
        out: list[CompiledArg] = []
        if self.peek() == ("op", ")"):
            self.i += 1
            return out
        while True:
            tok = self.peek()
            if tok and tok[0] == "range" and self._range_ends_arg():
                self.i += 1
                out.append(_expand(tok[1]))
            else:
                one = self.expr()
                out.append(lambda cell, one=one: [one(cell)])  # type: ignore[misc]
            sep = self.take()
            if sep == ("op", ")"):
                return out
            if sep != ("op", ","):
                raise Unsupported("syntax")

    def _range_ends_arg(self) -> bool:
        nxt = self.t[self.i + 1] if self.i + 1 < len(self.t) else None
        return nxt in (("op", ","), ("op", ")"))

    def call(self, name: str) -> Compiled:
        if name == "IFERROR":
            raise Unsupported("IFERROR")
        args = self.args()
        # Every argument is evaluated, as a spreadsheet would not, but as this evaluator always has:
        # a #DIV/0! in the branch an IF does not take is a value, not an error.
        return lambda cell: _call(name, [arg(cell) for arg in args])


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _binary(left: Compiled, right: Compiled, op: str) -> Compiled:
    if op in ("+", "-", "*"):
        fast = _FAST[op]

        def arith(cell: Cell) -> Value:
            a, b = left(cell), right(cell)
            # Two numbers, the usual case, need none of _arith's checks (neither can be #DIV/0!).
            if type(a) is float and type(b) is float:
                return fast(a, b)
            return _arith(a, b, op)

        return arith
    return lambda cell: _arith(left(cell), right(cell), op)


def _sum_of_refs(refs: list[tuple[int, int]], ops: list[str], chained: Compiled) -> Compiled:
    """Cells added and subtracted in turn (left to right, as the chain of :func:`_binary` would);
    anything but numbers goes through that chain."""
    first, rest = refs[0], list(zip(ops, refs[1:], strict=True))

    def run(cell: Cell) -> Value:
        total = cell(*first)
        if type(total) is not float:
            return chained(cell)
        for op, (r, c) in rest:
            v = cell(r, c)
            if type(v) is not float:
                return chained(cell)
            total = total + v if op == "+" else total - v
        return total

    return run


_FAST: dict[str, Callable[[float, float], float]] = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def _expand(rng: str) -> CompiledArg:
    a, b = rng.split(":")
    (r1, c1), (r2, c2) = parse_ref(a), parse_ref(b)
    too_large = (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000
    rows = range(min(r1, r2), max(r1, r2) + 1)
    cols = range(min(c1, c2), max(c1, c2) + 1)

    def cells(cell: Cell) -> list[Value]:
        if too_large:
            raise Unsupported("range too large")
        return [cell(r, c) for r in rows for c in cols]

    return cells


def _call(name: str, a: list[list[Value]]) -> Value:
    """The function ``name`` applied to its evaluated arguments."""
    if name == "IF":
        if len(a) not in (2, 3) or any(len(x) != 1 for x in a):
            raise Unsupported("IF")
        cond = _num(a[0][0]) != 0
        return a[1][0] if cond else (a[2][0] if len(a) == 3 else 0.0)
    flat = [v for group in a for v in group]
    if name == "SUM":
        return sum(float(v) for v in flat if isinstance(v, int | float))
    if name in ("ROUND", "ROUNDUP", "ROUNDDOWN") and len(a) == 2:
        x, n = _num(a[0][0]), int(_num(a[1][0]))
        if name == "ROUND":
            factor = 10.0**n
            return math.floor(abs(x) * factor + 0.5) / factor * (1 if x >= 0 else -1)
        raise Unsupported(name)
    if name == "ABS" and len(a) == 1:
        return abs(_num(a[0][0]))
    if name in ("MAX", "MIN") and flat:
        nums = [float(v) for v in flat if isinstance(v, int | float)]
        if not nums:
            return 0.0
        return max(nums) if name == "MAX" else min(nums)
    raise Unsupported(name)


class _Refused:
    """A formula text the parser refused, remembered with the reason."""

    def __init__(self, reason: Unsupported) -> None:
        self.reason = reason


@lru_cache(maxsize=1 << 16)
def compile_formula(formula: str) -> Compiled | _Refused:
    """``formula`` compiled, or the reason it cannot be (kept so that it is not parsed again)."""
    try:
        if "!" in formula or "[" in formula:
            raise Unsupported("reference to another sheet or workbook")
        parser = _Parser(_tokenize(formula))
        compiled = parser.expr()
        if parser.peek() is not None:
            raise Unsupported("syntax")
    except Unsupported as exc:
        return _Refused(exc)
    except RecursionError:
        return _Refused(Unsupported("nested too deep"))
    return compiled


def evaluate(formula: str, cell: Cell) -> Value:
    """Evaluate ``formula`` ("=C10+C13", "=SUM(C11:C12)") with ``cell(row, col)`` giving 0-based values."""
    compiled = compile_formula(formula)
    if isinstance(compiled, _Refused):
        raise compiled.reason
    value = compiled(cell)
    if value is None or value == "":
        return 0.0  # "=E15" of an empty E15 shows 0 in a spreadsheet, not an empty cell
    if isinstance(value, _Div0):
        raise Unsupported("#DIV/0!")
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise Unsupported("not finite")
    return value
