#!/usr/bin/python3
"""Builds OverlapTest.ttf: a TrueType font whose glyphs are the contour
topologies the SDF must fill by the nonzero rule. Run with Debian's
python3-fonttools; the font is committed, so tests do not need it.

  a  two overlapping rectangles (same direction)
  b  an x of two crossing strokes
  c  a self-intersecting figure-eight (one contour crossing itself)
  d  a ring: outer contour clockwise, inner reversed (a hole)
  e  nested contours with the same direction (no hole under nonzero)
  f  overlapping contours of opposite direction (they cancel where they overlap)
"""
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

def rect(pen, x0, y0, x1, y1, cw=True):
    pts = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)] if cw else [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    pen.moveTo(pts[0])
    for p in pts[1:]:
        pen.lineTo(p)
    pen.closePath()

def poly(pen, pts):
    pen.moveTo(pts[0])
    for p in pts[1:]:
        pen.lineTo(p)
    pen.closePath()

def glyph(draw):
    pen = TTGlyphPen(None)
    draw(pen)
    return pen.glyph()

glyphs = {
    ".notdef": glyph(lambda p: rect(p, 50, 0, 450, 700)),
    "a": glyph(lambda p: (rect(p, 50, 0, 450, 400), rect(p, 250, 200, 650, 700))),
    "b": glyph(lambda p: (poly(p, [(50, 0), (150, 0), (650, 700), (550, 700)]),
                          poly(p, [(550, 0), (650, 0), (150, 700), (50, 700)]))),
    "c": glyph(lambda p: poly(p, [(100, 0), (600, 0), (100, 700), (600, 700)])),
    "d": glyph(lambda p: (rect(p, 50, 0, 650, 700, cw=True), rect(p, 200, 150, 500, 550, cw=False))),
    "e": glyph(lambda p: (rect(p, 50, 0, 650, 700, cw=True), rect(p, 200, 150, 500, 550, cw=True))),
    "f": glyph(lambda p: (rect(p, 50, 0, 450, 450, cw=True), rect(p, 250, 250, 650, 700, cw=False))),
}
order = list(glyphs)
fb = FontBuilder(1000, isTTF=True)
fb.setupGlyphOrder(order)
fb.setupCharacterMap({ord(g): g for g in order if len(g) == 1})
fb.setupGlyf(glyphs)
fb.setupHorizontalMetrics({g: (700, 50) for g in order})
fb.setupHorizontalHeader(ascent=800, descent=-200)
fb.setupNameTable({"familyName": "Overlap Test", "styleName": "Regular"})
fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
fb.setupPost()
fb.save("OverlapTest.ttf")
