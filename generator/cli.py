"""The `nianbao` command line: translates arguments to library calls, results to output and exit codes."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__, schema
from .check.load import Checked, load
from .errors import NianbaoError
from .files import is_same_file, refuse_input_as_output, refuse_to_replace, write_text
from .formats.json_document import dumps
from .issues import UNWRITABLE_CODES, CheckResult
from .model import Report, blank_report, with_values

if TYPE_CHECKING:
    from .publish.render import PreparedTemplate

# openpyxl (writing) and docxtpl (rendering) are imported inside the commands that use them:
# `nianbao check` then starts in a third of the time.

EXIT_DATA = 1


class CannotRun(click.ClickException):
    """The command could not run: exit status 2, as the contract says."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        """Print the message in Chinese on stderr."""
        click.echo(f"无法执行：{self.message}", err=True)


@contextlib.contextmanager
def cannot_run_on_error() -> Iterator[None]:
    """Turn a NianbaoError into exit status 2 with its Chinese message."""
    try:
        yield
    except NianbaoError as exc:
        raise CannotRun(exc.message) from exc


INPUT = click.Path(path_type=Path, dir_okay=True)


def _checked(path: Path, previous: Path | None = None) -> Checked:
    with cannot_run_on_error():
        return load(path, previous)


# click words its usage errors and help headings in English through gettext; these are its message ids.
CLICK_CHINESE = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "Error: {message}": "错误：{message}",
    "Aborted!": "已中断。",
    "Try '{command} {option}' for help.": "请运行“{command} {option}”查看用法。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项 {name}。",
    "Did you mean {possibility}?": "是否要输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否要输入其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，不是文件。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取（没有权限）。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入（没有权限）。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不能执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "小数",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not one of {choices}.": "{value!r} 不是以下之一：{choices}。",
}


def _chinese(message: str) -> str:
    return CLICK_CHINESE.get(message, message)


def _chinese_plural(singular: str, plural: str, count: int) -> str:
    return _chinese(singular if count == 1 else plural)


def tidy(message: str) -> str:
    """click's punctuation made Chinese: 'NAME' in “” quotes, full stops as 。."""
    message = re.sub(r"'([^']*)'", r"“\1”", message)
    message = re.sub(r"\.(\s|$)", r"。", message)
    return message.replace("。 ", "。").replace("？ ", "？")


def speak_chinese_in_click() -> None:
    """Give click's modules a Chinese `gettext` (they import it as `_` for exactly this purpose)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _chinese  # type: ignore[attr-defined]  # the module's gettext alias, meant to be localised
        if hasattr(module, "ngettext"):
            module.ngettext = _chinese_plural  # type: ignore[attr-defined]  # likewise for plural forms


speak_chinese_in_click()


class Guarded(click.Group):
    """A last line of defence: an unexpected error is a short Chinese message and exit 2, not a traceback.

    Usage errors are shown in Chinese too (click words them in English).
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command line; usage errors and interruptions get Chinese messages."""
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "nianbao"
            click.echo(f"用法错误：{tidy(exc.format_message())}\n请运行“{command} --help”查看用法。", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("\n已中断。", err=True)
            sys.exit(130)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; turn an unexpected exception into CannotRun."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("NIANBAO_DEBUG"):
                raise
            raise CannotRun(
                f"内部错误（{type(exc).__name__}: {exc}）。请把输入文件和这条信息发给维护者；设置 NIANBAO_DEBUG=1 可看到详细信息。"
            ) from exc


@click.group(cls=Guarded, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """nianbao（年报）：政府信息公开工作年度报告的标准工作簿、校验与 Word 报告生成。

    \b
    一般流程：
      nianbao new 年报.xlsx --agency 某某镇人民政府 --year 2025
      （在 Excel/WPS 中填写黄色单元格）
      nianbao check 年报.xlsx
      nianbao build 年报.xlsx
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not when captured by a test runner
            with contextlib.suppress(ValueError):
                stream.reconfigure(encoding="utf-8")
    if ctx.invoked_subcommand is None:  # bare `nianbao`: the help, not an error
        click.echo(ctx.get_help())


FORCE_OPTION = click.option("--force", is_flag=True, help="已有同名文件时替换它（默认不覆盖）。")


