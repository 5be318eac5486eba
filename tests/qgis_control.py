"""Run by test_qgis.py with the system Python that has QGIS (Debian's python3-qgis), not the
project's: open campaign.gpkg's ``control`` layer headless as QGIS opens it, set the Temporal
Controller up as the README says, and print as JSON which rows it shows on each date: the
rows of the frame's filter, and the places a render of that frame draws.

    python3 tests/qgis_control.py output/campaign.gpkg UNTIL DAY [DAY ...]

UNTIL is the range's end that ``geomap export`` prints (the day after the last report).
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    Qgis,
    QgsApplication,
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsInterval,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsProject,
    QgsSingleSymbolRenderer,
    QgsTemporalNavigationObject,
    QgsTemporalUtils,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QSize, QTime  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def iso(value: QDateTime) -> str:
    return value.toString("yyyy-MM-ddTHH:mm:ss")


def day(text: str) -> QDateTime:
    return QDateTime(QDate.fromString(text, "yyyy-MM-dd"), QTime(0, 0))


def drawn_places(layer: QgsVectorLayer, frame_range: QgsDateTimeRange) -> list[str]:
    """The places whose point a render of the layer in this frame colours (a 2-pixel black
    dot each, on 3000 x 2000 pixels: the closest places are 10 pixels apart)."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(3000, 2000))
    settings.setExtent(layer.extent().buffered(0.1))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setIsTemporal(True)
    settings.setTemporalRange(frame_range)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    to_pixel = settings.mapToPixel()
    points = {f["place_id"]: f.geometry().asPoint() for f in layer.getFeatures()}
    drawn = []
    for place, point in sorted(points.items()):
        pixel = to_pixel.transform(QgsPointXY(point))
        if image.pixelColor(round(pixel.x()), round(pixel.y())).lightness() < 128:
            drawn.append(place)
    return drawn


def visible_rows(gpkg: str, until: str, days: list[str]) -> dict:
    """The layer's temporal settings as loaded, the animation's range, and per day the
    (place_id, controller, status) rows the map canvas draws in that day's frame."""
    layer = QgsVectorLayer(f"{gpkg}|layername=control", "control", "ogr")
    if not layer.isValid():
        raise SystemExit(f"QGIS cannot open {gpkg}")
    props = layer.temporalProperties()
    loaded = {
        "mode": props.mode() == props.ModeFeatureDateTimeStartAndEndFromFields,
        "start": props.startField(),
        "end": props.endField(),
        "include_end": props.limitMode() == Qgis.VectorTemporalLimitMode.IncludeBeginIncludeEnd,
        "field_types": {f.name(): f.typeName() for f in layer.fields()},
    }
    props.setIsActive(True)  # the README: tick "Dynamic Temporal Control"
    dot = QgsMarkerSymbol.createSimple(
        {"name": "circle", "color": "black", "size": "0.5", "outline_style": "no"}
    )
    layer.setRenderer(QgsSingleSymbolRenderer(dot))
    QgsProject.instance().addMapLayer(layer)
    # the Temporal Controller: animated, "Set to full range", its end set to UNTIL, a step
    # of one day
    navigation = QgsTemporalNavigationObject()
    navigation.setNavigationMode(QgsTemporalNavigationObject.Animated)
    full = QgsTemporalUtils.calculateTemporalRangeForProject(QgsProject.instance())
    extent = QgsDateTimeRange(full.begin(), day(until))
    navigation.setTemporalExtents(extent)
    navigation.setFrameDuration(QgsInterval(1, QgsUnitTypes.TemporalDays))
    context = QgsVectorLayerTemporalContext()
    context.setLayer(layer)
    shown = {}
    for text in days:
        frame = navigation.findBestFrameNumberForFrameStart(day(text))
        navigation.setCurrentFrameNumber(frame)
        frame_range = navigation.dateTimeRangeForFrameNumber(navigation.currentFrameNumber())
        rows = []
        if props.isVisibleInTemporalRange(frame_range):
            # the filter QgsVectorLayerRenderer adds to its request for this frame
            request = QgsFeatureRequest().setFilterExpression(
                props.createFilterString(context, frame_range)
            )
            rows = sorted(
                [f["place_id"], f["controller"] or "", f["status"]]
                for f in layer.getFeatures(request)
            )
        shown[text] = {
            "frame": [iso(frame_range.begin()), iso(frame_range.end())],
            "rows": rows,
            "drawn": drawn_places(layer, frame_range),
        }
    return {
        "qgis": Qgis.QGIS_VERSION,
        "loaded": loaded,
        "full_range": [iso(full.begin()), iso(full.end())],
        "frames": navigation.totalFrameCount(),
        "shown": shown,
    }


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    result = visible_rows(sys.argv[1], sys.argv[2], sys.argv[3:])
    print(json.dumps(result))
    app.exitQgis()


if __name__ == "__main__":
    main()
