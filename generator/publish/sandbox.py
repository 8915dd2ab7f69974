"""The Jinja sandbox templates run in, and the limits that stop a runaway or hostile template inside it.

Jinja's sandbox keeps a template away from Python's internals. These limits keep it within time and
memory: every call, filter, loop iteration and `{{ }}` output counts against a step budget and a
deadline; operations that can multiply a value's size (`*`, `**`, `%`, `+`, padding and format widths,
the filters and string methods that take a size or repeat their input) are checked *before* they run;
every value a call, filter or `~` makes is bounded, and so is everything made in one render and what a
part renders. What slips through all of this is stopped from outside (isolate.py).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator
from string import Formatter
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer
from markupsafe import EscapeFormatter, Markup

from .context import FILTERS, TESTS, ExtraFields

RENDER_SECONDS = 10.0  # wall clock for one render (README: 10 秒)
MAX_STEPS = 2_000_000  # calls, built-in filters, loop iterations and {{ }} outputs in one render; the default template takes ~250
MAX_RANGE = 10_000  # items of one range()
MAX_SIZE = 1_000_000  # characters (or items) of one value a template makes; a whole report is ~50 000
MAX_MADE = 50_000_000  # characters of all the values one render makes together
MAX_OUTPUT = 20_000_000  # characters one part renders; the default template's body renders ~70 000
MAX_INT_BITS = 4_096  # an integer a template computes (≈1 233 digits)
MAX_JSON_INDENT = 100
MAX_TAGS = 5_000  # template tags in all parts; the default template has ~250 (compiling costs ~0.1 ms each)
MAX_SOURCE_CHARS = 10_000_000  # the parts with tags, together; the default template's are ~80 000

LOOP_FILTER = "_nianbao_loop"  # wraps what a {% for %} iterates: each item counts as a step
BOUND_FILTER = "_nianbao_bound"  # wraps a `~` concatenation: its result is bounded
_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")
_DIGITS = re.compile(r"\d+")
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})
_DICT_ATTRIBUTES = frozenset(dir(dict))


class RenderBudgetExceeded(jinja2.TemplateError):
    """A template ran too long or made too much (a runaway loop, a huge string): rendering was stopped."""


class ExtraFieldMissing(jinja2.UndefinedError):
    """The template used a custom field (`extra.联系人`) the input does not have: the data's problem, not the template's."""

    def __init__(self, key: str) -> None:
        super().__init__(f"缺少自定义字段“{key}”")
        self.key = key

    def __reduce__(self) -> tuple[type[ExtraFieldMissing], tuple[str]]:
        return type(self), (self.key,)


class MissingExtraUndefined(jinja2.StrictUndefined):
    """What `extra.X` is when the input has no custom field X: `is defined` and `default` work, printing it fails."""

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        raise ExtraFieldMissing(str(self._undefined_name))

    __str__ = __iter__ = __len__ = __eq__ = __ne__ = __bool__ = __hash__ = __contains__ = (
        _fail_with_undefined_error  # as StrictUndefined does
    )


def weight(value: Any, limit: int = MAX_SIZE) -> int:
    """About how many characters `value` takes when printed: strings their length, containers their items'
    (counting stops once past `limit`, so a huge or cyclic value costs little to weigh)."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
            continue
        total += 1
        if isinstance(item, int):
            total += item.bit_length() // 3
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, Namespace):
            stack.extend(object.__getattribute__(item, "_Namespace__attrs").values())
    return total


def _need(size: float, what: str, unit: str = "个字符") -> None:
    """Refuse an operation whose result would exceed MAX_SIZE, before it runs."""
    if size > MAX_SIZE:
        raise RenderBudgetExceeded(f"{what}的结果过大（约 {int(size):,} {unit}，上限 {MAX_SIZE:,}），已停止")