@cli.command()
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--agency", help="机关全称，填入工作簿。")
@click.option("--year", type=int, help="报告年度，如 2025。")
@click.option("--from", "source", type=INPUT, help="用 JSON 文件（或另一份工作簿）中的数据填写工作簿。")
@click.option(
    "--previous",
    "last",
    type=INPUT,
    help="上年的年报（工作簿、JSON 或已发布的报告）：填好机关、机关类型、年度和上年结转，上年的文字放在“上年参考”表中。",
)
@FORCE_OPTION
def new(out: Path, agency: str | None, year: int | None, source: Path | None, last: Path | None, force: bool) -> None:
    """生成标准工作簿（.xlsx），供在 Excel/WPS 中填写。

    \b
    例：nianbao new 年报.xlsx --agency 某某镇人民政府 --year 2025
        nianbao new 年报.xlsx --from 年报.json
        nianbao new 2025年报.xlsx --previous 2024年报.docx
    """
    from .formats.next_year import write_next_year_workbook
    from .formats.workbook_writer import write_workbook

    if source is not None and last is not None:
        raise click.UsageError("--from 和 --previous 只能选一个。")
    given = source or last
    with cannot_run_on_error():
        if out.suffix.lower() not in (".xlsx", ".xlsm"):
            raise NianbaoError(f"“{out.name}”不是工作簿文件名：new 生成的是 Excel 工作簿，文件名应以 .xlsx 结尾。")
        refuse_to_replace(out, force)
        if given is not None:
            refuse_input_as_output(out, [given])
    report = blank_report() if given is None else _readable(given)
    updates = {key: value for key, value in (("agency", agency), ("year", year)) if value is not None}
    with cannot_run_on_error():
        if last is not None:
            write_next_year_workbook(out, report, **updates)
        else:
            report = with_values(report, **updates)
            write_workbook(out, report)
            _warn_replaced_totals(report)
    click.echo(f"已生成工作簿：{out}")


def _warn_replaced_totals(report: Report) -> None:
    from .formats.workbook_writer import replaced_totals

    for path, given, computed in replaced_totals(report):
        field = schema.BY_PATH[path]
        click.echo(
            f"警告  {field.label}（工作表“{field.sheet}”{field.cell}）：原数据填写 {given}，"
            f"工作簿中改为自动合计的公式（按明细合计为 {computed}）",
            err=True,
        )


def _readable(path: Path) -> Report:
    """The report of an input whose every value could be read; exit 1 listing what could not."""
    checked = _checked(path)
    unreadable = [i for i in checked.result.errors if i.code in UNWRITABLE_CODES]
    if unreadable:
        click.echo(CheckResult(tuple(unreadable)).to_text(), err=True)
        click.echo("数据有误，未生成工作簿。", err=True)
        sys.exit(EXIT_DATA)
    return checked.report


