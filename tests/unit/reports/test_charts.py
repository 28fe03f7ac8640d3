"""Server-drawn SVG charts: escaped labels, gaps for missing values, round axis tops."""

from app.reports.charts import bar_chart, duration_ceiling, line_chart, nice_ceiling


def test_axis_tops_are_round_numbers():
    assert [nice_ceiling(v) for v in (0, 7, 13, 180, 1234)] == [1, 10, 20, 200, 2000]


def test_line_chart_escapes_labels_and_breaks_at_missing_values():
    svg = str(line_chart("<Volume>", ["a", "b", "c", "d"], [("in", [1, None, 3, 4])]))
    assert "<Volume>" not in svg and "&lt;Volume&gt;" in svg
    assert svg.count("<polyline") == 2  # one point, then two points
    assert svg.count("<circle") == 1  # the lone point is drawn as a dot


def test_bar_chart_has_one_bar_per_category_and_series():
    svg = str(bar_chart("By channel", ["SMS", "<script>"], [("in", [3, 0]), ("out", [1, None])]))
    assert svg.count("<rect") == 4 and "<script>" not in svg
    assert 'role="img"' in svg and "<title>By channel</title>" in svg


def test_duration_axes_end_on_round_durations():
    assert [duration_ceiling(v) for v in (50, 1000, 3000, 10000, 30 * 3600)] == [60, 1200, 3600, 14400, 172800]
