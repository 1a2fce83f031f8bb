"""An Altair chart as the facts a reader sees: its marks, and for each what the
channels encode (field, type, scale, sort) and which rows it draws.

Tests assert on these rather than on substrings of the chart's JSON, where a
colour or a mark name found anywhere (a tooltip, another layer, the config)
would pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt

CONCATS = ("layer", "hconcat", "vconcat", "concat")


@dataclass(frozen=True)
class Layer:
    """One mark of a chart, with what its parents pass down resolved."""

    mark: str
    mark_properties: dict[str, Any]
    encoding: dict[str, Any]
    values: list[dict[str, Any]]  # the rows the mark draws, from the chart's inline datasets

    def fields(self) -> dict[str, tuple[str, str]]:
        """Channel -> (field, type) for the channels that encode a field (tooltips aside)."""
        return {
            channel: (definition["field"], definition["type"])
            for channel, definition in self.encoding.items()
            if isinstance(definition, dict) and "field" in definition
        }


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec, as Streamlit is handed it."""
    return chart.to_dict()


def layers(chart: alt.TopLevelMixin | dict[str, Any]) -> list[Layer]:
    """Every mark of a chart, layered or concatenated charts flattened in drawing
    order; a layer gets its parents' data and encoding unless it sets its own."""
    top = chart if isinstance(chart, dict) else spec(chart)
    datasets = top.get("datasets", {})
    found: list[Layer] = []

    def walk(node: dict[str, Any], data: dict[str, Any] | None, encoding: dict[str, Any]) -> None:
        data = node.get("data", data)
        encoding = {**encoding, **node.get("encoding", {})}
        children = [child for key in CONCATS for child in node.get(key, [])]
        if "spec" in node:  # a facet or repeat
            children.append(node["spec"])
        for child in children:
            walk(child, data, encoding)
        if "mark" in node:
            mark = node["mark"] if isinstance(node["mark"], dict) else {"type": node["mark"]}
            values = data.get("values") if data else None
            if values is None and data and "name" in data:
                values = datasets.get(data["name"])
            found.append(
                Layer(
                    mark=mark["type"],
                    mark_properties={key: value for key, value in mark.items() if key != "type"},
                    encoding=encoding,
                    values=list(values or []),
                )
            )

    walk(top, None, {})
    return found