@cli.command()
@click.argument("input_path", metavar="INPUT", type=INPUT)
@click.option(
    "--previous",
    type=INPUT,
    help="上年的年报（工作簿、JSON 或已发布的报告），核对上年结转、现行有效件数、文中的同比数字和与上年重复的段落。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
@click.option(
    "--mark",
    type=click.Path(path_type=Path, dir_okay=False),
    help="另存一份标注了问题的工作簿副本（问题单元格标色并加批注，首页“检查结果”列出全部问题）。",
)
def check(input_path: Path, previous: Path | None, as_json: bool, mark: Path | None) -> None:
    """检查工作簿或 JSON：数字、合计、勾稽关系和文字中写到的数字，指出每个问题所在的表、行、列和单元格。

    \b
    例：nianbao check 年报.xlsx
        nianbao check 年报.xlsx --previous 上年年报.xlsx --json
        nianbao check 年报.xlsx --mark 年报-标注问题.xlsx
    """
    result = _checked(input_path, previous).result
    if mark is not None:
        from .county.mark import write_marked

        with cannot_run_on_error():
            cells = write_marked(input_path, result.issues, mark)
        click.echo(f"已标注 {cells} 个单元格：{mark}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        if result.ok and not result.warnings:
            click.echo("检查通过，未发现问题。")
        else:
            click.echo(result.to_text())
    if not result.ok:
        sys.exit(EXIT_DATA)


@cli.command()
@click.argument("input_path", metavar="INPUT", type=INPUT)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="输出的 JSON 文件；默认输出到屏幕。"
)
def export(input_path: Path, output: Path | None) -> None:
    """把工作簿或 JSON 导出为标准 JSON 文档（含各项总计）。

    \b
    例：nianbao export 年报.xlsx -o 年报.json
    """
    checked = _checked(input_path)
    if not checked.result.ok:
        click.echo(checked.result.to_text(), err=True)
        click.echo("数据有误，未导出。", err=True)
        sys.exit(EXIT_DATA)
    text = dumps(checked.report)
    if output is None:
        click.echo(text, nl=False)
        return
    with cannot_run_on_error():
        refuse_input_as_output(output, [input_path])
        write_text(output, text)
    click.echo(f"已导出：{output}", err=True)


@cli.command("draft")
@click.argument("input_path", metavar="INPUT", type=INPUT)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="把文字填入副本（.xlsx 或 .json）中空着的“依申请公开”小节；默认输出到屏幕。",
)
@click.option("--previous", type=INPUT, help="上年的年报：同时写出与上年相比的增减。")
def draft_command(input_path: Path, output: Path | None, previous: Path | None) -> None:
    """按表格数字起草“一、总体情况”中依申请公开和复议诉讼的标准表述，写出的文字与表格一致。

    \b
    例：nianbao draft 年报.xlsx
        nianbao draft 年报.xlsx --previous 上年年报.xlsx -o 年报-含起草.xlsx
    """
    from .check.draft import draft_file, with_draft
    from .formats.inputs import REPORT_SUFFIXES, write_report

    with cannot_run_on_error():
        if output is not None and output.suffix.lower() not in REPORT_SUFFIXES:
            raise NianbaoError("输出文件的扩展名应为 .xlsx 或 .json。")
        if output is not None and any(is_same_file(output, p) for p in (input_path, previous) if p is not None):
            raise NianbaoError(f"不能覆盖输入文件“{output}”，请另选输出文件名。")
        drafted = draft_file(input_path, previous)
    if drafted.blocking:
        click.echo(CheckResult(drafted.blocking).to_text(), err=True)
        click.echo("表格数据有误，未起草。", err=True)
        sys.exit(EXIT_DATA)
    if output is None:
        click.echo(drafted.draft.text)
        return
    filled, placed = with_draft(drafted.checked.report, drafted.draft)
    with cannot_run_on_error():
        write_report(output, filled)
    if placed:
        click.echo(f"已起草并写入：{output}（“一、总体情况”依申请公开小节）", err=True)
    else:
        click.echo(drafted.draft.text)
        click.echo(f"依申请公开小节已有内容，未改动；起草的文字见上方。已写出副本：{output}", err=True)


TEMPLATE_OPTION = click.option(
    "--template",
    "template_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="自定义 Word 模板（.docx）；默认使用内置模板。",
)


def _template(path: Path | None) -> PreparedTemplate:
    from .publish.templates import load_template

    with cannot_run_on_error():
        return load_template(path)


@cli.command("import")
@click.argument("report_path", metavar="REPORT", type=INPUT)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="输出的 JSON（.json）或标准工作簿（.xlsx）；默认把 JSON 输出到屏幕。",
)
def import_command(report_path: Path, output: Path | None) -> None:
    """读取已发布的年度报告（Word、网页或带文字的 PDF），转为标准 JSON 文档或工作簿。

    数字按报告所印原样读出（合计不符也照写，检查是 check 的事）；无法读取的部分列出位置（页、表格、行），
    退出状态为 1；按 0 读取的空白单元格等假定以警告列出。

    \b
    例：nianbao import 上年年报.docx -o 上年年报.json
        nianbao import 年报网页.html -o 年报.xlsx
    """
    from .check.imported import import_report
    from .formats.inputs import REPORT_SUFFIXES, write_report

    with cannot_run_on_error():
        if output is not None and output.suffix.lower() not in REPORT_SUFFIXES:
            raise NianbaoError("输出文件的扩展名应为 .json 或 .xlsx。")
        if output is not None and is_same_file(output, report_path):
            raise NianbaoError("输出文件不能是输入的报告本身。")
        imported = import_report(report_path)
    if imported.result.issues:
        click.echo(imported.result.to_text(), err=True)
    if not imported.result.ok:
        click.echo("报告有部分内容无法读取，未输出。", err=True)
        sys.exit(EXIT_DATA)
    if output is None:
        click.echo(dumps(imported.report), nl=False)
        return
    with cannot_run_on_error():
        write_report(output, imported.report)
    click.echo(f"已导入：{output}", err=True)


