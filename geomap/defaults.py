"""Defaults the command line shows in its help, importable without the libraries of the
commands that use them (the map's modules import numpy and shapely: ~0.17 s of every
command's start otherwise)."""

# above this many places the page draws them with WebGL: in software rendering a canvas
# frame of 20,000 outlined markers takes ~0.5 s to rasterise (BENCHMARKS.md)
WEBGL_ABOVE = 20_000