def _whole(value: Any) -> int | None:
    """An integer argument (not a bool), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_repeat(left: Any, right: Any) -> None:
    """`"x" * n`, `[x] * n` and `n * m`."""
    for sequence, count in ((left, right), (right, left)):
        times = _whole(count)
        if times is not None and isinstance(sequence, (str, bytes, list, tuple)):
            _need(weight(sequence) * max(times, 0), "重复（*）")
    if _whole(left) is not None and _whole(right) is not None and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise RenderBudgetExceeded(f"乘法的结果超过 {MAX_INT_BITS} 位二进制数，已停止")


def _check_power(base: Any, exponent: Any) -> None:
    """`9 ** 99 ** 99`: the size of an integer power is known before it is computed."""
    if _whole(base) is None or _whole(exponent) is None or exponent <= 0 or abs(base) < 2:
        return
    if exponent * math.log2(abs(base)) > MAX_INT_BITS:
        raise RenderBudgetExceeded(f"乘方的结果超过 {MAX_INT_BITS} 位二进制数，已停止")


def _check_printf(template: Any, values: Any) -> None:
    """`"%3000000000s" % x`: the widths and precisions of a printf-style format (and `*` widths)."""
    if not isinstance(template, str):
        return
    arguments = values if isinstance(values, tuple) else (values,)
    for width, precision, _ in _PRINTF_FIELD.findall(template):
        for number in (width, precision):
            if number == "*":
                _need(max((abs(v) for v in arguments if _whole(v) is not None), default=0), "格式宽度")
            elif number:
                _need(int(number), "格式宽度")
    _need(len(template) + weight(values) * max(template.count("%"), 1), "格式化（%）")


def _check_format_spec(spec: str) -> None:
    """`"{0:>3000000000}".format(x)`: every number in a format spec (width, precision)."""
    for number in _DIGITS.findall(spec):
        _need(int(number), "格式宽度")


def _check_sum(left: Any, right: Any) -> None:
    """`s + s` of strings or lists."""
    if isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
        _need(weight(left) + weight(right), "连接（+）")


def _check_method(owner: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The string methods that take a size or repeat their input; returns the arguments to call with
    (an iterable to join is read once, here)."""
    if isinstance(owner, (str, bytes)):
        text: Any = owner  # str or bytes: the same methods
        if name in _WIDTH_METHODS:
            width = args[0] if args else kwargs.get("width", 0)
            _need(_whole(width) or 0, "填充宽度")
        elif name == "expandtabs":
            tab = _whole(args[0] if args else kwargs.get("tabsize", 8)) or 0
            _need(len(text) + text.count("\t" if isinstance(text, str) else b"\t") * tab, "expandtabs")
        elif name == "replace" and len(args) >= 2 and isinstance(args[0], type(owner)):
            old, new = args[0], args[1]
            found = text.count(old) if old else len(text) + 1
            limit = _whole(args[2] if len(args) > 2 else kwargs.get("count", -1))
            found = min(found, limit) if limit is not None and limit >= 0 else found
            _need(len(owner) + found * max(weight(new) - len(old), 0), "替换（replace）")
        elif name == "join" and args:
            items = list(args[0])
            _need(weight(items) + len(owner) * len(items), "连接（join）")
            return (items, *args[1:])
        elif name == "translate" and args and isinstance(args[0], dict):
            longest = max((weight(value) for value in args[0].values()), default=1)
            _need(len(owner) * longest, "translate")
    elif isinstance(owner, int) and name == "to_bytes":
        _need(_whole(args[0] if args else kwargs.get("length", 1)) or 0, "to_bytes")
    return args


def _check_filter(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, tuple[Any, ...]]:
    """The built-in filters that take a size or repeat their input; returns the value and arguments to
    call with (an iterable to join or sum is read once, here)."""

    def argument(index: int, key: str, default: Any) -> Any:
        return args[index] if len(args) > index else kwargs.get(key, default)

    if name == "center":
        _need(_whole(argument(0, "width", 80)) or 0, "填充宽度")
    elif name == "indent":
        width = argument(0, "width", 4)
        size = len(width) if isinstance(width, str) else (_whole(width) or 0)
        _need(size, "缩进宽度")
        _need(weight(value) + (str(value).count("\n") + 1) * size, "缩进（indent）")
    elif name == "format":
        _check_printf(str(value), kwargs or args)
    elif name in ("batch", "slice"):
        _need(_whole(argument(0, "linecount" if name == "batch" else "slices", 1)) or 0, f"分组（{name}）", "项")
    elif name == "wordwrap":
        wrap = argument(3, "wrapstring", "\n")
        _need(weight(value) * (1 + weight(wrap)), "换行（wordwrap）")
    elif name == "replace":
        old, new = str(argument(0, "old", "")), argument(1, "new", "")
        text = str(value)
        found = text.count(old) if old else len(text) + 1
        _need(len(text) + found * max(weight(new) - len(old), 0), "替换（replace）")
    elif name == "join" or (name == "sum" and not isinstance(argument(1, "start", 0), (int, float))):
        value = list(value)
        separator = argument(0, "d", "") if name == "join" else ""
        _need(weight(value) + weight(separator) * len(value) + weight(argument(1, "start", 0)), f"连接（{name}）")
    elif name == "tojson" and (_whole(argument(0, "indent", None)) or 0) > MAX_JSON_INDENT:
        raise RenderBudgetExceeded(f"tojson 的缩进过大（上限 {MAX_JSON_INDENT}），已停止")
    return value, args