@cli.command("build")
@click.argument("input_path", metavar="INPUT", type=INPUT)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="输出的 .docx；默认为“机关+年度+年政府信息公开工作年度报告.docx”。",
)
@TEMPLATE_OPTION
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF。")
@click.option("--html", is_flag=True, help="同时生成网页版（HTML），可直接粘贴到门户网站。")
@click.option("--package", is_flag=True, help="生成发布包：Word、PDF、HTML 和 发布信息.json 放在一个文件夹中。")
def build_command(
    input_path: Path, output: Path | None, template_path: Path | None, pdf: bool, html: bool, package: bool
) -> None:
    """检查后生成 Word 格式的年度报告；有错误时只列出错误，不生成文件。

    \b
    例：nianbao build 年报.xlsx
        nianbao build 年报.xlsx -o 报告.docx --pdf --html
        nianbao build 年报.xlsx --package
    """
    from .publish.build import build

    template = _template(template_path)
    with cannot_run_on_error():
        if output is not None:
            output, pdf, html = _docx_target(output, pdf, html)
        built = build(input_path, output, template, pdf=pdf, html=html, package=package)
    if built.result.issues:
        click.echo(built.result.to_text(), err=True)
    if not built.written:
        click.echo("有错误，未生成报告。", err=True)
        sys.exit(EXIT_DATA)
    for path in built.written:
        click.echo(f"已生成：{path}")


def _docx_target(output: Path, pdf: bool, html: bool) -> tuple[Path, bool, bool]:
    """`-o 报告.pdf` asks for the PDF (and writes the DOCX beside it), never a DOCX named .pdf."""
    suffix = output.suffix.lower()
    if suffix == ".pdf":
        return output.with_suffix(".docx"), True, html
    if suffix in (".html", ".htm"):
        return output.with_suffix(".docx"), pdf, True
    if suffix != ".docx":
        raise NianbaoError(f"“{output.name}”：报告的文件名应以 .docx 结尾（或 .pdf、.html，同时生成 Word 文档）。")
    return output, pdf, html


@cli.command("bulk")
@click.argument("input_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="报告和汇总表的输出文件夹。",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数，默认为 CPU 核数。")
@click.option("-r", "--recursive", is_flag=True, help="包括子文件夹。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度条。")
@TEMPLATE_OPTION
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF。")
@click.option("--html", is_flag=True, help="同时生成网页版（HTML）和列出全部报告的 index.html。")
@click.option("--package", is_flag=True, help="每份报告生成一个发布包文件夹，另写 index.html。")
@click.option(
    "--roster",
    "roster_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="应报送单位的名单（.xlsx 或 .csv，列：机关全称、机关类型、联系人）：汇总表列出未报送、名单外和报送多份的单位。",
)
@click.option(
    "--mark", is_flag=True, help="有问题的工作簿另存一份标注副本（问题单元格标色并加批注），放在“退回意见”文件夹中。"
)
@click.option(
    "--previous-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="上年年报所在的文件夹：逐单位核对上年结转，汇总表加上年文件、同比和异常变化（超过 5 倍或不到 0.2 倍）列。",
)
def bulk_command(
    input_dir: Path,
    out_dir: Path,
    jobs: int | None,
    recursive: bool,
    quiet: bool,
    template_path: Path | None,
    pdf: bool,
    html: bool,
    package: bool,
    roster_path: Path | None,
    mark: bool,
    previous_dir: Path | None,
) -> None:
    """检查并生成一个文件夹中的全部工作簿和 JSON，写出汇总表（汇总.xlsx、汇总.csv）和有问题单位的退回意见。

    \b
    例：nianbao bulk 收到的年报 -o 生成的报告
        nianbao bulk 收到的年报 -o 生成的报告 -r --jobs 4
        nianbao bulk 收到的年报 -o 生成的报告 --roster 名单.xlsx --mark --previous-dir 2024年报
    """
    from .county import bulk
    from .county.workers import Interrupted, stop_on_signals

    with cannot_run_on_error():
        _template(template_path)
        plan = bulk.plan_folder(
            input_dir,
            out_dir,
            bulk.Outputs(pdf, html, package),
            template_path,
            jobs or bulk.default_jobs(),
            recursive,
            roster_path,
            previous_dir,
            mark,
        )
    with progress_line(len(plan.paths), "生成中", quiet) as step:
        try:
            with cannot_run_on_error(), stop_on_signals():
                rows = bulk.write_folder(plan, lambda row: step(row.file.name))
        except (KeyboardInterrupt, Interrupted) as exc:
            click.echo("\n已中断：已生成的报告保留，未写完的文件已删除。", err=True)
            exit_now(143 if isinstance(exc, Interrupted) and exc.signal_number == signal.SIGTERM else 130)
    with cannot_run_on_error():
        summary, notices = bulk.finish_folder(plan, rows)
    xlsx = summary.xlsx
    failed = [row for row in rows if row.status != bulk.OK]
    for row in failed:
        click.echo(f"{row.status}：{row.file}", err=True)
        for message in row.messages:
            click.echo(f"    {message}", err=True)
    for row in plan.others:
        click.echo(f"{bulk.NOT_AN_INPUT}：{row.file}（{row.messages[0]}）", err=True)
    for notice in (*notices, *_attendance_lines(summary.attendance)):
        click.echo(notice, err=True)
    letters = sum(1 for row in rows if any(name.endswith(".docx") for name in row.review_files))
    if letters:
        click.echo(f"退回意见：{letters} 份，在“{out_dir / bulk.REVIEW_FOLDER}”中。", err=True)
    done = len(rows) - len(failed)
    click.echo(f"共 {len(rows)} 份：生成 {done} 份，{len(failed)} 份有错误或无法读取。汇总表：{xlsx}")
    if failed:
        sys.exit(EXIT_DATA)


