"""Charts as self-contained SVG (pygal, no JavaScript), embedded as data URIs so the page's CSP allows
them and WeasyPrint prints them in the board pack exactly as on screen."""

import base64

import pygal
from pygal.style import Style

BRAND = ("#106165", "#d4351c", "#f47738", "#4c2c92", "#00703c", "#5694ca", "#912b88", "#85994b")

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=BRAND,
    font_family="Liberation Sans, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=12,
    title_font_size=16,
)


def _uri(chart) -> str:
    svg = chart.render(is_unicode=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _base(kind, *, title: str, labels: list[str]):
    options = dict(
        style=_STYLE,
        js=[],
        disable_xml_declaration=False,
        width=900,
        height=420,
        title=title,
        show_legend=True,
        legend_at_bottom=True,
        print_values=False,
        x_label_rotation=0 if len(labels) < 8 else 35,
        truncate_label=-1,
        truncate_legend=-1,
        margin=20,
    )
    chart = kind(**options)
    chart.x_labels = labels
    return chart


def bar_chart(*, title: str, labels: list[str], series: dict[str, list[int]], stacked: bool = False) -> str:
    kind = pygal.StackedBar if stacked else pygal.Bar
    chart = _base(kind, title=title, labels=labels)
    for name, values in series.items():
        chart.add(name, values)
    return _uri(chart)


def horizontal_bar_chart(*, title: str, labels: list[str], series: dict[str, list[int]], stacked: bool = True) -> str:
    kind = pygal.HorizontalStackedBar if stacked else pygal.HorizontalBar
    chart = kind(
        style=_STYLE,
        js=[],
        width=900,
        height=max(300, 26 * len(labels) + 120),
        title=title,
        legend_at_bottom=True,
        truncate_label=-1,
        margin=20,
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _uri(chart)
