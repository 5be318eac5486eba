"""The campaign's time axis: the slider, play and its speeds, the date, the address."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part

STEPS = ("day", "week", "month")
SPEEDS = (1, 2, 4, 8)


class TimeSlider(Part):
    """The slider over the campaign's window with a tick on each day with events; play at
    ``speeds`` times the pace of ``play_ms`` a stop, skipping quiet stops unless
    ``skip_quiet`` is off; the URL's hash follows the date, place and view."""

    part = "slider"
    default_js = ["slider.js"]
    default_css = ["slider.css"]

    def __init__(
        self,
        *,
        step: str = "day",
        play_ms: int = 250,
        stale_days: int = 30,
        speeds: tuple[int, ...] = SPEEDS,
        skip_quiet: bool = True,
    ) -> None:
        if step not in STEPS:
            raise ValueError("step is day, week or month")
        super().__init__(step=step, playMs=play_ms, speeds=list(speeds), skipQuiet=skip_quiet)
        self.step = step
        self.play_ms = play_ms
        self.stale_days = stale_days