def _attendance_lines(attendance: Any) -> list[str]:
    """What the roster says of the run, for stderr."""
    if attendance is None:
        return []
    lines = []
    if attendance.missing:
        lines.append(f"未报送（{len(attendance.missing)} 个单位）：{'、'.join(attendance.missing)}")
    if attendance.unknown:
        lines.append(f"名单外（{len(attendance.unknown)} 份）：{'、'.join(attendance.unknown)}")
    for unit, files in attendance.twice:
        lines.append(f"重复报送：{unit}（{'、'.join(files)}）")
    return lines


@contextlib.contextmanager
def progress_line(total: int, label: str, quiet: bool) -> Iterator[Callable[[str], None]]:
    """A step function that redraws one progress line on a terminal (count, rate, the file at hand) at most
    ten times a second; nothing when quiet or when stderr is not a terminal."""
    import time

    from .county.progress import Progress

    if quiet or not sys.stderr.isatty():
        yield lambda _name: None
        return
    progress = Progress(total, label)
    shown = [0.0]

    def step(name: str) -> None:
        progress.advance()
        now = time.monotonic()
        if now - shown[0] >= 0.1 or progress.done == total:
            shown[0] = now
            click.echo(f"\r\033[K{progress.line(name)}", nl=False, err=True)

    try:
        yield step
    finally:
        click.echo("", err=True)