class _BoundedFormatter(SandboxedFormatter):
    """str.format in the sandbox, refusing huge widths and precisions."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        """Check the spec, then format."""
        _check_format_spec(format_spec)
        return super().format_field(value, format_spec)


class _BoundedEscapeFormatter(_BoundedFormatter, EscapeFormatter):
    """Markup.format in the sandbox, refusing huge widths and precisions."""


class _Instrument(NodeTransformer):
    """Rewrites a parsed template so loops count their iterations and `~` results are bounded."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        """`{% for x in items %}` iterates `items|_nianbao_loop`."""
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, LOOP_FILTER, [], [], None, None, lineno=node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        """`a ~ b` becomes `(a ~ b)|_nianbao_bound`."""
        self.generic_visit(node)
        return nodes.Filter(node, BOUND_FILTER, [], [], None, None, lineno=node.lineno)


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """Jinja sandbox (lists and dicts read-only) with autoescape, strict undefined, the report filters and
    the budget: steps, a deadline, bounded values and output."""

    deadline: float = 0.0
    calls: int = 0
    made: int = 0
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse, then instrument loops and concatenations (compile and parse both come here)."""
        tree = _Instrument().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree  # type: ignore[no-any-return]  # NodeTransformer.visit returns Any

    def tick(self) -> None:
        """Count one step of a render; stop a template that runs too long."""
        self.calls += 1
        if self.calls > MAX_STEPS:
            raise RenderBudgetExceeded(f"模板运行的步数超过 {MAX_STEPS:,}（可能有死循环），已停止")
        if self.calls % 64 == 0 and time.monotonic() > self.deadline:
            raise RenderBudgetExceeded(f"模板运行超过 {RENDER_SECONDS:g} 秒（可能有死循环），已停止")

    def bound(self, value: Any) -> Any:
        """A value a call, filter or `~` made: refused when too big, counted against what a render may make."""
        if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
            size = weight(value)
            _need(size, "运算")
            self.made += size
            if self.made > MAX_MADE:
                raise RenderBudgetExceeded(f"模板生成的内容超过 {MAX_MADE:,} 个字符，已停止")
        elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise RenderBudgetExceeded(f"运算的结果超过 {MAX_INT_BITS} 位二进制数，已停止")
        return value

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call counts; a string method is checked before it runs, and its result after."""
        __self.tick()
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (__self.counted(args[0]), *args[1:])
        owner = getattr(__obj, "__self__", None)
        if owner is not None and not isinstance(owner, types.ModuleType):
            args = _check_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        return __self.bound(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """`*`, `**`, `%` and `+` are checked before they run: `"x" * 10**9` or `9 ** 9 ** 9` never starts."""
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%":
            _check_printf(left, right)
        else:
            _check_sum(left, right)
        return self.bound(super().call_binop(context, operator, left, right))

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`a.b` on the report's own dicts without the exception Jinja's lookup raises first (same result);
        a custom field the input lacks is its own kind of undefined."""
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        if type(obj) is ExtraFields and attribute not in obj and attribute not in _DICT_ATTRIBUTES:
            return MissingExtraUndefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """`extra["联系人"]` for a field the input lacks is the same undefined as `extra.联系人`."""
        if type(obj) is ExtraFields and isinstance(argument, str) and argument not in obj:
            return MissingExtraUndefined(obj=obj, name=argument)
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format and str.format_map, sandboxed as Jinja does and with bounded widths."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        owner: Any = value.__self__
        if not isinstance(owner, str):
            return None
        formatter: Formatter = (
            _BoundedEscapeFormatter(self, escape=owner.escape) if isinstance(owner, Markup) else _BoundedFormatter(self)
        )
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return type(owner)(formatter.vformat(owner, (), args[0]))
            return type(owner)(formatter.vformat(owner, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def finalize_output(self, value: Any) -> Any:
        """Called for every {{ }} output: counts as a step; a value too big to print is refused unprinted."""
        self.tick()
        if not isinstance(value, (int, float, str)):
            _need(weight(value), "输出")
        return value

    def counted(self, iterable: Any) -> Iterator[Any]:
        """The items of a loop, each counted as a step."""
        for item in iterable:
            self.tick()
            yield item

    def bounded_concat(self, pieces: Iterable[str]) -> str:
        """Join what a part (or a macro, or a {% set %} block) renders, refusing more than MAX_OUTPUT.
        Pieces are measured 64 at a time: a flood is stopped early, a normal part costs almost nothing."""
        kept: list[str] = []
        total = 0
        iterator = iter(pieces)
        while chunk := list(itertools.islice(iterator, 64)):
            total += sum(map(len, chunk))
            if total > MAX_OUTPUT:
                raise RenderBudgetExceeded(f"模板生成的文字超过 {MAX_OUTPUT:,} 个字符，已停止")
            kept += chunk
        return "".join(kept)

    def start_budget(self) -> None:
        """Reset the budget before a render."""
        self.deadline = time.monotonic() + RENDER_SECONDS
        self.calls = 0
        self.made = 0


def _safe_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise RenderBudgetExceeded(f"range() 最多 {MAX_RANGE} 项")
    return numbers


_PASSED = {
    "context": lambda context: context,
    "eval_context": lambda context: context.eval_ctx,
    "environment": lambda context: context.environment,
}


def _guarded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that counts as a step, is checked before it runs (if it can grow its input) and bounded after.
    It takes the context, so Jinja never runs it while compiling (constant folding)."""
    passed = getattr(getattr(function, "jinja_pass_arg", None), "name", None)
    first = _PASSED.get(passed) if passed else None

    @jinja2.pass_context
    def guarded(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        env: ReportEnvironment = context.environment
        env.tick()
        value, args = _check_filter(name, value, args, kwargs)
        leading = (first(context),) if first else ()
        return env.bound(function(*leading, value, *args, **kwargs))

    return functools.update_wrapper(guarded, function, updated=())


def _bound_filter(value: Any) -> Any:
    """What `~` made, bounded (the filter the instrumented template applies to concatenations)."""
    return value


def make_env() -> ReportEnvironment:
    """The Jinja environment templates are rendered in."""
    env = ReportEnvironment(undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True)
    env.finalize = env.finalize_output
    env.concat = env.bounded_concat  # type: ignore[method-assign]  # Jinja joins output with env.concat
    env.filters = {name: _guarded_filter(name, function) for name, function in env.filters.items()}
    env.filters.update(FILTERS)  # the report's own filters make short text from a value: no guard needed
    env.filters[LOOP_FILTER] = env.counted
    env.filters[BOUND_FILTER] = _guarded_filter(BOUND_FILTER, _bound_filter)
    env.tests.update(TESTS)
    env.globals["range"] = _safe_range
    del env.globals["lipsum"]  # lipsum(n=10**9) writes gigabytes; a report has no use for it
    return env


def complexity_problem(sources: Iterable[str]) -> str | None:
    """Why the template parts are too big to compile safely (too many tags, too much text), or None."""
    total = tags = 0
    for source in sources:
        total += len(source)
        tags += source.count("{{") + source.count("{%")
    if tags > MAX_TAGS:
        return f"模板中有 {tags:,} 个标签，超过上限 {MAX_TAGS:,}"
    if total > MAX_SOURCE_CHARS:
        return f"模板中含标签的部分共 {total:,} 个字符，超过上限 {MAX_SOURCE_CHARS:,}"
    return None
