"""The `nianbao` command line: translates arguments to library calls, results to output and exit codes."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from . import __version__
from .build import build, report_file_name
from .check import Checked, load
from .errors import NianbaoError
from .files import write_text
from .issues import READING_CODES, CheckResult
from .jsonio import dumps
from .model import blank_report, with_values
from .render import PreparedTemplate
from .templates import load_template
from .workbook import write_workbook

EXIT_DATA = 1


class CannotRun(click.ClickException):
    """The command could not run: exit status 2, as the contract says."""

    exit_code = 2

    def show(self, file: object = None) -> None:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """nianbao（年报）：政府信息公开工作年度报告的标准工作簿、校验与 Word 报告生成。

    \b
    一般流程：
      nianbao new 年报.xlsx --agency 某某镇人民政府 --year 2025
      （在 Excel/WPS 中填写黄色单元格）
      nianbao check 年报.xlsx
      nianbao build 年报.xlsx
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]


@cli.command()
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--agency", help="机关全称，填入工作簿。")
@click.option("--year", type=int, help="报告年度，如 2025。")
@click.option("--from", "source", type=INPUT, help="用 JSON 文件中的数据填写工作簿。")
def new(out: Path, agency: str | None, year: int | None, source: Path | None) -> None:
    """生成标准工作簿（.xlsx），供在 Excel/WPS 中填写。

    \b
    例：nianbao new 年报.xlsx --agency 某某镇人民政府 --year 2025
        nianbao new 年报.xlsx --from 年报.json
    """
    report = blank_report()
    if source is not None:
        checked = _checked(source)
        unreadable = [i for i in checked.result.errors if i.code in READING_CODES]
        if unreadable:
            click.echo(CheckResult(tuple(unreadable)).to_text(), err=True)
            click.echo("数据有误，未生成工作簿。", err=True)
            sys.exit(EXIT_DATA)
        report = checked.report
    updates = {key: value for key, value in (("agency", agency), ("year", year)) if value is not None}
    with cannot_run_on_error():
        write_workbook(out, with_values(report, **updates))
    click.echo(f"已生成工作簿：{out}")


@cli.command()
@click.argument("input_path", metavar="INPUT", type=INPUT)
@click.option("--previous", type=INPUT, help="上年的年报（工作簿或 JSON），核对上年结转和现行有效件数。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
def check(input_path: Path, previous: Path | None, as_json: bool) -> None:
    """检查工作簿或 JSON：数字、合计和勾稽关系，指出每个问题所在的表、行、列和单元格。

    \b
    例：nianbao check 年报.xlsx
        nianbao check 年报.xlsx --previous 上年年报.xlsx --json
    """
    result = _checked(input_path, previous).result
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
        write_text(output, text)
    click.echo(f"已导出：{output}", err=True)


TEMPLATE_OPTION = click.option(
    "--template",
    "template_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="自定义 Word 模板（.docx）；默认使用内置模板。",
)


def _template(path: Path | None) -> PreparedTemplate:
    with cannot_run_on_error():
        return load_template(path)


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
def build_command(input_path: Path, output: Path | None, template_path: Path | None, pdf: bool) -> None:
    """检查后生成 Word 格式的年度报告；有错误时只列出错误，不生成文件。

    \b
    例：nianbao build 年报.xlsx
        nianbao build 年报.xlsx -o 报告.docx --pdf
    """
    template = _template(template_path)
    with cannot_run_on_error():
        checked = load(input_path)
        target = output or Path(report_file_name(checked.report))
        built = build(input_path, target, template, pdf=pdf, checked=checked)
    if built.result.issues:
        click.echo(built.result.to_text(), err=True)
    if not built.written:
        click.echo("有错误，未生成报告。", err=True)
        sys.exit(EXIT_DATA)
    for path in built.written:
        click.echo(f"已生成：{path}")


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
def template_export(folder: Path) -> None:
    """导出默认模板、模板变量说明和一个红头示例模板，供自定义。

    \b
    例：nianbao template export 我的模板
    """
    from .templates import export_templates

    with cannot_run_on_error():
        written = export_templates(folder)
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
    from .templatecheck import lint

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


def main() -> None:
    """Entry point for `python -m generator`."""
    cli(prog_name="nianbao")