def exit_now(code: int) -> None:
    """Exit at once, output flushed. A worker killed while it wrote a result leaves half a message in the
    pool's pipe; the pool's thread then waits for the rest forever, and a normal exit would wait for it."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@cli.command("rollup")
@click.argument("input_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "-o",
    "--output",
    "outputs",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="输出文件：.xlsx（全县数据：明细、未计入、分析）、.json（汇总的年报数据）；加 --report 时另给一个 .docx。可写多个。",
)
@click.option("--year", type=int, help="汇总哪一年度；默认取最多的年度。")
@click.option(
    "--agency", default="汇总", show_default=True, help="汇总报告的机关名称（--report 时写全称，如 某某县人民政府）。"
)
@click.option("-r", "--recursive", is_flag=True, help="包括子文件夹。")
@click.option(
    "--report", is_flag=True, help="同时按统一格式生成全县汇总的年度报告（Word，-o 给出 .docx），附各单位情况表。"
)
@click.option(
    "--previous-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="上年年报所在的文件夹：“分析”表加与上年对比的图，--report 的文字写出与上年相比的增减。",
)
@click.option("-q", "--quiet", is_flag=True, help="不显示进度。")
def rollup_command(
    input_dir: Path,
    outputs: tuple[Path, ...],
    year: int | None,
    agency: str,
    recursive: bool,
    report: bool,
    previous_dir: Path | None,
    quiet: bool,
) -> None:
    """把同一年度所有有效报告的各表逐项相加（全县汇总），并列出未计入的文件及原因。

    同一单位有几份时，计入成文日期最晚的一份（日期相同取文件较新的），并说明。

    \b
    例：nianbao rollup 收到的年报 -o 全县汇总.xlsx --year 2025
        nianbao rollup 收到的年报 -o 全县汇总.xlsx --report -o 全县汇总.docx --agency 某某县人民政府
        nianbao rollup 收到的年报 -o 全县汇总.xlsx --previous-dir 2024年报
    """
    from .county import bulk
    from .county.county_report import check_outputs, write_rollup

    with cannot_run_on_error():
        if not input_dir.is_dir():
            raise NianbaoError(f"找不到文件夹“{input_dir}”。")
        if previous_dir is not None and not previous_dir.is_dir():
            raise NianbaoError(f"找不到上年年报的文件夹“{previous_dir}”。")
        check_outputs(outputs, report, agency, input_dir)
        paths = bulk.discover(input_dir, recursive)
        previous_paths = bulk.discover(previous_dir, recursive) if previous_dir is not None else []
        for out in outputs:
            refuse_input_as_output(out, [*paths, *previous_paths])
    with progress_line(len(paths) + len(previous_paths), "汇总中", quiet) as step, cannot_run_on_error():
        done = write_rollup(paths, outputs, agency, year, previous_paths, lambda path: step(path.name))
    for path, reason in done.rolled.left_out:
        click.echo(f"未计入：{path}（{reason}）", err=True)
    for choice in done.rolled.choices:
        click.echo(f"同一单位多份：{choice}", err=True)
    if done.rolled.report is None:
        raise CannotRun("没有可以汇总的有效报告。")
    for path in done.written:
        click.echo(f"已写出：{path}", err=True)
    click.echo(
        f"已汇总 {len(done.rolled.included)} 份 {done.rolled.year} 年度报告：{'、'.join(map(str, done.written))}"
    )


@cli.group()
def roster() -> None:
    """应报送单位的名单：生成空白名单，供 bulk --roster 核对谁未报送、谁报送了多份。

    \b
    例：nianbao roster new 名单.xlsx
        nianbao bulk 收到的年报 -o 生成的报告 --roster 名单.xlsx
    """


@roster.command("new")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@FORCE_OPTION
def roster_new(out: Path, force: bool) -> None:
    """生成空白名单（.xlsx）：每行一个单位，填写机关全称，机关类型和联系人可不填。

    \b
    例：nianbao roster new 名单.xlsx
    """
    from .county.roster import write_blank_roster

    with cannot_run_on_error():
        refuse_to_replace(out, force)
        write_blank_roster(out)
    click.echo(f"已生成名单：{out}")


@cli.group()
def template() -> None:
    """Word 模板：导出默认模板以便修改，检查自定义模板。

    \b
    例：nianbao template export 我的模板
        nianbao template check 我的模板/红头示例.docx
        nianbao build 年报.xlsx --template 我的模板/红头示例.docx
    """


@template.command("export")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@FORCE_OPTION
def template_export(folder: Path, force: bool) -> None:
    """导出默认模板、模板变量说明和一个红头示例模板，供自定义。

    \b
    例：nianbao template export 我的模板
    """
    from .publish.templates import export_templates

    with cannot_run_on_error():
        written = export_templates(folder, force)
    for path in written:
        click.echo(f"已导出：{path}")


@template.command("check")
@click.argument("template_file", metavar="T.docx", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
def template_check(template_file: Path, as_json: bool) -> None:
    """检查 Word 模板：语法、未知变量、被 Word 拆分或改坏的标签、缺少的规定内容。

    \b
    例：nianbao template check 我的模板/红头示例.docx
    """
    from .publish.lint import lint

    with cannot_run_on_error():
        if not template_file.is_file():
            raise NianbaoError(f"找不到模板文件“{template_file}”。")
        result = lint(template_file).result
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.to_text() if result.issues else "模板检查通过，未发现问题。")
    if not result.ok:
        sys.exit(EXIT_DATA)


@cli.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="监听的地址；0.0.0.0 表示允许内网中的其他电脑访问。"
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="监听的端口。")
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("nianbao-data"),
    show_default=True,
    help="数据文件夹：县级账号、单位名单、各单位报送的文件（数据库 nianbao.db）。",
)
def serve_command(host: str, port: int, data: Path) -> None:
    """启动网页服务：填报人员在浏览器中检查年报、下载报告；县级政务公开办收集各单位的报送。

    \b
    例：nianbao serve
        nianbao serve --host 0.0.0.0 --port 8080 --data /srv/nianbao
    """
    try:
        from .web.server import serve
    except ImportError as exc:
        raise CannotRun(
            f'网页服务需要额外的组件（缺少 {exc.name}）：请运行 pip install ".[web]"（在本项目文件夹中）。'
        ) from exc
    with cannot_run_on_error():
        serve(host, port, data, click.echo)


def main() -> None:
    """Entry point for `python -m generator`."""
    cli(prog_name="nianbao")
